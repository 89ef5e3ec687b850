"""Tests for dockui.widgets.log_view.LogView in a tiny app that hosts only the widget."""

from __future__ import annotations

import threading
import time

from textual.app import App, ComposeResult

from dockui.logtext import LineSplitter, LogLine, interleave
from dockui.widgets.log_view import LogView

TS = "2024-05-06T07:08:09.123456789Z"
SIZE = (100, 30)


class LogApp(App):
    """Just a LogView."""

    def __init__(self, max_lines: int = 20_000) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines)


def _batch(start: int, count: int, word: str = "line") -> list[LogLine]:
    return [LogLine(f"{word} {i}", "stderr" if i % 10 == 9 else "stdout", TS)
            for i in range(start, start + count)]


def _rows(view: LogView) -> list[str]:
    """The text of every row on screen, as rendered."""
    return [view.render_line(y).text.rstrip()
            for y in range(view.scrollable_content_region.height)]


def _on_screen(view: LogView, text: str) -> bool:
    return any(text in row for row in _rows(view))


def _segments_text(view: LogView) -> str:
    return "".join(segment.text for y in range(view.scrollable_content_region.height)
                   for segment in view.render_line(y))


async def test_100000_lines_in_batches_end_on_screen():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        started = time.perf_counter()
        for start in range(0, 100_000, 1000):
            view.append(_batch(start, 1000))
            if start % 10_000 == 0:
                await pilot.pause()
        await pilot.pause()
        assert time.perf_counter() - started < 10
        rows = _rows(view)
        assert rows[-1] == "▌line 99999"  # stderr lines carry the gutter mark
        assert rows[-2] == " line 99998"
        assert len(view.buffer) == 20_000
        assert view.follow


async def test_buffer_bound_and_dropped_marker():
    app = LogApp(max_lines=500)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        for start in range(0, 5000, 300):
            view.append(_batch(start, 300))
            assert len(view.buffer) <= 500
        await pilot.pause()
        view.follow = False
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        rows = _rows(view)
        assert rows[0] == " … 4,600 earlier lines dropped"
        assert rows[1] == " line 4600"
        assert view.visible_lines()[0] == "line 4600"


async def test_key_press_takes_effect_while_lines_stream_in():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        stop = threading.Event()

        def worker() -> None:  # posts a batch every 20 ms, as the log worker does
            start = 0
            while not stop.is_set():
                app.call_from_thread(view.append, _batch(start, 500))
                start += 500
                time.sleep(0.02)

        thread = threading.Thread(target=worker, daemon=True)
        thread.start()
        try:
            await pilot.pause(0.2)
            await pilot.press("t")
            await pilot.pause(0.2)
            assert view.show_timestamps
            assert _rows(view)[-1][1:].startswith("2024-05-06 07:08:09.123 line")
            assert view.follow
        finally:
            stop.set()
            thread.join(timeout=5)


async def test_scrolling_up_stops_follow_and_view_stays():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 1000))
        await pilot.pause()
        await pilot.press("pageup")
        await pilot.pause()
        assert not view.follow
        before = _rows(view)
        view.append(_batch(1000, 1000))
        await pilot.pause()
        assert _rows(view) == before
        await pilot.press("end")
        await pilot.pause()
        assert view.follow
        await pilot.press("f")
        assert not view.follow
        await pilot.press("f")
        await pilot.pause()
        assert view.follow and _rows(view)[-1] == "▌line 1999"


async def test_view_stays_on_its_lines_while_old_lines_drop():
    app = LogApp(max_lines=1000)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 1000))
        await pilot.pause()
        view.follow = False
        view.scroll_to(y=500, animate=False, immediate=True)
        await pilot.pause()
        top = _rows(view)[0]
        view.append(_batch(1000, 200))
        await pilot.pause()
        assert _rows(view)[0] == top


