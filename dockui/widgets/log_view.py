"""A log view that stays responsive with hundreds of thousands of lines.

Built on Textual's line API, like Textualize/toolong: the widget keeps a bounded buffer of
:class:`~dockui.logtext.LogLine` and renders only the rows on screen, caching a strip per
line. Callers append lines in batches (a worker posts one every 50-100 ms); an append costs
a few microseconds a line and one repaint.

Rows: an optional marker row (``… N earlier lines dropped``) and then the shown lines, all
of them or, in filter mode, only the search matches. With wrap on, a line takes as many rows
as its width needs (cut at the edge, not at words, so the row count is plain arithmetic).
Lines are numbered absolutely (the first line ever appended is 0), so search results and the
filter survive the oldest lines dropping off.
"""

from __future__ import annotations

import math
import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dockui.engine.sanitize import clean
from dockui.logtext import DEFAULT_MAX_LINES, LogBuffer, LogLine, compile_pattern, make_matcher

TIMESTAMP_WIDTH = 23  # "2024-01-02 03:04:05.678"
PREFIX_MAX = 24
STDERR_GUTTER = "▌"
_SOURCE_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "bright_cyan",
                   "bright_magenta", "bright_green", "bright_yellow", "bright_blue")


def short_timestamp(timestamp: str | None) -> str:
    """An engine timestamp as shown: ``2024-01-02 03:04:05.678``; blanks when unknown."""
    if not timestamp:
        return " " * TIMESTAMP_WIDTH
    return timestamp[:TIMESTAMP_WIDTH].replace("T", " ").ljust(TIMESTAMP_WIDTH)


def safe_text(plain: str) -> str:
    """``plain`` with any control character shown, not sent to the terminal.

    Lines from :class:`~dockui.logtext.LineSplitter` are clean already; this guards lines
    made by hand. ``clean`` maps one character to one, so style spans still line up.
    """
    return plain if plain.isprintable() else clean(plain)


def source_style(source: str) -> Style:
    """A colour for a container name that stays the same from run to run."""
    return Style(color=_SOURCE_COLOURS[zlib.crc32(source.encode()) % len(_SOURCE_COLOURS)])


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def cells_of(plain: str) -> int:
    """Cells ``plain`` takes (it is cleaned: no control characters).

    rich's ``cell_len`` walks a long string character by character in Python; here only the
    runs of non-ASCII characters are measured, as an ASCII one takes exactly one cell.
    """
    if plain.isascii():
        return len(plain)
    runs = _NON_ASCII.findall(plain)
    return len(plain) - sum(map(len, runs)) + sum(map(cell_len, runs))


def _first_cells(segments: list[Segment], cells: float) -> tuple[list[Segment], int, float]:
    """``segments`` cut after at least ``cells`` cells: (segments, their cells, cells covered).

    Covered is ``inf`` when nothing was cut. Measured with :func:`cells_of`, not rich.
    """
    kept: list[Segment] = []
    total = 0
    for index, segment in enumerate(segments):
        text = segment.text
        if total + len(text) > cells + 1 and not segment.control:
            # An ASCII character is one cell, others up to two (zero-width ones: none), so
            # take characters until the cells are there, measuring only what is taken.
            taken = 0
            while taken < len(text) and total < cells:
                step = max(1, int(cells - total))
                piece = text[taken:taken + step]
                total += cells_of(piece)
                taken += len(piece)
            kept.append(Segment(text[:taken], segment.style))
            if taken < len(text) or index + 1 < len(segments):
                return kept, total, total
            return kept, total, math.inf
        kept.append(segment)
        total += cells_of(text) if not segment.control else 0
    return kept, total, math.inf


def _widest(lines: Sequence[LogLine], widest: int) -> int:
    """The widest of ``widest`` and the lines' widths, for the horizontal scroll range.

    Bounds, not exact widths (see :meth:`LogLine.width_bound`): measuring exactly costs a walk
    over every such line, and a column too many only adds room to scroll.
    """
    for line in lines:
        cells = line.width_bound()
        if cells > widest:
            widest = cells
    return widest


