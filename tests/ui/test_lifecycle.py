"""Lifecycle keys in the Containers pane change the engine's state (checked with docker-py)."""

from __future__ import annotations

import contextlib
import subprocess

import docker
import pytest

from dockui.screens.confirm import ConfirmScreen
from dockui.widgets.containers_table import ContainersTable
from tests.ui.conftest import screen_text, wait_for

SIZE = (140, 40)


def _state(client: docker.DockerClient, container) -> str:
    try:
        return client.api.inspect_container(container.id)["State"]["Status"]
    except docker.errors.NotFound:
        return "gone"


async def _select(pilot, app, container) -> ContainersTable:
    table = app.main.query_one(ContainersTable)
    await wait_for(pilot, lambda: container.id in table.items, what="the container row")
    await pilot.press("3")
    assert table.select_key(container.id)
    await pilot.pause()
    return table


async def test_stop_start_pause_restart_kill(app_factory, make_container, docker_client):
    c = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, c)
        await pilot.press("p")
        await wait_for(pilot, lambda: _state(docker_client, c) == "paused", what="paused")
        await wait_for(pilot, lambda: app.main.containers.selected.state == "paused",
                       what="the row to say paused")
        await pilot.press("p")
        await wait_for(pilot, lambda: _state(docker_client, c) == "running", what="unpaused")
        # Keys act on the state the row shows: wait for it before the next one.
        await wait_for(pilot, lambda: app.main.containers.selected.state == "running",
                       what="the row to say running")
        await pilot.press("k")
        await wait_for(pilot, lambda: _state(docker_client, c) == "exited", what="killed")
        await wait_for(pilot, lambda: app.main.containers.selected.state == "exited",
                       what="the row to say exited")
        await pilot.press("S")
        await wait_for(pilot, lambda: _state(docker_client, c) == "running", what="started")
        started = docker_client.api.inspect_container(c.id)["State"]["StartedAt"]
        await wait_for(pilot, lambda: app.main.containers.selected.state == "running",
                       what="the row to say running")
        await pilot.press("r")
        await wait_for(pilot, lambda: docker_client.api.inspect_container(c.id)["State"]
                       ["StartedAt"] != started, timeout=30, what="restarted")
        await wait_for(pilot, lambda: app.main.containers.selected.state == "running",
                       what="the row to say running again")
        await pilot.press("s")
        await wait_for(pilot, lambda: _state(docker_client, c) == "exited", timeout=30,
                       what="stopped")
        await wait_for(pilot, lambda: any(e.argv[1] == "stop" for e in app.command_log.entries),
                       what="the stop in the command log")
        lines = [e.line for e in app.command_log.entries]
        assert f"docker pause {c.name}" in lines
        assert f"docker kill {c.name}" in lines
        assert f"docker stop {c.name}" in lines


async def test_a_key_that_does_not_apply_says_why(app_factory, make_container, docker_client):
    c = make_container("sleep 3600")
    app = app_factory()
    # Toasts are off in run_test unless asked for.
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _select(pilot, app, c)
        await wait_for(pilot, lambda: app.main.containers.selected.state == "running",
                       what="the row to say running")
        await pilot.press("S")
        await wait_for(pilot, lambda: f"Cannot start {c.name}: it is running" in screen_text(app),
                       what="the reason on screen")
        assert not any(e.argv[1] == "start" for e in app.command_log.entries)
        await pilot.press("k")
        await wait_for(pilot, lambda: app.main.containers.selected.state == "exited",
                       what="the row to say exited")
        await pilot.press("s")
        await wait_for(pilot, lambda: f"Cannot stop {c.name}: it is exited" in screen_text(app),
                       what="the reason for stop on screen")
        assert _state(docker_client, c) == "exited"


async def test_remove_asks_and_n_refuses(app_factory, make_container, docker_client):
    c = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, c)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("n")
        await pilot.pause(0.5)
        assert _state(docker_client, c) == "running"
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: _state(docker_client, c) == "gone", what="removed")
        await wait_for(pilot, lambda: c.id not in app.main.containers.items, what="row gone")


@pytest.mark.parametrize("with_volumes", [False, True])
async def test_remove_keeps_anonymous_volumes_unless_ticked(app_factory, make_container,
                                                             docker_client, with_volumes):
    c = make_container("sleep 3600", start=False, volumes=["/data"])
    volume = docker_client.api.inspect_container(c.id)["Mounts"][0]["Name"]
    app = app_factory()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _select(pilot, app, c)
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen),
                           what="the question")
            if with_volumes:
                app.screen.query_one("#option").value = True
            await pilot.press("y")
            await wait_for(pilot, lambda: _state(docker_client, c) == "gone", what="removed")
        names = {v.name for v in docker_client.volumes.list()}
        assert (volume in names) is not with_volumes
    finally:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.volumes.get(volume).remove()


async def test_marked_containers_stop_together(app_factory, make_container, docker_client):
    a, b, other = (make_container("sleep 3600") for _ in range(3))
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = await _select(pilot, app, a)
        await pilot.press("space")
        table.select_key(b.id)
        await pilot.press("space")
        assert table.marked == {a.id, b.id}
        await pilot.press("k")
        await wait_for(pilot, lambda: _state(docker_client, a) == "exited"
                       and _state(docker_client, b) == "exited", what="both killed")
        assert _state(docker_client, other) == "running"


async def test_prune_removes_exactly_what_it_previewed(app_factory, make_container,
                                                       docker_client):
    stopped = [make_container("true", start=False) for _ in range(2)]
    running = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, running)
        app.main.action_prune_containers()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the preview")
        listed = {line.split()[0] for line in _plain(app.screen).splitlines() if line.strip()}
        for c in stopped:
            assert c.name in listed
        await pilot.press("y")
        await wait_for(pilot, lambda: all(_state(docker_client, c) == "gone" for c in stopped),
                       what="the stopped ones gone")
        assert _state(docker_client, running) == "running"
        removed = {e.argv[-1] for e in app.command_log.entries if e.argv[:2] == ("docker", "rm")}
        assert {c.name for c in stopped} <= removed


def _plain(screen) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(screen.body)
    return console.export_text()


async def test_command_log_saves_a_script_that_runs(app_factory, make_container, docker_client,
                                                    tmp_path):
    c = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, c)
        await pilot.press("k")
        await wait_for(pilot, lambda: _state(docker_client, c) == "exited", what="killed")
        await wait_for(pilot, lambda: app.main.containers.selected.state == "exited",
                       what="the row to say exited")
        await pilot.press("S")
        await wait_for(pilot, lambda: _state(docker_client, c) == "running", what="started")
    script = tmp_path / "commands.sh"
    script.write_text(app.command_log.as_script())
    assert f"docker kill {c.name}" in script.read_text()
    assert f"docker start {c.name}" in script.read_text()
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert _state(docker_client, c) == "running"