async def test_search_and_next_previous():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        lines = _batch(0, 3000)
        for i in (100, 1500, 2900):
            lines[i] = LogLine(f"needle at {i}", "stdout", TS)
        view.append(lines)
        await pilot.pause()
        assert view.search("NEEDLE") == 3
        await pilot.pause()
        assert not view.follow
        assert view.current_match == 2  # following: the newest match first
        assert _on_screen(view, "needle at 2900")
        await pilot.press("N")
        await pilot.pause()
        assert view.current_match == 1 and _on_screen(view, "needle at 1500")
        await pilot.press("N")
        await pilot.pause()
        assert _on_screen(view, "needle at 100")
        await pilot.press("N")  # wraps around
        await pilot.pause()
        assert view.current_match == 2 and _on_screen(view, "needle at 2900")
        await pilot.press("n")
        await pilot.pause()
        assert view.current_match == 0 and _on_screen(view, "needle at 100")
        # New lines that match are found too.
        view.append([LogLine("late needle", "stdout", TS)])
        assert view.match_count == 4


async def test_search_highlights_matches():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append([LogLine("find the word here"), LogLine("nothing")])
        view.search("word")
        await pilot.pause()
        row = next(y for y in range(30) if "word" in view.render_line(y).text)
        styled = [seg for seg in view.render_line(row) if seg.text == "word"]
        assert styled and styled[0].style.bgcolor is not None


async def test_colours_reach_the_screen():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(LineSplitter().feed("stdout", b"\x1b[1;31mERROR\x1b[0m disk full\n"))
        await pilot.pause()
        error = [seg for seg in view.render_line(0) if seg.text == "ERROR"]
        assert error and error[0].style.bold and error[0].style.color.number == 1


async def test_toggles_keep_the_same_top_line():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append([LogLine(f"{i} " + "w" * (i % 150), "stdout", TS) for i in range(3000)])
        view.search("9")
        view.follow = False
        view.scroll_to(y=1200, animate=False, immediate=True)
        await pilot.pause()

        def top_number() -> int:
            words = _rows(view)[0].split()
            return int(words[2] if view.show_timestamps else words[0])

        top = top_number()
        for key in ("w", "t", "w", "t"):
            await pilot.press(key)
            await pilot.pause()
            assert top_number() == top
        view.filter_mode = True
        await pilot.pause()
        assert top_number() >= top and "9" in str(top_number())
        assert not view.follow


async def test_regex_search():
    app = LogApp()
    async with app.run_test(size=SIZE):
        view = app.query_one(LogView)
        view.append([LogLine("a1"), LogLine("b2"), LogLine("a22")])
        assert view.search(r"^a\d+$", regex=True) == 2


async def test_filter_mode_shows_only_matches():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 2000))
        view.search("line 12")
        view.filter_mode = True
        await pilot.pause()
        expected = [f"line {i}" for i in range(2000) if str(i).startswith("12")]
        assert view.visible_lines() == expected
        shown = [row.lstrip(" ▌") for row in _rows(view) if row.strip()]
        assert all(row.startswith("line 12") for row in shown)
        view.append([LogLine("line 12 again"), LogLine("other")])
        await pilot.pause()
        assert view.visible_lines()[-1] == "line 12 again"
        view.clear_search()
        await pilot.pause()
        assert not view.filter_mode
        assert len(view.visible_lines()) == 2002


async def test_save_writes_exactly_the_shown_lines(tmp_path):
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 300))
        view.search("line 2")
        view.filter_mode = True
        view.show_timestamps = True
        await pilot.pause()
        target = tmp_path / "out.log"
        count = view.save(target)
        text = target.read_text(encoding="utf-8")
        assert text.splitlines() == view.visible_lines()
        assert count == len(view.visible_lines()) == 111
        assert text.startswith("2024-05-06 07:08:09.123 line 2\n")


async def test_hostile_output_is_neutralised():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        splitter = LineSplitter()
        raw = (b"\x1b]0;pwned title\x07osc title\n"
               b"\x1b]52;c;cm0gLXJmIH4K\x07clipboard\n"
               b"\x1b[2Jclear\x1b[H\x1b[10;10Hmoves\x1b[2A\n"
               b"\x1bP+q544e\x1b\\dcs\n"
               b"nul\x00byte and bell\x07\n"
               b"bad utf8 \xff\xfe\xc3\n"
               b"\x1b[31mred\x1b[0m ok\n"
               + b"L" * 1_000_000 + b"\n")
        view.append(splitter.feed("stdout", raw, TS))
        view.follow = False
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        screen = _segments_text(view)
        assert "\x1b" not in screen and "\x00" not in screen and "\x07" not in screen
        assert "␛]0;pwned title␇osc title" in screen
        assert "␛]52;c;" in screen and "␛[2J" in screen and "␛[10;10H" in screen
        assert "␀" in screen and "\ufffd" in screen
        assert "red ok" in screen
        long_line = view.visible_lines()[-1]
        assert long_line.endswith("… [cut 990,000 chars]")
        assert len(long_line) < 10_100
        for line in view.visible_lines():
            assert not any(ord(ch) < 0x20 for ch in line)


