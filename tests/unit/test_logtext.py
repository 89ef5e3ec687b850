"""Tests for dockui.logtext: hostile output made safe, lines split, buffer bounded."""

from __future__ import annotations

import random

import pytest
from rich.style import Style

from dockui.logtext import (
    CUT_STYLE,
    LineSplitter,
    LogBuffer,
    LogLine,
    ansi_to_text,
    compile_pattern,
    convert,
    convert_lines,
    interleave,
    plain_text,
    timestamp_key,
)

HOSTILE = {
    "osc title": "\x1b]0;pwned\x07after",
    "osc 52 clipboard": "\x1b]52;c;cm0gLXJmIC8K\x07",
    "osc st": "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "clear screen": "a\x1b[2Jb\x1b[3J",
    "cursor moves": "\x1b[10;5H\x1b[2A\x1b[s\x1b[u\x1b7\x1b8",
    "dcs": "\x1bP1$qm\x1b\\tail",
    "apc": "\x1b_hidden\x1b\\",
    "charset": "\x1b(0lqk\x1b(B",
    "lone esc": "end\x1b",
    "cut csi": "x\x1b[12",
    "private mode": "\x1b[?1049h\x1b[?25l",
    "c1 csi": "\x9b2J",
    "bell and backspace": "ding\x07\x08\x08",
    "bidi": "abc\u202edcba",
}


def _is_safe(text: str) -> bool:
    return not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text)


# ansi_to_text / convert ---------------------------------------------------------------------

def test_plain_line_unchanged_and_unstyled():
    text = ansi_to_text("hello world")
    assert text.plain == "hello world"
    assert text.spans == []


def test_sgr_becomes_styles():
    text = ansi_to_text("\x1b[31mred\x1b[0m \x1b[1;32mbold\x1b[m plain")
    assert text.plain == "red bold plain"
    styles = {text.plain[s.start:s.end]: s.style for s in text.spans}
    assert styles["red"].color.number == 1
    assert styles["bold"].bold and styles["bold"].color.number == 2
    assert "plain" not in "".join(text.plain[s.start:s.end] for s in text.spans)


def test_256_and_truecolour():
    text = ansi_to_text("\x1b[38;5;200mA\x1b[48;2;1;2;3mB")
    assert text.plain == "AB"
    assert text.spans[0].style.color.number == 200
    assert text.spans[1].style.bgcolor.triplet == (1, 2, 3)


def test_malformed_sgr_is_harmless():
    text = ansi_to_text("\x1b[38;5mA\x1b[38;2;999;1mB\x1b[48;5;9999mC\x1b[99999999999mD")
    assert text.plain == "ABCD"


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_sequences_are_neutralised(value):
    plain, _ = convert(value)
    assert _is_safe(plain)
    assert "\x1b" not in plain


def test_escapes_are_shown_visibly():
    plain, spans = convert("a\x1b[2Jb\x1b]0;title\x07c")
    assert plain == "a␛[2Jb␛]0;title␇c"
    assert all(span.style.dim for span in spans)


def test_erase_in_line_is_dropped():
    assert convert("50%\x1b[K")[0] == "50%"


def test_control_characters_become_pictures():
    assert convert("nul\x00del\x7f")[0] == "nul␀del␡"


def test_tabs_expand_consistently():
    for value in ("a\tb", "\x1b[31m\tx\x1b[0m\ty", "ab\x1b[2J\tc"):
        plain, spans = convert(value)
        assert "\t" not in plain
        assert plain == plain_text(value)
        assert all(span.end <= len(plain) for span in spans)


def test_plain_text_matches_full_parse_on_random_input():
    pieces = ["a", "é", " ", "\t", "\x1b", "[", "]", "1", ";", "m", "K", "2J", "\x07", "\\",
              "P", "\x00", "\r", "(", "?", "\x9b", "日本"]
    rng = random.Random(7)
    for _ in range(3000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        assert plain_text(value) == convert(value)[0], repr(value)


# LineSplitter -------------------------------------------------------------------------------

def test_splitter_emits_complete_lines_only():
    splitter = LineSplitter()
    assert splitter.feed("stdout", b"one\ntw", "T1") == [LogLine("one", "stdout", "T1")]
    lines = splitter.feed("stdout", b"o\nthree\n", "T2")
    assert [line.plain for line in lines] == ["two", "three"]
    assert lines[0].timestamp == "T1"  # the timestamp of the line's first piece
    assert lines[1].timestamp == "T2"


def test_splitter_keeps_streams_apart():
    splitter = LineSplitter()
    splitter.feed("stdout", b"out-")
    assert splitter.feed("stderr", b"err\n") == [LogLine("err", "stderr")]
    assert splitter.feed("stdout", b"done\n") == [LogLine("out-done", "stdout")]


def test_crlf_and_progress_bar_carriage_returns():
    splitter = LineSplitter()
    lines = splitter.feed("stdout", b"dos\r\n10%\r50%\r100%\r\nspin\r\r\n\n")
    assert [line.plain for line in lines] == ["dos", "100%", "spin", ""]


def test_invalid_utf8_is_replaced():
    line = LineSplitter().feed("stdout", b"bad \xff\xfe \xc3( ok\n")[0]
    assert "\ufffd" in line.plain
    assert line.plain.endswith(" ok")


def test_multibyte_character_split_across_chunks():
    splitter = LineSplitter()
    data = "héllo\n".encode()
    assert splitter.feed("stdout", data[:2]) == []
    assert splitter.feed("stdout", data[2:])[0].plain == "héllo"


def test_long_line_is_cut_with_marker():
    line = LineSplitter().feed("stderr", b"x" * 1_000_000 + b"\n")[0]
    assert line.plain == "x" * 10_000 + " … [cut 990,000 chars]"
    assert line.spans[-1].style == CUT_STYLE
    assert line.stream == "stderr"


def test_long_line_in_pieces_is_bounded_and_counted():
    splitter = LineSplitter(max_chars=100)
    for _ in range(64):
        assert splitter.feed("stdout", b"y" * 16384) == []
    assert sum(len(part) for part in splitter._pending["stdout"].parts) <= 404
    line = splitter.feed("stdout", b"end\n")[0]
    assert line.plain == "y" * 100 + f" … [cut {64 * 16384 + 3 - 100:,} chars]"


def test_cut_line_keeps_colours():
    # The limit counts raw characters, escape sequences included.
    line = LineSplitter(max_chars=10).feed("stdout", b"\x1b[31mredredred\x1b[0m\n")[0]
    assert line.plain == "redre … [cut 8 chars]"
    assert line.spans[0].style.color.number == 1
    assert line.spans[-1].style == CUT_STYLE


def test_flush_returns_unfinished_lines():
    splitter = LineSplitter(source="web")
    splitter.feed("stdout", b"no newline", "T")
    assert splitter.flush() == [LogLine("no newline", "stdout", "T", source="web")]
    assert splitter.flush() == []


def test_feed_chunks_and_convert_lines():
    chunks = [("stdout", "T1", b"a\n"), ("stderr", "T2", b"b\n"), ("stdout", "T3", b"c")]
    lines = convert_lines(chunks)
    assert [(line.plain, line.stream) for line in lines] == [
        ("a", "stdout"), ("b", "stderr"), ("c", "stdout")]


def test_colour_line_spans_are_lazy_but_correct():
    line = LineSplitter().feed("stdout", b"\x1b[32mINFO\x1b[0m ready\n")[0]
    assert line._spans is None  # not parsed until needed
    assert line.plain == "INFO ready"
    assert line.text.spans[0].style == Style(color="color(2)")
    assert line.with_source("x").spans == line.spans


# LogBuffer ----------------------------------------------------------------------------------

def _lines(count: int, start: int = 0) -> list[LogLine]:
    return [LogLine(f"line {i}") for i in range(start, start + count)]


def test_buffer_is_bounded_and_counts_drops():
    buffer = LogBuffer(max_lines=100)
    assert buffer.append(_lines(60)) == 0
    assert buffer.append(_lines(60, 60)) == 20
    assert len(buffer) == 100
    assert buffer.dropped == 20
    assert buffer.total == 120
    assert buffer[0].plain == "line 20"
    buffer.append(_lines(1000, 120))
    assert len(buffer) == 100 and buffer.dropped == 1020
    buffer.clear()
    assert len(buffer) == 0 and buffer.dropped == 0


def test_buffer_search_and_filter():
    buffer = LogBuffer()
    buffer.append([LogLine("Error: x"), LogLine("ok"), LogLine("error again"), LogLine("e.r")])
    assert buffer.search("error") == [0, 2]
    assert buffer.search("error", case=True) == [2]
    assert buffer.search("e.r") == [3]
    assert buffer.search(r"^e.r", regex=True, case=True) == [2, 3]
    assert [line.plain for line in buffer.filter("ok")] == ["ok"]
    with pytest.raises(Exception):  # noqa: B017 - re.error
        buffer.search("(", regex=True)


def test_compile_pattern_literal_escapes():
    assert compile_pattern("a+b").search("xa+by")
    assert not compile_pattern("a+b").search("aab")


# interleave ---------------------------------------------------------------------------------

def test_interleave_orders_by_timestamp():
    a = [LogLine("a1", timestamp="2024-01-01T00:00:01.000000000Z", source="a"),
         LogLine("a-cont", source="a"),
         LogLine("a2", timestamp="2024-01-01T00:00:03.000000000Z", source="a")]
    b = [LogLine("b1", timestamp="2024-01-01T00:00:02.000000000Z", source="b")]
    assert [line.plain for line in interleave([a, b])] == ["a1", "a-cont", "b1", "a2"]


def test_timestamp_key_pads_fraction():
    assert timestamp_key("2024-01-01T00:00:00.5Z") > timestamp_key("2024-01-01T00:00:00.45Z")
    fixed = "2024-01-01T00:00:00.123456789Z"
    assert timestamp_key(fixed) == fixed


def test_a_coloured_line_is_converted_only_when_needed():
    line = LineSplitter().feed("stdout", b"\x1b[31mred\x1b[0m\tx\n")[0]
    assert line._plain is None  # nothing worked out yet
    assert line.plain == "red     x"  # the tab expanded to the next stop
    assert line.width_bound() >= 9
    assert line.spans and line.spans[0].end == 3


@pytest.mark.parametrize("raw", [b"\x1b[1mbold\x1b[0m", "日本\x1b[2J".encode(), b"plain"])
def test_width_bound_is_never_below_the_cells(raw):
    from rich.cells import cell_len
    line = LineSplitter().feed("stdout", raw + b"\n")[0]
    assert line.width_bound() >= cell_len(line.plain)
