"""The frame drawn before Textual loads is the frame Textual then draws, cell by cell."""

from __future__ import annotations

import pytest
from rich.color import ColorSystem

from dockui.first_frame import Frame, _edges, build, color_system, layout
from tests.ui.conftest import wait_for


def _hex(color) -> str | None:
    return color.get_truecolor().hex if color is not None else None


def _differences(app, frame: Frame) -> list[str]:
    """Cells the first frame draws that the app shows differently (character or colours)."""
    text = app.screen._compositor.render_strips()
    lines = [strip.text for strip in text]
    out = []
    for y in range(frame.height):
        for x in range(frame.width):
            if not frame.checked[y][x]:
                continue
            char, look = frame.chars[y][x], frame.looks[y][x]
            style = app.screen.get_style_at(x, y)
            shown = lines[y][x] if x < len(lines[y]) else ""
            want = (char, look.bg) if char == " " else (char, look.bg, look.fg, look.bold)
            got = ((shown, _hex(style.bgcolor)) if char == " " else
                   (shown, _hex(style.bgcolor), _hex(style.color), bool(style.bold)))
            if want != got:
                out.append(f"({x},{y}) first frame {want}, app {got}")
    return out


@pytest.mark.parametrize("size", [(160, 45), (80, 24), (100, 30), (99, 50), (237, 61)])
async def test_first_frame_matches_the_app(app_factory, make_container, size):
    make_container("sleep 3600", name=None)
    make_container("true", start=False)
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        main = app.main
        await wait_for(pilot, lambda: main.containers.row_count >= 2
                       and main.images.row_count >= 1 and app.engine is not None,
                       what="the lists")
        await pilot.pause(0.3)
        for _attempt in range(3):  # "Up 2 seconds" may turn a second between the two
            for table in (main.containers, main.images):
                table.invalidate_cells()
                table.refresh_rows()
            await pilot.pause()
            frame = build(*size, list(main.containers.items.values()),
                          list(main.images.items.values()), main.project_dir)
            differences = _differences(app, frame)
            if not differences:
                break
        assert not differences, "\n".join(differences[:15])
        # It draws the lists themselves, not only a background.
        assert sum(map(sum, frame.checked)) > size[0] * 5
        assert any(main.containers.selected.name in line for line in frame.text())


def test_fractions_round_down_as_textual_does():
    assert _edges(160, (1, 2)) == [0, 53, 160]
    assert _edges(43, (2, 3, 3)) == [0, 10, 26, 43]


def test_layout_of_both_screens():
    panes = layout(160, 45)
    assert panes["project"] == (0, 0, 53, 10)
    assert panes["images"] == (53, 0, 107, 10)
    assert panes["containers"] == (0, 10, 160, 16)
    assert panes["logs"] == (0, 26, 160, 17)
    assert layout(80, 24) == {"containers": (0, 1, 80, 21)}  # one pane under the tab strip


def test_colours_as_rich_picks_them():
    assert color_system({"TERM": "xterm-256color"}) == ColorSystem.EIGHT_BIT
    assert color_system({"TERM": "xterm", "COLORTERM": "truecolor"}) == ColorSystem.TRUECOLOR
    assert color_system({"TERM": "xterm"}) is None  # 16 colours: Textual draws alone
    assert color_system({"TERM": "xterm-256color", "NO_COLOR": "1"}) is None


def test_a_hostile_name_is_drawn_harmlessly(tmp_path):
    from dockui.engine.summaries import container_from_summary

    c = container_from_summary({
        "Id": "a" * 64, "Names": ["/evil\x1b]0;owned\x07[/]"], "Image": "busybox",
        "ImageID": "sha256:1", "Command": "sh", "Created": 1, "State": "running",
        "Status": "Up 1 hour", "Ports": [], "Labels": {}})
    frame = build(160, 45, [c], [], tmp_path)
    drawn = frame.ansi(ColorSystem.EIGHT_BIT)
    assert "\x07" not in drawn and "\x1b]" not in drawn
    assert any("evil␛]0;owned␇[/]" in line for line in frame.text())


def test_drawn_on_a_terminal_then_handed_over(make_container, tmp_path):
    """On a real pseudo-terminal: the frame, keys kept quiet, and the terminal given back."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    from dockui.first_frame import FirstFrame
    from dockui.prefetch import start_prefetch

    container = make_container("sleep 3600")
    container.reload()
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
        echo_before = termios.tcgetattr(slave)[3] & termios.ECHO
        frame = FirstFrame(start_prefetch(), tmp_path, ColorSystem.EIGHT_BIT,
                           out_fd=slave, in_fd=slave).start()
        out = _read_until(master, b"\x1b[0m")  # the frame's last bytes
        frame._thread.join(5)
        assert frame.drawn
        assert container.name.encode() in out
        assert out.startswith(b"\x1b[?1049h\x1b[?25l\x1b[1;1H")  # own screen, no cursor
        assert not termios.tcgetattr(slave)[3] & termios.ECHO  # typed keys stay invisible
        frame.stop()
        assert termios.tcgetattr(slave)[3] & termios.ECHO == echo_before
        frame.stop(leave_screen=True)  # Textual did not start after all: screen given back
        assert _read_until(master, b"\x1b[?1049l") == b"\x1b[?25h\x1b[?1049l"

        # Drawn after Textual took the terminal over: its settings are left alone.
        late = FirstFrame(start_prefetch(), tmp_path, ColorSystem.EIGHT_BIT,
                          out_fd=slave, in_fd=slave)
        late.hand_over()
        late.start()
        assert container.name.encode() in _read_until(master, b"\x1b[0m")
        late.finish(5)
        assert late.drawn
        assert termios.tcgetattr(slave)[3] & termios.ECHO == echo_before
    finally:
        os.close(master)
        os.close(slave)


def _read_until(fd: int, end: bytes) -> bytes:
    import os
    import select

    out = b""
    while not out.endswith(end):
        ready, _, _ = select.select([fd], [], [], 5)
        assert ready, f"the terminal got no more output; so far: {out[-200:]!r}"
        out += os.read(fd, 65536)
    return out


def test_not_drawn_once_textual_has_the_terminal(tmp_path):
    from dockui.first_frame import FirstFrame
    from dockui.prefetch import start_prefetch

    frame = FirstFrame(start_prefetch(), tmp_path, ColorSystem.EIGHT_BIT, out_fd=-1, in_fd=-1)
    frame.stop()
    frame.start()._thread.join(5)
    assert not frame.drawn