class LogView(ScrollView, can_focus=True):
    """Scrollable, searchable view of container output.

    Args:
        max_lines: Lines kept; older ones drop off (and are counted in a marker row).
        name: Widget name.
        id: Widget id.
        classes: CSS classes.
    """

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
        overflow-x: auto;
        overflow-y: scroll;
        &:focus { background-tint: $foreground 5%; }
        & > .logview--timestamp { color: $text-muted; }
        & > .logview--stderr { color: $error; }
        & > .logview--match { background: $warning 45%; }
        & > .logview--current { background: $accent 35%; }
        & > .logview--marker { color: $text-muted; text-style: italic; }
    }
    """

    COMPONENT_CLASSES = {
        "logview--timestamp",
        "logview--stderr",
        "logview--match",
        "logview--current",
        "logview--marker",
    }

    BINDINGS = [
        Binding("f", "toggle_follow", "Follow"),
        Binding("t", "toggle_timestamps", "Timestamps"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("n", "next_match", "Next match"),
        Binding("N", "previous_match", "Prev match"),
    ]

    follow: reactive[bool] = reactive(True, init=False)
    """Keep the newest line in view; scrolling up turns it off, reaching the end back on."""
    show_timestamps: reactive[bool] = reactive(False, init=False)
    """Show each line's timestamp."""
    wrap: reactive[bool] = reactive(False, init=False)
    """Fold long lines at the right edge instead of scrolling sideways."""
    filter_mode: reactive[bool] = reactive(False, init=False)
    """Show only the lines matching the current search."""

    def __init__(self, *, max_lines: int = DEFAULT_MAX_LINES, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._buffer = LogBuffer(max_lines)
        # Rendered lines by line number, with the cells they cover (a 10 kB line is cut to what
        # the view can show: rich measures and crops it character by character).
        self._strips: LRUCache[int, tuple[Strip, float]] = LRUCache(2048)
        self._folds: LRUCache[tuple[int, int], Sequence[Strip]] = LRUCache(256)
        self._styles: dict[str, Style] = {}
        self._max_cells = 0  # widest line text seen, for the sideways scroll range
        self._prefix_width = 0
        self._pattern: re.Pattern[str] | None = None
        self._matcher: Callable[[str], bool] | None = None
        self._matches: list[int] = []  # line numbers of the matching lines
        self._current: int | None = None  # line number of the current match
        self._row_starts: list[int] | None = None  # wrap: first row of each shown line + end
        self._wrap_width = 0
        self._own_scroll = False  # set while we scroll, so follow is left alone
        # The line at the top of the view, kept current: once the way lines are shown changes
        # (filter, wrap), the old row layout needed to work it out is gone.
        self._anchor: int | None = None

    # Public API -------------------------------------------------------------------------

    @property
    def buffer(self) -> LogBuffer:
        """The lines kept (read it, do not change it)."""
        return self._buffer

    @property
    def match_count(self) -> int:
        """Lines matching the current search."""
        return len(self._matches)

    @property
    def current_match(self) -> int | None:
        """Position (0-based) of the current match among the matches, if any."""
        if self._current is None:
            return None
        return bisect_left(self._matches, self._current)

    def reset(self, title: str = "", max_lines: int | None = None) -> None:
        """Forget every line and the search; start following. ``title`` goes in the border.

        ``max_lines`` changes how many lines are kept from now on.
        """
        if max_lines is not None and max_lines != self._buffer.max_lines:
            self._buffer = LogBuffer(max_lines)
        self._buffer.clear()
        self._max_cells = self._prefix_width = 0
        self._drop_search()
        self.border_title = Text(clean(title)) if title else None
        self.set_reactive(LogView.filter_mode, False)
        self.set_reactive(LogView.follow, True)
        self._relayout(keep_top=False)

    def append(self, lines: Sequence[LogLine], source: str | None = None) -> None:
        """Add lines at the end (on the UI thread; pass a batch, not one line at a time).

        Args:
            lines: New lines, oldest first.
            source: Container name to show before each line, for interleaved logs.
        """
        if not lines:
            return
        if source is not None:
            lines = [line if line.source == source else line.with_source(source)
                     for line in lines]
        self._note_sources(lines)
        top = None if self.follow or round(self.scroll_y) == 0 else self._anchor
        first_new = self._buffer.total
        dropped_before = self._buffer.dropped
        self._buffer.append(lines)
        self._max_cells = _widest(lines, self._max_cells)
        removed = self._forget_dropped(dropped_before, first_new)
        new_matches = self._match_new(lines, first_new)
        self._grow_rows(new_matches if self._filtering else self._new_kept(first_new), removed)
        self._update_virtual_size()
        if self.follow:
            self._scroll_to_end()
        elif removed and top is not None:
            # The oldest lines went: scroll up as much, so the view stays on the same lines.
            self._scroll_rows(self._row_of(self._shown_index(top)))
        self._remember_top()
        self.refresh()

    def search(self, pattern: str, regex: bool = False, case: bool = False) -> int:
        """Highlight the lines matching ``pattern`` and move to the nearest one.

        Args:
            pattern: Text to find (a regular expression with ``regex``); empty clears.
            regex: Treat ``pattern`` as a regular expression.
            case: Match case (otherwise case-insensitive).

        Returns:
            The number of matching lines.

        Raises:
            re.error: ``regex`` is set and ``pattern`` is not valid.
        """
        if not pattern:
            self.clear_search()
            return 0
        self._pattern = compile_pattern(pattern, regex=regex, case=case)
        self._matcher = make_matcher(pattern, regex=regex, case=case)
        first = self._buffer.dropped
        self._matches = [first + i for i in self._buffer.search(pattern, regex=regex,
                                                                 case=case)]
        self._current = None
        self._relayout(keep_top=not self.follow)
        if self._matches:
            self._go_to_match(self._nearest_match())
        return len(self._matches)

    def clear_search(self) -> None:
        """Remove the search highlights and show every line again."""
        self._drop_search()
        self.set_reactive(LogView.filter_mode, False)
        self._relayout(keep_top=True)

    def visible_lines(self) -> list[str]:
        """The text of the lines shown (all, or the matches in filter mode), as displayed.

        Timestamps and container names are included when shown; the stderr gutter and the
        dropped-lines marker are not.
        """
        return [self._plain_row(self._line(number)) for number in self._shown_numbers()]

    def save(self, path: str | Path) -> int:
        """Write :meth:`visible_lines` to ``path`` (UTF-8); return the number of lines."""
        lines = self.visible_lines()
        Path(path).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return len(lines)

    # Actions and watchers ---------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        """Toggle following the end."""
        self.follow = not self.follow

    def action_toggle_timestamps(self) -> None:
        """Toggle timestamps."""
        self.show_timestamps = not self.show_timestamps

    def action_toggle_wrap(self) -> None:
        """Toggle wrapping."""
        self.wrap = not self.wrap

    def action_next_match(self) -> None:
        """Move to the next match, wrapping around."""
        self._step_match(1)

    def action_previous_match(self) -> None:
        """Move to the previous match, wrapping around."""
        self._step_match(-1)

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self._scroll_to_end()

    def watch_show_timestamps(self) -> None:
        self._relayout(keep_top=True)

    def watch_wrap(self, wrap: bool) -> None:
        self.styles.overflow_x = "hidden" if wrap else "auto"
        self._own_scroll = True
        try:
            self.scroll_x = 0
        finally:
            self._own_scroll = False
        self._relayout(keep_top=True)

    def watch_filter_mode(self) -> None:
        self._relayout(keep_top=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._remember_top()
        if self._own_scroll:
            return
        end = self.max_scroll_y
        if new_value < old_value and new_value < end and self.follow:
            self.set_reactive(LogView.follow, False)  # the user scrolled up: stop following
        elif new_value > old_value and new_value >= end and not self.follow:
            self.set_reactive(LogView.follow, True)  # back at the end: follow again

    def on_resize(self) -> None:
        if self.wrap and self._content_width() != self._wrap_width:
            self._relayout(keep_top=True)
        elif self.follow:
            self._scroll_to_end()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._clear_render_cache()

    # Rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Render row ``y`` of the view (Textual's line API)."""
        scroll_x, scroll_y = self.scroll_offset
        width = self._content_width()
        row = scroll_y + y
        base = self._base_style()
        if row < self._marker_rows:
            return self._marker_strip().crop_extend(0, width, base)
        located = self._locate(row - self._marker_rows)
        if located is None:
            return Strip.blank(width, base)
        number, fold = located
        pad = base + self._style("logview--current") if number == self._current else base
        if not self.wrap:
            strip = self._line_strip(number, scroll_x + width)
            return strip.crop_extend(scroll_x, scroll_x + width, pad)
        strip = self._line_strip(number)
        folds = self._folded(number, strip, width)
        if fold >= len(folds):
            return Strip.blank(width, pad)
        return folds[fold].extend_cell_length(width, pad)

    def _line_strip(self, number: int, cells: float = math.inf) -> Strip:
        """Line ``number`` rendered, covering at least its first ``cells`` cells."""
        cached = self._strips.get(number)
        if cached is not None and cached[1] >= cells:
            return cached[0]
        segments = None
        if self._pattern is None and number != self._current:
            segments = self._plain_segments(self._line(number))
        if segments is None:
            text = self._line_text(number)
            segments = list(text.render(self.app.console))
        segments, length, covers = _first_cells(segments, cells)
        strip = Strip(segments, length)
        self._strips[number] = (strip, covers)
        return strip

    def _plain_segments(self, line: LogLine) -> list[Segment] | None:
        """Segments straight from the line's spans, skipping rich's span merging (3x faster).

        Returns ``None`` when the spans overlap or are not ``Style`` objects (a hand-made
        line), so the general path handles them.
        """
        base = self._base_style()
        segments = self._decoration_segments(line, base)
        plain = safe_text(line.plain)
        pos = 0
        for start, end, style in line.spans:
            if start < pos or not isinstance(style, Style):
                return None
            if start > pos:
                segments.append(Segment(plain[pos:start], base))
            segments.append(Segment(plain[start:end], base + style))
            pos = end
        if pos < len(plain):
            segments.append(Segment(plain[pos:], base))
        return segments

    def _decoration_segments(self, line: LogLine, base: Style) -> list[Segment]:
        """Gutter, timestamp and container name before the line's text."""
        if line.is_stderr:
            segments = [Segment(STDERR_GUTTER, base + self._style("logview--stderr"))]
        else:
            segments = [Segment(" ", base)]
        if self.show_timestamps:
            stamp = short_timestamp(line.timestamp) + " "
            segments.append(Segment(stamp, base + self._style("logview--timestamp")))
        if self._prefix_width:
            segments.append(Segment(self._prefix(line.source),
                                    base + source_style(line.source or "")))
        return segments

    def _line_text(self, number: int) -> Text:
        """The whole line ``number`` as styled text: gutter, timestamp, name, text."""
        line = self._line(number)
        text = Text(style=self._base_style(), end="", no_wrap=True)
        for segment in self._decoration_segments(line, Style()):
            text.append(segment.text, segment.style)
        body = Text(safe_text(line.plain), spans=list(line.spans), end="")
        if self._pattern is not None:
            match_style = self._style("logview--match")
            for match in self._pattern.finditer(line.plain):
                if match.end() > match.start():
                    body.stylize(match_style, match.start(), match.end())
        text.append_text(body)
        if number == self._current:
            text.stylize(self._style("logview--current"))
        return text

    def _folded(self, number: int, strip: Strip, width: int) -> Sequence[Strip]:
        key = (number, width)
        folds = self._folds.get(key)
        if folds is None:
            length = strip.cell_length
            cuts = [*range(width, length, width), length]
            folds = self._folds[key] = strip.divide(cuts)
        return folds

    def _marker_strip(self) -> Strip:
        dropped = self._buffer.dropped
        word = "line" if dropped == 1 else "lines"
        text = Text(f" … {dropped:,} earlier {word} dropped", self._style("logview--marker"))
        return Strip(text.render(self.app.console), text.cell_len)

    def _base_style(self) -> Style:
        """The widget's own colours; ``rich_style`` walks the DOM, too slow for every row."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def _clear_render_cache(self) -> None:
        self._strips.clear()
        self._folds.clear()

    # Lines, rows and numbers ------------------------------------------------------------

    @property
    def _filtering(self) -> bool:
        return self.filter_mode and self._pattern is not None

    @property
    def _marker_rows(self) -> int:
        return 1 if self._buffer.dropped else 0

    def _line(self, number: int) -> LogLine:
        return self._buffer[number - self._buffer.dropped]

    def _shown_count(self) -> int:
        return len(self._matches) if self._filtering else len(self._buffer)

    def _shown_number(self, index: int) -> int:
        """Line number of the ``index``-th shown line."""
        return self._matches[index] if self._filtering else self._buffer.dropped + index

    def _shown_numbers(self) -> Sequence[int]:
        if self._filtering:
            return list(self._matches)
        return range(self._buffer.dropped, self._buffer.total)

    def _shown_index(self, number: int) -> int:
        """Index among the shown lines of line ``number``, or of the next shown after it."""
        if self._filtering:
            return bisect_left(self._matches, number)
        return max(0, number - self._buffer.dropped)

    def _row_count(self) -> int:
        """Rows of content, marker included."""
        if self.wrap:
            starts = self._ensure_rows()
            return self._marker_rows + starts[-1] - starts[0]
        return self._marker_rows + self._shown_count()

    def _row_of(self, index: int) -> int:
        """First row (marker included) of the ``index``-th shown line."""
        if self.wrap:
            starts = self._ensure_rows()
            return self._marker_rows + starts[index] - starts[0]
        return self._marker_rows + index

    def _locate(self, row: int) -> tuple[int, int] | None:
        """The line number and fold shown at content row ``row`` (marker excluded)."""
        if row < 0:
            return None
        if not self.wrap:
            return (self._shown_number(row), 0) if row < self._shown_count() else None
        starts = self._ensure_rows()
        target = starts[0] + row
        if target >= starts[-1]:
            return None
        index = bisect_right(starts, target) - 1
        return self._shown_number(index), target - starts[index]

    def _decoration_width(self) -> int:
        width = 1  # the stderr gutter
        if self.show_timestamps:
            width += TIMESTAMP_WIDTH + 1
        if self._prefix_width:
            width += self._prefix_width + 3
        return width

    def _height(self, line: LogLine, width: int) -> int:
        cells = self._decoration_width() + cells_of(line.plain)
        return max(1, -(-cells // width))

    def _ensure_rows(self) -> list[int]:
        """Wrap mode: the first row of each shown line (plus the end), built if needed."""
        if self._row_starts is None:
            width = self._wrap_width = self._content_width()
            starts = [0]
            total = 0
            for number in self._shown_numbers():
                total += self._height(self._line(number), width)
                starts.append(total)
            self._row_starts = starts
        return self._row_starts

    def _grow_rows(self, numbers: Sequence[int], removed: int) -> None:
        """Keep the wrap rows in step: ``removed`` lines left the front, ``numbers`` came."""
        if self._row_starts is None:
            return
        starts = self._row_starts
        del starts[:removed]
        width = self._wrap_width
        total = starts[-1]
        for number in numbers:
            total += self._height(self._line(number), width)
            starts.append(total)

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _update_virtual_size(self) -> None:
        # Wrapped lines never need sideways scrolling.
        wide = self._decoration_width() + self._max_cells
        width = self._content_width() if self.wrap else wide
        self.virtual_size = Size(width, self._row_count())

    # Bookkeeping ------------------------------------------------------------------------

    def _note_sources(self, lines: Sequence[LogLine]) -> None:
        if lines[0].source is None and lines[-1].source is None:
            return
        widest = max(len(line.source or "") for line in lines)
        widest = min(widest, PREFIX_MAX)
        if widest > self._prefix_width:
            self._prefix_width = widest
            self._relayout(keep_top=True)  # every line gets wider

    def _prefix(self, source: str | None) -> str:
        name = clean(source or "")[: self._prefix_width]
        return f"{name:<{self._prefix_width}} │ "

    def _plain_row(self, line: LogLine) -> str:
        parts = []
        if self.show_timestamps:
            parts.append(short_timestamp(line.timestamp) + " ")
        if self._prefix_width:
            parts.append(self._prefix(line.source))
        parts.append(safe_text(line.plain))
        return "".join(parts)

    def _match_new(self, lines: Sequence[LogLine], first_new: int) -> list[int]:
        """Record which new lines (still kept) match the search; return their numbers."""
        if self._matcher is None:
            return []
        matcher = self._matcher
        skip = max(0, self._buffer.dropped - first_new)  # new lines that already dropped off
        found = [first_new + i for i in range(skip, len(lines)) if matcher(lines[i].plain)]
        self._matches.extend(found)
        return found

    def _forget_dropped(self, dropped_before: int, first_new: int) -> int:
        """Forget matches of dropped lines; return how many previously shown lines went."""
        dropped = self._buffer.dropped
        if dropped == dropped_before:
            return 0
        gone_matches = bisect_left(self._matches, dropped)
        del self._matches[:gone_matches]
        if self._current is not None and self._current < dropped:
            self._current = None
        if self._filtering:
            return gone_matches
        return min(dropped, first_new) - dropped_before

    def _new_kept(self, first_new: int) -> range:
        return range(max(first_new, self._buffer.dropped), self._buffer.total)

    def _drop_search(self) -> None:
        self._pattern = None
        self._matcher = None
        self._matches = []
        self._current = None

    # Scrolling --------------------------------------------------------------------------

    def _relayout(self, *, keep_top: bool) -> None:
        """Rebuild rows and caches after a change of what or how lines are shown."""
        top = self._anchor if keep_top else None
        self._clear_render_cache()
        self._row_starts = None
        self._update_virtual_size()
        if self.follow:
            self._scroll_to_end()
        elif top is not None:
            self._scroll_rows(self._row_of(self._shown_index(top)))
        self._remember_top()
        self.refresh()

    def _remember_top(self) -> None:
        self._anchor = self._top_line()

    def _top_line(self) -> int | None:
        """Line number at the top of the view."""
        located = self._locate(max(0, round(self.scroll_y) - self._marker_rows))
        return located[0] if located else None

    def _scroll_rows(self, row: int) -> None:
        self._own_scroll = True
        try:
            self.scroll_to(y=row, animate=False, immediate=True)
        finally:
            self._own_scroll = False

    def _scroll_to_end(self) -> None:
        self._scroll_rows(self.max_scroll_y)

    def _nearest_match(self) -> int:
        """The match to show first: the last one when following, else the next one down."""
        if self.follow:
            return self._matches[-1]
        top = self._top_line()
        index = bisect_left(self._matches, top if top is not None else 0)
        return self._matches[min(index, len(self._matches) - 1)]

    def _step_match(self, step: int) -> None:
        if not self._matches:
            self.app.bell()
            return
        if self._current is None:
            self._go_to_match(self._nearest_match())
            return
        if step > 0:
            index = bisect_right(self._matches, self._current) % len(self._matches)
        else:
            index = (bisect_left(self._matches, self._current) - 1) % len(self._matches)
        self._go_to_match(self._matches[index])

    def _go_to_match(self, number: int) -> None:
        """Make line ``number`` the current match and bring it into view."""
        for old in (self._current, number):
            if old is not None:
                self._strips.discard(old)
                self._folds.clear()
        self._current = number
        self.set_reactive(LogView.follow, False)
        row = self._row_of(self._shown_index(number))
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not top <= row < top + max(height, 1):
            self._scroll_rows(max(0, row - height // 3))
        self.refresh()
