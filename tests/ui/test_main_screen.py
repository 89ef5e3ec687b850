"""The main screen against the real engine: lists, live updates, filter, errors."""

from __future__ import annotations

import socket

from dockui.widgets.containers_table import ContainersTable
from dockui.widgets.images_table import ImagesTable
from dockui.widgets.project_pane import ProjectView
from dockui.widgets.status_line import StatusLine
from tests.support.socket_proxy import SocketProxy
from tests.ui.conftest import row_texts, screen_text, wait_for

SIZE = (160, 45)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _row_of(table, name: str) -> str | None:
    return next((r for r in row_texts(table) if r.startswith(name + " ")), None)


async def test_containers_and_images_show_with_their_columns(app_factory, make_container,
                                                             busybox_image):
    port = _free_port()
    c = make_container("httpd -f -p 80", ports={"80/tcp": port},
                       labels={"com.docker.compose.project": "shop"})
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: _row_of(table, c.name), what="the container row")
        row = _row_of(table, c.name)
        assert "dockui-test/busybox" in row
        assert "running" in row
        assert f"0.0.0.0:{port}->80/tcp" in row
        assert "shop" in row
        assert "Up " in row
        images = app.main.query_one(ImagesTable)
        image_row = next(r for r in row_texts(images) if r.startswith(busybox_image))
        assert "MB" in image_row or "kB" in image_row
        assert "ago" in image_row
        status = app.main.query_one(StatusLine)
        assert "Docker 20" in str(status.render()) or "Docker " in str(status.render())
        project = app.main.query_one(ProjectView)
        await wait_for(pilot, lambda: project.info is not None, what="the project scan")
        text = screen_text(app)
        for title in ("1 Project", "2 Images", "3 Containers", "4 Logs"):
            assert title in text
        assert "requirements.txt" in text  # what the project folder holds for packaging
        assert "press g to generate" in text  # a Python project with no Dockerfile


async def test_outside_changes_show_without_a_key(app_factory, make_container, docker_client):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: app.main.query_one(StatusLine).state == "connected")
        await pilot.pause(0.3)
        c = make_container("sleep 3600")
        await wait_for(pilot, lambda: "running" in (_row_of(table, c.name) or ""),
                       what="the new container, running")
        c.kill()
        await wait_for(pilot, lambda: "exited" in (_row_of(table, c.name) or ""),
                       what="the killed container to show exited")
        c.remove()
        await wait_for(pilot, lambda: _row_of(table, c.name) is None, what="the row to go")


async def test_a_hides_stopped_and_slash_filters(app_factory, make_container):
    running = make_container("sleep 3600")
    stopped = make_container("true", start=False)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: _row_of(table, stopped.name), what="the stopped one")
        await pilot.press("3", "a")
        assert _row_of(table, stopped.name) is None
        assert _row_of(table, running.name)
        await pilot.press("a")
        assert _row_of(table, stopped.name)
        await pilot.press("slash", *running.name[-8:])
        await pilot.pause()
        assert [r.split(" ")[0] for r in row_texts(table)] == [running.name]
        await pilot.press("enter")
        assert table.has_focus
        assert table.selected.name == running.name
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert _row_of(table, stopped.name)


async def test_missing_socket_explains_and_keeps_running(app_factory, tmp_path):
    app = app_factory(host=f"unix://{tmp_path}/nothing.sock")
    async with app.run_test(size=SIZE) as pilot:
        status = app.main.query_one(StatusLine)
        await wait_for(pilot, lambda: status.state == "down", what="the down state")
        text = screen_text(app)
        assert "no engine socket" in text
        assert "systemctl start docker" in text or "systemctl start docker" in status.message
        assert "Traceback" not in text
        await pilot.press("2", "3", "slash", "x", "escape")
        assert app.is_running


