"""Regenerate screenshots/*.svg from the real app against the real engine (`make screenshots`).

It starts a few labelled demo containers from the busybox test image, drives the app with
Textual's Pilot, saves SVGs, and removes what it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dockui.app import DockuiApp, make_app  # noqa: E402
from tests.support.images import ensure_busybox, static_busybox  # noqa: E402

DEMO_LABEL = "dockui.demo"
OUT = ROOT / "screenshots"
PROJECT = ROOT / "examples" / "demo-app"
BUILD_DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
RUN echo "installing dependencies..." && sleep 1 && echo "done"
RUN echo "compiling assets..." && sleep 30
CMD ["httpd", "-f", "-p", "8000"]
"""


def start_demo(client: docker.DockerClient) -> None:
    image = ensure_busybox(client)
    cleanup(client)
    specs = [
        ("shop-web", "httpd -f -v -p 80", {"80/tcp": 8080}, "shop"),
        ("shop-worker", "sh -c 'i=0; while true; do i=$((i+1)); echo \"job $i done\"; "
                        "sleep 1; done'", None, "shop"),
        ("migrate", "sh -c 'echo migrating; echo done'", None, ""),
    ]
    for name, command, ports, project in specs:
        labels = {DEMO_LABEL: "1"}
        if project:
            labels["com.docker.compose.project"] = project
        client.containers.run(image, command, name=name, detach=True, ports=ports,
                              labels=labels)


def cleanup(client: docker.DockerClient) -> None:
    for c in client.containers.list(all=True, sparse=True, filters={"label": DEMO_LABEL}):
        with contextlib.suppress(docker.errors.NotFound):
            c.remove(force=True)


async def loaded(app: DockuiApp, pilot) -> None:
    """Wait until the lists hold the demo containers and the worker has logs to show."""
    for _ in range(200):
        await pilot.pause(0.05)
        if app.main.containers.row_count >= 3 and app.engine is not None:
            break
    await pilot.pause(0.5)


async def shoot(name: str, size: tuple[int, int], project: Path,
                steps: Callable[[DockuiApp, object], Awaitable[None]] | None = None) -> None:
    app = make_app(project)
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        worker = next((k for k in app.main.containers._shown
                       if app.main.containers.items[k].name == "shop-worker"), None)
        if worker:
            app.main.containers.select_key(worker)
        await pilot.pause(1.5)
        if steps is not None:
            await steps(app, pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
        print(f"wrote screenshots/{name}.svg")


async def open_run_form(app: DockuiApp, pilot) -> None:
    await pilot.press("2")
    images = app.main.images
    for key in images._shown:
        if key.endswith("|dockui-test/busybox:latest"):
            images.select_key(key)
    await pilot.press("r")
    await pilot.pause(0.5)
    form = app.screen
    form.query_one("#paste").value = ("docker run -d --name web -p 8080:80 "
                                      "-v ./site:/www -e GREETING=hello "
                                      "dockui-test/busybox:latest httpd -f -h /www")
    await pilot.pause(1.0)


async def build_in_progress(app: DockuiApp, pilot) -> None:
    await pilot.press("1", "b")
    await pilot.pause(0.5)
    await pilot.press("ctrl+s")
    for _ in range(100):
        await pilot.pause(0.1)
        if "compiling assets" in "\n".join(app.main.logs_pane.view.visible_lines()):
            break
    await pilot.pause(0.5)


async def project_pane(app: DockuiApp, pilot) -> None:
    await pilot.press("1")
    await pilot.pause(0.3)


async def help_open(app: DockuiApp, pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause(0.3)


def main() -> None:
    client = docker.from_env()
    start_demo(client)
    # The projects sit in a stand-in home folder, so the screens show ~/demo-app and nothing
    # of the machine the screenshots were taken on (nor its run history or saved hosts).
    home = Path(tempfile.mkdtemp(prefix="dockui-shots-"))
    os.environ["HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    project = home / "demo-app"
    shutil.copytree(PROJECT, project)
    build_project = home / "hello-web"
    build_project.mkdir()
    shutil.copy(static_busybox(), build_project / "busybox")
    (build_project / "Dockerfile").write_text(BUILD_DOCKERFILE)
    (build_project / ".dockerignore").write_text(".git\n")
    try:
        asyncio.run(shoot("main", (160, 45), project))
        asyncio.run(shoot("compact", (80, 24), project))
        asyncio.run(shoot("findings", (90, 40), project, steps=project_pane))
        asyncio.run(shoot("run-form", (120, 40), project, steps=open_run_form))
        asyncio.run(shoot("build", (140, 40), build_project, steps=build_in_progress))
        asyncio.run(shoot("help", (120, 40), project, steps=help_open))
    finally:
        cleanup(client)
        shutil.rmtree(home, ignore_errors=True)
        for image in client.images.list(name="hello-web"):
            for tag in image.tags:
                with contextlib.suppress(docker.errors.APIError):
                    client.images.remove(tag, force=True)


if __name__ == "__main__":
    main()
