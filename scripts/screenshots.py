"""Regenerate screenshots/*.svg from the real app against the real engine (`make screenshots`).

It starts a few labelled demo containers from the busybox test image, drives the app with
Textual's Pilot, saves SVGs, and removes what it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockui.app import make_app  # noqa: E402
from tests.support.images import ensure_busybox  # noqa: E402

DEMO_LABEL = "dockui.demo"
OUT = ROOT / "screenshots"
PROJECT = ROOT / "examples" / "demo-app"


def start_demo(client: docker.DockerClient) -> list:
    image = ensure_busybox(client)
    cleanup(client)
    specs = [
        ("shop-web", "httpd -f -v -p 80", {"80/tcp": 8080}, "shop"),
        ("shop-worker", "sh -c 'i=0; while true; do i=$((i+1)); echo \"job $i done\"; "
                        "sleep 1; done'", None, "shop"),
        ("migrate", "sh -c 'echo migrating; echo done'", None, ""),
    ]
    made = []
    for name, command, ports, project in specs:
        labels = {DEMO_LABEL: "1"}
        if project:
            labels["com.docker.compose.project"] = project
        c = client.containers.run(image, command, name=name, detach=True, ports=ports,
                                  labels=labels)
        made.append(c)
    return made


def cleanup(client: docker.DockerClient) -> None:
    for c in client.containers.list(all=True, sparse=True, filters={"label": DEMO_LABEL}):
        with contextlib.suppress(docker.errors.NotFound):
            c.remove(force=True)


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...] = ()) -> None:
    app = make_app(PROJECT)
    async with app.run_test(size=size) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.main.containers.row_count >= 3:
                break
        await pilot.pause(0.5)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        await pilot.pause(1.0)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
        print(f"wrote screenshots/{name}.svg")


def main() -> None:
    client = docker.from_env()
    start_demo(client)
    try:
        asyncio.run(shoot("main", (160, 45)))
        asyncio.run(shoot("compact", (80, 24)))
    finally:
        cleanup(client)


if __name__ == "__main__":
    main()