async def test_reconnects_after_the_engine_comes_back(app_factory, make_container, tmp_path):
    proxy = SocketProxy(tmp_path / "engine.sock")
    proxy.start()
    app = app_factory(host=proxy.url)
    try:
        async with app.run_test(size=SIZE) as pilot:
            status = app.main.query_one(StatusLine)
            table = app.main.query_one(ContainersTable)
            await wait_for(pilot, lambda: status.state == "connected", what="connected")
            proxy.stop()
            await wait_for(pilot, lambda: status.state == "down", what="the loss to show")
            assert "lost the engine" in status.message or "no engine" in status.message
            c = make_container("sleep 3600")  # made while dockui is cut off
            proxy.start()
            await wait_for(pilot, lambda: status.state == "connected", timeout=15,
                           what="the reconnect")
            await wait_for(pilot, lambda: _row_of(table, c.name), what="the refreshed list")
    finally:
        proxy.stop()


async def test_hostile_strings_show_harmlessly(app_factory, make_container):
    evil = "\x1b]0;pwned\x07[/]\x1b[2J[bold]x"
    c = make_container(["sh", "-c", "echo '\x1b[2J'; sleep 3600"],
                       labels={"com.docker.compose.project": evil})
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: _row_of(table, c.name), what="the row")
        row = _row_of(table, c.name)
        assert "␛]0;pwned␇[/]␛[2J[bold]x" in row
        assert "\x1b" not in screen_text(app)
        assert app.is_running


async def test_question_mark_lists_every_pane_s_keys(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 150)) as pilot:  # tall: the whole list on screen
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.main.help.is_open, what="help")
        text = screen_text(app)
        for expected in ("Everywhere", "Containers pane", "Logs pane", "Exec shell",
                         "Save to file", "command palette"):
            assert expected in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.main.help.is_open, what="help to close")
        assert "Containers pane" not in screen_text(app)


async def test_help_takes_every_key_while_open(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        containers = app.main.query_one("#containers")
        await wait_for(pilot, lambda: containers.has_focus, what="the focus")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.main.help.is_open, what="help")
        keys = app.main.query_one("KeyBar").render().plain
        assert "Close" in keys and "Exec shell" not in keys  # the bar shows help's keys only
        await pilot.press("2", "slash")  # would focus Images and open its filter
        await pilot.pause()
        assert containers.has_focus and app.main.help.is_open
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: app.main.help.scroll_y > 0, what="help to scroll")
        for close in ("q", "question_mark"):
            await pilot.press(close)
            await wait_for(pilot, lambda: not app.main.help.is_open, what=f"{close} to close")
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: app.main.help.is_open, what="help again")
            assert app.main.help.scroll_y == 0  # it opens at the top
        await pilot.click(offset=(1, 1))  # beside the panel
        await wait_for(pilot, lambda: not app.main.help.is_open, what="a click to close")
        await pilot.press("2")
        await wait_for(pilot, lambda: app.main.query_one("#images").has_focus,
                       what="keys to work again")


async def test_key_bar_shows_the_focused_pane_s_keys_and_clicks_them(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.main.query_one("KeyBar")
        await wait_for(pilot, lambda: app.main.query_one("#containers").has_focus,
                       what="the focus")
        text = bar.render().plain
        assert text.rstrip().endswith("? Help ▏^p palette")  # kept, however many keys
        assert "Exec shell" in text
        start = next(start for start, _end, key, _on in bar._spans if key == "question_mark")
        await pilot.click(bar, offset=(start + 1, 0))
        await wait_for(pilot, lambda: app.main.help.is_open, what="a click on ? to open help")
        assert "\x1b" not in screen_text(app)


async def test_uptimes_age_without_asking_the_engine(app_factory, make_container, monkeypatch):
    c = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: (_row_of(table, c.name) or "").find("Up ") > 0,
                       what="the running container")
        assert "Up 2 hours" not in _row_of(table, c.name)
        import time
        from types import SimpleNamespace

        later = time.time() + 2 * 3600  # two hours on, for the status words only
        monkeypatch.setattr("dockui.engine.format.time", SimpleNamespace(time=lambda: later))
        app.main._refresh_ages()  # what the one-minute timer does
        await pilot.pause()
        assert "Up 2 hours" in _row_of(table, c.name)