async def test_hand_made_lines_are_made_safe_too(tmp_path):
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append([LogLine("raw \x1b]0;title\x07 escape"), LogLine("tab\there", "stderr")])
        await pilot.pause()
        screen = _segments_text(view)
        assert "\x1b" not in screen and "\t" not in screen and "␛]0;title␇" in screen
        view.search("escape")
        await pilot.pause()
        assert "\x1b" not in _segments_text(view)
        view.save(tmp_path / "out.log")
        assert "\x1b" not in (tmp_path / "out.log").read_text(encoding="utf-8")


async def test_wrap_folds_long_lines():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append([LogLine("a" * 250), LogLine("end")])
        await pilot.pause()
        assert _rows(view)[:2] == [" " + "a" * 97, "end".rjust(4)]
        await pilot.press("w")
        await pilot.pause()
        width = view.scrollable_content_region.width
        rows = _rows(view)
        assert rows[:4] == [" " + "a" * (width - 1), "a" * width,
                            "a" * (251 - 2 * width), " end"]
        await pilot.press("w")
        await pilot.pause()
        assert not view.wrap and _rows(view)[1] == " end"


async def test_wrap_rows_stay_right_while_lines_drop():
    app = LogApp(max_lines=300)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.wrap = True
        for filtering in (False, True):
            view.search("7")
            view.filter_mode = filtering
            for start in range(0, 2000, 170):
                lines = [LogLine(f"{i} " + "w" * (i % 300)) for i in range(start, start + 170)]
                view.append(lines)
                kept = list(view._ensure_rows())
                view._row_starts = None  # rebuild from scratch and compare
                rebuilt = view._ensure_rows()
                assert [row - kept[0] for row in kept] == rebuilt
            await pilot.pause()
            numbers = [line.split()[0] for line in view.visible_lines()]
            assert numbers[-1] == ("2037" if filtering else "2039")
            assert all("7" in number for number in numbers) == filtering


async def test_next_without_search_just_rings():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 10))
        await pilot.press("n", "N")
        assert view.follow and view.current_match is None


async def test_prefixes_for_interleaved_containers():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        web = [LogLine("GET /", timestamp="2024-01-01T00:00:01.000000000Z")]
        db = [LogLine("ready", timestamp="2024-01-01T00:00:00.000000000Z")]
        view.append(interleave([[line.with_source("web") for line in web],
                                [line.with_source("postgres") for line in db]]))
        view.append([LogLine("more")], source="web")
        await pilot.pause()
        assert _rows(view)[:3] == [" postgres │ ready", " web      │ GET /", " web      │ more"]
        assert view.visible_lines()[0] == "postgres │ ready"


async def test_reset_clears_and_sets_title():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append(_batch(0, 100))
        view.search("line")
        view.reset("web [bold]1[/]")
        await pilot.pause()
        assert len(view.buffer) == 0 and view.match_count == 0
        assert view.visible_lines() == []
        assert view.follow
        assert view.border_title == r"web \[bold]1\[/]"  # shown literally, not as markup


async def test_bindings_are_described_for_the_footer():
    keys = {binding.key: binding.description for binding in LogView.BINDINGS}
    assert set(keys) == {"f", "t", "w", "n", "N"}
    assert all(keys.values())


async def test_a_long_line_scrolls_sideways_to_its_end():
    # Only what the view can show of a long line is rendered; scrolling right renders more.
    long = "start " + "x" * 8000 + " 日本 middle " + "y" * 2000 + " finish"
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        view.append([LogLine(long, "stdout", TS), LogLine("short", "stdout", TS)])
        await pilot.pause()
        assert _on_screen(view, "start xxx") and not _on_screen(view, "finish")
        view.scroll_to(x=view.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        assert _on_screen(view, "yyy finish")
        view.scroll_to(x=8000, animate=False, immediate=True)
        await pilot.pause()
        assert _on_screen(view, "x 日本 middle y")
