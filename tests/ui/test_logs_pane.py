"""The Logs pane against real containers: hostile output, floods, search, save, several."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dockui.widgets.containers_table import ContainersTable
from dockui.widgets.logs_pane import MAX_LINES, LogsPane
from tests.ui.conftest import screen_text, wait_for

SIZE = (140, 40)

HOSTILE = (
    r"printf 'title\033]0;pwned\007 clear\033[2J move\033[10;10H "
    r"clip\033]52;c;ZXZpbA==\007 nul\000 bad\377\376 end\n'; "
    r"printf '%0200000d\n' 0; "
    r"printf '\033[31mred\033[0m plain\n'; sleep 3600"
)


async def _follow(pilot, app, container) -> LogsPane:
    table = app.main.query_one(ContainersTable)
    await wait_for(pilot, lambda: container.id in table.items, what="the container row")
    await pilot.press("3")
    table.select_key(container.id)
    await pilot.press("enter")
    pane = app.main.query_one(LogsPane)
    await wait_for(pilot, lambda: pane.container is not None and
                   pane.container.id == container.id, what="the logs to switch")
    return pane


def _text(pane: LogsPane) -> str:
    return "\n".join(pane.view.visible_lines())


async def test_hostile_output_is_neutralised(app_factory, make_container):
    c = make_container(["sh", "-c", HOSTILE])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _follow(pilot, app, c)
        await wait_for(pilot, lambda: "red plain" in _text(pane), what="the output")
        text = _text(pane)
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
        assert "␛]0;pwned" in text and "␛[2J" in text and "␛]52;c;" in text
        assert "\ufffd" in text
        assert "cut" in text and max(len(line) for line in text.splitlines()) < 20_000
        assert "\x1b" not in screen_text(app)
        assert app.is_running


async def test_a_flood_does_not_freeze_keys_and_the_buffer_stays_bounded(app_factory,
                                                                         make_container):
    # It waits until the pane follows it, so the whole flood comes through the live stream.
    c = make_container(["sh", "-c", "echo ready; sleep 3; seq 1 200000; sleep 3600"])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _follow(pilot, app, c)
        await wait_for(pilot, lambda: "ready" in _text(pane), what="the first line")
        await wait_for(pilot, lambda: len(pane.view.buffer) > 1000, what="the flood")
        assert not pane.view.show_timestamps
        await pilot.press("t")  # answered while the flood streams
        assert pane.view.show_timestamps
        await wait_for(pilot, lambda: _text(pane).endswith("200000"), timeout=60,
                       what="the last line")
        assert len(pane.view.buffer) <= MAX_LINES
        assert pane.view.buffer.dropped > 0


async def test_readers_stand_aside_just_after_a_key(app_factory):
    from dockui.widgets.logs_pane import KEY_FIRST, key_wait

    assert key_wait(100.0, 100.1) == pytest.approx(KEY_FIRST - 0.1)
    assert key_wait(100.0, 100.0 + KEY_FIRST + 0.01) == 0
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        before = time.monotonic()
        await pilot.press("t")
        assert before <= app.last_input <= time.monotonic()  # what the readers go by


async def test_search_filter_and_save(app_factory, make_container, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    c = make_container(["sh", "-c", "for i in 1 2 3 4 5 6; do echo line $i; "
                                    "echo error $i >&2; done; sleep 3600"])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _follow(pilot, app, c)
        await wait_for(pilot, lambda: "error 6" in _text(pane), what="the output")
        await pilot.press("slash", *"error", "enter")
        assert pane.view.match_count == 6
        await pilot.press("F")
        shown = pane.view.visible_lines()
        assert len(shown) == 6 and all("error" in line for line in shown)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SaveDialog", what="form")
        path = app.screen.query_one("#path").value
        assert path.endswith(".log") and c.name in path
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main, what="the form to close")
        saved = Path(path).read_text().splitlines()
        assert saved == shown


async def test_marked_containers_interleave_by_time(app_factory, make_container):
    a = make_container(["sh", "-c", "echo a1; sleep 1; echo a2; sleep 1; echo a3; sleep 3600"])
    b = make_container(["sh", "-c", "sleep 0.5; echo b1; sleep 1; echo b2; sleep 3600"])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: a.id in table.items and b.id in table.items,
                       what="both rows")
        await pilot.press("3")
        for c in (a, b):
            table.select_key(c.id)
            await pilot.press("space")
        await pilot.press("l")
        pane = app.main.query_one(LogsPane)
        await wait_for(pilot, lambda: "a3" in _text(pane) and "b2" in _text(pane), timeout=20,
                       what="lines from both")
        lines = list(pane.view.buffer)
        stamps = [line.timestamp for line in lines]
        assert stamps == sorted(stamps)  # one timeline, not one container after the other
        assert {line.source for line in lines} == {a.name, b.name}
        assert [ln.plain for ln in lines if ln.source == a.name] == ["a1", "a2", "a3"]


async def test_a_start_event_while_the_stream_opens_loses_no_lines(app_factory, make_container):
    # The watcher may report the container (re-)started while its first stream is still
    # opening; that must not restart the follow from "now" and drop the history.
    c = make_container(["sh", "-c", "for i in 1 2 3; do echo early $i; done; sleep 3600"])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _follow(pilot, app, c)
        await wait_for(pilot, lambda: "early 3" in _text(pane), what="the output")
        info = app.engine.container(c.id)
        pane._switch(info)  # a fresh follow, and the event right after it
        pane.containers_changed([info], [])
        await wait_for(pilot, lambda: "early 3" in _text(pane), what="the history again")
        assert _text(pane).count("early 1") == 1


async def test_o_sets_the_lines_of_history_and_saves_them(app_factory, make_container,
                                                          own_config_folder):
    c = make_container(["sh", "-c", "for i in $(seq 1 10); do echo line $i; done; sleep 3600"])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _follow(pilot, app, c)
        await wait_for(pilot, lambda: "line 10" in _text(pane), what="the output")
        await pilot.press("o")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LogOptionsDialog",
                       what="the form")
        field = app.screen.query_one("#tail")
        field.value = "x"
        await pilot.press("ctrl+s")  # refused: not a number
        assert type(app.screen).__name__ == "LogOptionsDialog"
        field.value = "3"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _text(pane).splitlines() == ["line 8", "line 9", "line 10"],
                       what="only the last 3 lines")
        saved = (own_config_folder / "dockui" / "settings.json").read_text()
        assert '"tail": 3' in saved and '"keep": 20000' in saved
        assert pane.settings.tail == 3


async def test_a_prefetched_start_follows_logs_once_connected(app_factory, make_container,
                                                              monkeypatch):
    # The first lists come from the start-up prefetch, before docker-py connects: a container
    # chosen then is followed as soon as the engine is there.
    import dockui.engine.watcher
    from dockui.prefetch import start_prefetch

    load_docker = dockui.engine.watcher.load_docker
    monkeypatch.setattr(dockui.engine.watcher, "load_docker",
                        lambda: (time.sleep(1.0), load_docker()))  # a slow connection
    c = make_container(["sh", "-c", "echo hello-early; sleep 3600"])
    app = app_factory(prefetch=start_prefetch())
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: c.id in table.items, what="the prefetched row")
        assert app.engine is None
        pane = app.main.query_one(LogsPane)
        pane.show_container(table.items[c.id], now=True)
        await wait_for(pilot, lambda: "hello-early" in _text(pane), what="the logs")
        assert "not connected" not in _text(pane)
