"""The first frame, drawn before Textual is even imported.

Importing Python, Textual and dockui takes ~0.3 s here: more than a list of 500 containers
may take to show up. The prefetch (:mod:`dockui.prefetch`) has the engine's answer in about
0.1 s, so a thread draws the four panes with those rows straight to the terminal, in
Textual's geometry and colours, and Textual's first frame lands on top of it a moment later.
``tests/ui/test_first_frame.py`` compares the two cell by cell, so they cannot drift apart.
Keys typed meanwhile are not echoed over it (the app keeps them for its main screen).

Only the lists, the pane borders and the project's name are drawn; the rest (logs, status
line, footer) stays blank until Textual fills it.
"""

from __future__ import annotations

import contextlib
import os
import termios
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.style import Style

from dockui.engine.models import ContainerInfo, ImageInfo
from dockui.list_cells import (
    CONTAINER_COLUMNS,
    FIRST_ROWS,
    IMAGE_COLUMNS,
    Cell,
    container_cells,
    container_rows,
    image_cells,
    image_rows,
    image_usage,
)
from dockui.paths import tilde

# Textual's "textual-dark" theme as the app resolves it (the test reads them back from the app).
SCREEN = "#121212"
TEXT = "#e0e0e0"
BORDER = "#45505a"
BORDER_FOCUS = "#fea62b"
HEADER = "#242f38"
HEADER_FOCUS = "#2d3740"
ROWS = "#1e1e1e"
ROWS_FOCUS = "#272727"
CURSOR_TEXT = "#ddedf9"
CURSOR = "#0178d4"
CURSOR_BLUR = "#343f49"
SCROLLBAR = "#003054"
BAR = "#242f38"
ANSI = {"red": "#f4005f", "green": "#98e024", "yellow": "#fd971f", "blue": "#9d65ff",
        "magenta": "#f4005f", "cyan": "#58d1eb", "white": "#c4c5b5"}
DIM_FACTOR = 0.66
"""Textual draws 'dim' as the colour blended this far from the background to the text."""

COMPACT_WIDTH = 100
"""Below this width or :data:`COMPACT_HEIGHT`, one pane at a time (MainScreen reads these)."""
COMPACT_HEIGHT = 30
PREFETCH_WAIT = 2.0


@dataclass(frozen=True)
class Look:
    fg: str
    bg: str
    bold: bool = False


@dataclass
class Frame:
    """A screen's worth of characters and looks; ``checked`` marks what Textual draws alike."""

    width: int
    height: int
    chars: list[list[str]] = field(init=False)
    looks: list[list[Look]] = field(init=False)
    checked: list[list[bool]] = field(init=False)

    def __post_init__(self) -> None:
        blank = Look(TEXT, SCREEN)
        self.chars = [[" "] * self.width for _ in range(self.height)]
        self.looks = [[blank] * self.width for _ in range(self.height)]
        self.checked = [[False] * self.width for _ in range(self.height)]

    def put(self, x: int, y: int, text: str, look: Look, checked: bool = True,
            end: int | None = None) -> int:
        """Write ``text`` from (x, y), clipped at ``end`` or the screen; return the x after it."""
        if not 0 <= y < self.height:
            return x
        end = self.width if end is None else min(end, self.width)
        for char in text:
            width = cell_len(char)
            if x + width > end:
                break
            if x >= 0:
                self.chars[y][x] = char
                self.looks[y][x] = look
                self.checked[y][x] = checked
                for extra in range(1, width):  # the cell a wide character covers
                    self.chars[y][x + extra] = ""
                    self.looks[y][x + extra] = look
            x += width
        return x

    def fill(self, x: int, y: int, w: int, h: int, look: Look, checked: bool = False) -> None:
        for row in range(y, y + h):
            self.put(x, row, " " * w, look, checked)

    def text(self) -> list[str]:
        return ["".join(row) for row in self.chars]

    def ansi(self, system: ColorSystem) -> str:
        """The whole frame as escape sequences, each line placed absolutely."""
        codes: dict[Look, str] = {}
        out = []
        for y in range(self.height):
            out.append(f"\x1b[{y + 1};1H")
            current = None
            for char, look in zip(self.chars[y], self.looks[y], strict=True):
                if look is not current:
                    if look not in codes:
                        style = Style(color=look.fg, bgcolor=look.bg, bold=look.bold)
                        codes[look] = f"\x1b[0;{style._make_ansi_codes(system)}m"
                    out.append(codes[look])
                    current = look
                out.append(char)
        out.append("\x1b[0m")
        return "".join(out)


# Geometry --------------------------------------------------------------------------------------

def _edges(total: int, weights: Iterable[int]) -> list[int]:
    """Where fractions (``1fr 2fr``...) of ``total`` cells start and end, as Textual rounds."""
    weights = list(weights)
    edges, run = [0], 0
    for weight in weights:
        run += weight
        edges.append(total * run // sum(weights))
    return edges


def layout(width: int, height: int) -> dict[str, tuple[int, int, int, int]]:
    """(x, y, width, height) of each pane, as MainScreen's CSS places them."""
    if width < COMPACT_WIDTH or height < COMPACT_HEIGHT:
        return {"containers": (0, 1, width, height - 3)}  # tabs above, one pane at a time
    cols = _edges(width, (1, 2))
    rows = _edges(height - 2, (2, 3, 3))
    return {
        "project": (0, 0, cols[1], rows[1]),
        "images": (cols[1], 0, cols[2] - cols[1], rows[1]),
        "containers": (0, rows[1], width, rows[2] - rows[1]),
        "logs": (0, rows[2], width, rows[3] - rows[2]),
    }


# Drawing ---------------------------------------------------------------------------------------

def _blend(background: str, color: str, factor: float = DIM_FACTOR) -> str:
    (r1, g1, b1), (r2, g2, b2) = _rgb(background), _rgb(color)
    mixed = (int(a + (b - a) * factor) for a, b in ((r1, r2), (g1, g2), (b1, b2)))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _cell_look(cell: Cell, bg: str) -> Look:
    _text, style, dim = cell
    words = style.split()
    fg = next((ANSI[w] for w in words if w in ANSI), TEXT)
    return Look(_blend(bg, fg) if dim else fg, bg, "bold" in words)


def _border(frame: Frame, rect: tuple[int, int, int, int], number: int, title: str,
            subtitle: str, focused: bool) -> None:
    x, y, w, h = rect
    look = Look(BORDER_FOCUS if focused else BORDER, SCREEN)
    frame.put(x, y, "╭─ ", look)
    after = frame.put(frame.put(x + 3, y, str(number), Look(look.fg, SCREEN, True)), y,
                      f" {title} ", look)
    frame.put(after, y, "─" * (x + w - 1 - after) + "╮", look)
    for row in range(y + 1, y + h - 1):
        frame.put(x, row, "│", look)
        frame.put(x + w - 1, row, "│", look)
    end = f" {subtitle} ─╯" if subtitle else "╯"
    frame.put(x, y + h - 1, "╰" + "─" * (w - 1 - len(end)) + end, look)


def _table(frame: Frame, rect: tuple[int, int, int, int], columns: tuple[tuple[str, str], ...],
           rows: list[tuple[Cell, ...]], focused: bool) -> None:
    """A DataTable inside a pane's border: header, rows, cursor on the first row."""
    x, y, w, h = rect[0] + 1, rect[1] + 1, rect[2] - 2, rect[3] - 2
    labels = [label for _, label in columns]
    measured = rows[:FIRST_ROWS]  # what the table has measured when Textual first draws it
    widths = [max([cell_len(label)] + [cell_len(r[i][0]) for r in measured]) + 2
              for i, label in enumerate(labels)]
    wide = sum(widths) > w
    scrollbar = len(rows) > h - 1 - wide
    inner = w - scrollbar
    wide = sum(widths) > inner
    shown = h - 1 - wide
    bg = ROWS_FOCUS if focused else ROWS
    header = Look(TEXT, HEADER_FOCUS if focused else HEADER, True)

    def line(row_y: int, cells: list[tuple[str, Look]], filler: Look) -> None:
        at = x
        for (text, look), width in zip(cells, widths, strict=True):
            at = frame.put(at, row_y, " " + text + " " * (width - 1 - cell_len(text)), look,
                           end=x + inner)
        if at < x + inner:
            frame.put(at, row_y, " " * (x + inner - at), filler)

    line(y, [(label, header) for label in labels], header)
    for index, cells in enumerate(rows[:shown]):
        if index == 0 and focused:  # the cursor's colours, dimmed where the cell is
            cursor = Look(CURSOR_TEXT, CURSOR, True)
            line(y + 1, [(c[0], Look(_blend(CURSOR, CURSOR_TEXT), CURSOR, True) if c[2]
                          else cursor) for c in cells], cursor)
        else:
            row_bg = CURSOR_BLUR if index == 0 else bg
            line(y + 1 + index, [(c[0], _cell_look(c, row_bg)) for c in cells],
                 Look(TEXT, row_bg))
    frame.fill(x, y + 1 + len(rows[:shown]), inner, shown - len(rows[:shown]), Look(TEXT, bg),
               checked=True)
    if scrollbar:  # its thumb is Textual's business: only the track here
        frame.fill(x + inner, y, 1, h - wide, Look(TEXT, SCROLLBAR))
    if wide:
        frame.fill(x, y + h - 1, w, 1, Look(TEXT, SCROLLBAR))


def build(width: int, height: int, containers: list[ContainerInfo], images: list[ImageInfo],
          project_dir: Path) -> Frame:
    """The first frame for a terminal of this size."""
    frame = Frame(width, height)
    panes = layout(width, height)
    if "project" not in panes:
        frame.fill(0, 0, width, 1, Look(TEXT, BAR))  # the tab strip
    frame.fill(0, height - 2, width, 2, Look(TEXT, BAR))  # status line and footer
    running = sum(c.running for c in containers)
    if "project" in panes:
        _border(frame, panes["project"], 1, "Project", "", False)
        px, py, pw = panes["project"][:3]
        name, path = project_dir.name or str(project_dir), f"  {tilde(project_dir)}"
        if cell_len(name) <= pw - 4:  # else Textual folds it: that is left to Textual
            at = frame.put(px + 2, py + 1, name, Look(TEXT, SCREEN, True))
            if cell_len(name + path) <= pw - 4:  # else the path goes to the next line
                frame.put(at, py + 1, path, Look(_blend(SCREEN, TEXT), SCREEN))
    if "images" in panes:
        usage = image_usage(containers)
        _border(frame, panes["images"], 2, "Images", str(len(images)), False)
        rows = [image_cells(key, i, usage.get(i.id, 0)) for key, i in image_rows(images)]
        _table(frame, panes["images"], IMAGE_COLUMNS, rows, focused=False)
    _border(frame, panes["containers"], 3, "Containers", f"{running}/{len(containers)}", True)
    _table(frame, panes["containers"], CONTAINER_COLUMNS,
           [container_cells(c) for _, c in container_rows(containers)], focused=True)
    if "logs" in panes:
        _border(frame, panes["logs"], 4, "Logs", "", False)
    return frame


# Showing it ------------------------------------------------------------------------------------

def color_system(environ: Mapping[str, str]) -> ColorSystem | None:
    """The colours Textual will use (rich's rules), or None where this frame is not drawn."""
    if environ.get("NO_COLOR") or environ.get("TEXTUAL_COLOR_SYSTEM", "auto") != "auto":
        return None
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return ColorSystem.TRUECOLOR
    colors = environ.get("TERM", "").strip().lower().rpartition("-")[2]
    return ColorSystem.EIGHT_BIT if colors in ("256color", "kitty") else None


class FirstFrame:
    """Draws the frame from a thread once the prefetch answers, unless Textual came first.

    The command line calls :meth:`hand_over` just before Textual starts (the terminal's
    settings are Textual's from then on), and the main screen calls :meth:`finish` just
    before Textual's own first frame: a frame being drawn is let finish, then no more.
    """

    def __init__(self, prefetch: Any, project_dir: Path, system: ColorSystem,
                 out_fd: int = 2, in_fd: int = 0) -> None:
        self.prefetch = prefetch
        self.project_dir = project_dir
        self.system = system
        self.out_fd, self.in_fd = out_fd, in_fd
        self.drawn = False
        self._lock = threading.Lock()
        self._stopped = False
        self._handed_over = False
        self._termios: list[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="dockui-first-frame", daemon=True)

    def start(self) -> FirstFrame:
        self._thread.start()
        return self

    def _run(self) -> None:
        if not self.prefetch.done.wait(PREFETCH_WAIT):
            return
        try:
            infos = self.prefetch.infos()
            if infos is None or self._stopped:
                return
            width, height = os.get_terminal_size(self.out_fd)
            if width < 20 or height < 10:
                return
            frame = build(width, height, *infos, self.project_dir).ansi(self.system)
        except Exception:  # a nicety: Textual draws anyway, and the main screen says what
            return         # went wrong (a traceback here would land on the user's terminal)
        with self._lock:
            if self._stopped:
                return
            if not self._handed_over:
                self._quiet_keys()
            try:
                _write(self.out_fd, "\x1b[?1049h\x1b[?25l" + frame)
                self.drawn = True
            except OSError:
                return

    def _quiet_keys(self) -> None:
        """Keys typed before Textual takes the terminal must not echo over the frame."""
        try:
            self._termios = termios.tcgetattr(self.in_fd)
            quiet = termios.tcgetattr(self.in_fd)
            quiet[3] &= ~termios.ECHO
            termios.tcsetattr(self.in_fd, termios.TCSANOW, quiet)
        except termios.error:
            self._termios = None

    def hand_over(self) -> None:
        """Textual is about to set up the terminal: give it back as it was found."""
        with self._lock:
            self._handed_over = True
            if self._termios is not None:
                with contextlib.suppress(termios.error):
                    termios.tcsetattr(self.in_fd, termios.TCSANOW, self._termios)
                self._termios = None

    def finish(self, timeout: float) -> None:
        """Textual draws next: wait up to ``timeout`` for a frame on its way, then no more."""
        if self.prefetch.done.is_set() and self.prefetch.containers is not None:
            self._thread.join(timeout)
        with self._lock:
            self._stopped = True

    def stop(self, leave_screen: bool = False) -> None:
        """No more drawing; with ``leave_screen`` (Textual is not coming), undo the frame."""
        self.hand_over()
        with self._lock:
            self._stopped = True
            if self.drawn and leave_screen:
                _write(self.out_fd, "\x1b[?25h\x1b[?1049l")


def _write(fd: int, text: str) -> None:
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def start_first_frame(prefetch: Any, project_dir: Path,
                      environ: Mapping[str, str] | None = None) -> FirstFrame | None:
    """Start drawing when there is a prefetch and a colour terminal on stdin and stderr."""
    if prefetch is None:
        return None
    system = color_system(os.environ if environ is None else environ)
    try:
        on_terminal = os.isatty(0) and os.isatty(2)
    except OSError:
        on_terminal = False
    if system is None or not on_terminal:
        return None
    return FirstFrame(prefetch, project_dir, system).start()
