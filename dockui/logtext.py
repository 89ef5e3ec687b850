"""Container output made safe and cheap to show: bytes in, sanitized styled lines out.

Pure: no Textual, no docker-py. Log output is hostile by default (a container can print any
byte), so every line goes through one conversion that

* decodes UTF-8 with replacement (invalid bytes become U+FFFD),
* keeps colour and bold (SGR ``ESC[...m``) as styles and shows every other escape sequence
  (title changes, clipboard writes, screen clears, cursor moves) as visible text like ``␛[2J``,
* shows other control characters as control pictures (NUL becomes ␀),
* cuts very long lines with a marker, so one 1 MB line cannot stall rendering.

It runs for every line of a 200,000-line log, so the common case (no escape, nothing
unprintable) is a fast path of two C-level string checks.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal

from rich.ansi import SGR_STYLE_MAP
from rich.color import Color, ColorParseError
from rich.style import Style
from rich.text import Span, Text

from dockui.engine.sanitize import clean

Stream = Literal["stdout", "stderr"]
STDOUT: Stream = "stdout"
STDERR: Stream = "stderr"

DEFAULT_MAX_CHARS = 10_000
"""Longest line kept whole; the rest is cut and counted in a marker."""
DEFAULT_MAX_LINES = 20_000
"""Lines a :class:`LogBuffer` keeps before it drops the oldest."""
TAB_SIZE = 8

CUT_STYLE = Style(dim=True, italic=True)
"""Style of the ``… [cut N chars]`` marker."""
ESCAPE_STYLE = Style(dim=True)
"""Style of an escape sequence shown as text (``␛[2J``)."""


class LogLine:
    """One sanitized log line; treat it as immutable.

    A slots class rather than a frozen dataclass: 200,000 of these are made in a burst and a
    frozen dataclass costs four times as much to build. For a line with colour codes the
    style spans are worked out on first use (usually: when the line is first on screen).

    Attributes:
        timestamp: The engine's RFC 3339 timestamp (``2024-01-02T03:04:05.123456789Z``), or
            ``None`` when unknown.
        stream: ``"stdout"`` or ``"stderr"``.
        plain: The text as shown: no control characters, tabs expanded.
        source: Name of the container the line came from, when interleaving several.
    """

    __slots__ = ("_ansi", "_plain", "_spans", "source", "stream", "timestamp")

    def __init__(
        self,
        plain: str | None,
        stream: Stream = STDOUT,
        timestamp: str | None = None,
        spans: tuple[Span, ...] = (),
        source: str | None = None,
        *,
        ansi: str | None = None,
    ) -> None:
        """Create a line.

        Args:
            plain: The text as shown (already safe); ``None`` to work it out from ``ansi``
                when first needed (most lines of a flood drop off unseen).
            stream: ``"stdout"`` or ``"stderr"``.
            timestamp: The engine's timestamp, if any.
            spans: Styles over ``plain``.
            source: Container name, for interleaved views.
            ansi: The raw text with escape sequences ``plain`` was made from; when given,
                ``spans`` is computed from it on first use instead.
        """
        if plain is None and ansi is None:
            raise ValueError("a LogLine needs its text or the raw text it comes from")
        self._plain = plain
        self.stream = stream
        self.timestamp = timestamp
        self.source = source
        self._ansi = ansi
        self._spans: tuple[Span, ...] | None = None if ansi is not None else spans

    @property
    def plain(self) -> str:
        """The text as shown: no control characters, tabs expanded."""
        plain = self._plain
        if plain is None:
            plain = self._plain = plain_text(self._ansi or "")
        return plain

    def width_bound(self) -> int:
        """At least the cells the line takes, worked out cheaply (for a scroll range).

        A non-ASCII character counts as two cells; a line not yet converted is measured on
        its raw text, which only loses characters on the way (unless it holds tabs).
        """
        text = self._plain
        if text is None:
            text = self._ansi or ""
            if "\t" in text:
                text = self.plain
        cells = len(text)
        if not text.isascii():
            cells += cells - len(text.encode("ascii", "ignore"))
        return cells

    @property
    def spans(self) -> tuple[Span, ...]:
        """Styles over ``plain`` (from colour codes), in order and not overlapping."""
        spans = self._spans
        if spans is None:
            spans = self._spans = _lazy_spans(self._ansi or "", self.plain)
        return spans

    @property
    def text(self) -> Text:
        """The line as a new rich :class:`Text` (styles included)."""
        return Text(self.plain, spans=list(self.spans), end="")

    @property
    def is_stderr(self) -> bool:
        """Whether the line was written to stderr."""
        return self.stream == STDERR

    def with_source(self, source: str | None) -> LogLine:
        """Return a copy of this line tagged with another ``source``."""
        line = LogLine(self._plain, self.stream, self.timestamp, (), source, ansi=self._ansi)
        line._spans = self._spans
        return line

    def _key(self) -> tuple[object, ...]:
        return (self.plain, self.stream, self.timestamp, self.spans, self.source)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogLine):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"LogLine({self.plain!r}, stream={self.stream!r}, "
                f"timestamp={self.timestamp!r}, source={self.source!r})")


# ANSI escape sequences ----------------------------------------------------------------------

_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ params intermediates final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: ended by BEL or ST (or cut short)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings, ended by ST
    r"|\x1b[ -/]*[0-~]?"  # any other escape (ESC 7, ESC ( B), or a lone ESC
)
_SGR_PARAMS = re.compile(r"[0-9;:]*")
# Erase-in-line follows almost every "\r" of a progress bar; a log view has nothing to erase,
# so showing it would only add noise.
_DROPPED = frozenset({"\x1b[K", "\x1b[0K", "\x1b[1K", "\x1b[2K"})
# Exactly the sequences _parse_ansi swallows (SGR and _DROPPED). No _SEQUENCE token contains
# an ESC that could start one of these, so removing them and then showing every remaining
# control character gives the same text as the full parse, at C speed.
_SWALLOWED = re.compile(r"\x1b\[(?:[0-9;:]*m|[012]?K)")

_NULL_STYLE = Style()
_SGR_CACHE: dict[tuple[Style, str], Style] = {}
_SGR_CACHE_MAX = 4096


def ansi_to_text(value: str) -> Text:
    """Convert a string with terminal escape sequences into a safe rich :class:`Text`.

    SGR sequences (colour, bold, ...) become styles; every other escape sequence is shown as
    visible text (``␛[2J``), or dropped when it is a harmless erase-in-line, never passed on.
    Other control characters become control pictures; tabs are expanded.

    Args:
        value: One line of text (no newline).
    """
    plain, spans = convert(value)
    return Text(plain, spans=list(spans), end="")


def convert(value: str) -> tuple[str, tuple[Span, ...]]:
    """Convert one line into display text and style spans; see :func:`ansi_to_text`."""
    if "\x1b" not in value:
        return _visible_line(value), ()
    return _parse_ansi(value)


def plain_text(value: str) -> str:
    """The display text :func:`convert` gives for ``value``, without computing styles."""
    if "\x1b" in value:
        value = _SWALLOWED.sub("", value)
    return _visible_line(value)


def _visible_line(value: str) -> str:
    """Show control characters and expand tabs; a no-op for a printable line."""
    if value.isprintable():  # C-speed check; true for nearly every log line
        return value
    value = clean(value, keep_tabs=True)
    return _expand_tabs(value) if "\t" in value else value


def _expand_tabs(value: str) -> str:
    """Expand tabs by screen cells, as :meth:`Text.expand_tabs` does for styled lines."""
    if value.isascii():
        return value.expandtabs(TAB_SIZE)
    text = Text(value)
    text.expand_tabs(TAB_SIZE)  # counts a wide character as two cells
    return text.plain


def _lazy_spans(ansi: str, plain: str) -> tuple[Span, ...]:
    """Spans for a line made from ``ansi``, plus a cut marker's span when ``plain`` is longer."""
    head, spans = _parse_ansi(ansi)
    if len(plain) > len(head):
        spans += (Span(len(head), len(plain), CUT_STYLE),)
    return spans


def _parse_ansi(value: str) -> tuple[str, tuple[Span, ...]]:
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    style = _NULL_STYLE
    pos = 0
    for match in _SEQUENCE.finditer(value):
        start, end = match.span()
        if start > pos:
            offset = _add_piece(parts, spans, value[pos:start], style, offset)
        pos = end
        sequence = match.group()
        if _is_sgr(sequence):
            style = _apply_sgr(style, sequence[2:-1])
        elif sequence not in _DROPPED:
            shown = clean(sequence, keep_tabs=True)
            offset = _add_piece(parts, spans, shown, style + ESCAPE_STYLE, offset, safe=True)
    if pos < len(value):
        _add_piece(parts, spans, value[pos:], style, offset)
    plain = "".join(parts)
    if "\t" not in plain:
        return plain, tuple(spans)
    # Rare: expand tabs at line level so tab stops count from the line start.
    text = Text(plain, spans=spans)
    text.expand_tabs(TAB_SIZE)
    return text.plain, tuple(text.spans)


def _is_sgr(sequence: str) -> bool:
    return (len(sequence) > 2 and sequence[1] == "[" and sequence[-1] == "m"
            and _SGR_PARAMS.fullmatch(sequence, 2, len(sequence) - 1) is not None)


def _add_piece(parts: list[str], spans: list[Span], piece: str, style: Style, offset: int,
               *, safe: bool = False) -> int:
    """Append ``piece`` (sanitized unless ``safe``) with ``style``; return the new offset."""
    if not safe and not piece.isprintable():
        piece = clean(piece, keep_tabs=True)
    end = offset + len(piece)
    parts.append(piece)
    if style and end > offset:
        spans.append(Span(offset, end, style))
    return end


def _apply_sgr(style: Style, params: str) -> Style:
    """Return ``style`` after the SGR sequence ``ESC[<params>m``, memoized."""
    key = (style, params)
    cached = _SGR_CACHE.get(key)
    if cached is None:
        if len(_SGR_CACHE) >= _SGR_CACHE_MAX:
            _SGR_CACHE.clear()  # a hostile stream could vary params forever
        cached = _SGR_CACHE[key] = _compute_sgr(style, params)
    return cached


def _compute_sgr(style: Style, params: str) -> Style:
    codes = iter([int(code) if code else 0 for code in re.split("[;:]", params)[:64]])
    for code in codes:
        if code == 0:
            style = _NULL_STYLE
        elif code in SGR_STYLE_MAP:
            style += Style.parse(SGR_STYLE_MAP[code])
        elif code in (38, 48):
            color = _extended_color(codes)
            if color is not None:
                style += Style.from_color(color) if code == 38 else Style.from_color(None, color)
    return style


def _extended_color(codes: Iterator[int]) -> Color | None:
    """Read the rest of a ``38;5;n`` or ``38;2;r;g;b`` colour; ``None`` if malformed."""
    try:
        kind = next(codes)
        if kind == 5:
            return Color.from_ansi(min(next(codes), 255))
        if kind == 2:
            red, green, blue = [min(next(codes), 255) for _ in range(3)]
            return Color.from_rgb(red, green, blue)
    except (StopIteration, ColorParseError, ValueError):
        pass
    return None


# Bytes to lines -----------------------------------------------------------------------------

class _Pending:
    """The unfinished line of one stream."""

    __slots__ = ("parts", "size", "skipped", "timestamp")

    def __init__(self, timestamp: str | None) -> None:
        self.timestamp = timestamp
        self.parts: list[bytes] = []
        self.size = 0
        self.skipped = 0


class LineSplitter:
    """Turn chunks of output into complete, converted :class:`LogLine` objects.

    Bytes are kept per stream until a newline, so a line the engine sent in pieces (it splits
    lines longer than 16 KiB) comes out whole, with the timestamp of its first piece.

    Args:
        max_chars: Longest line kept; longer ones are cut with a ``… [cut N chars]`` marker.
        source: Container name put on every line (for interleaved views).
    """

    def __init__(self, *, max_chars: int = DEFAULT_MAX_CHARS, source: str | None = None) -> None:
        self.max_chars = max_chars
        self.source = source
        # Memory bound for a line that never ends: UTF-8 is at most 4 bytes a character.
        self._max_bytes = max_chars * 4 + 4
        self._pending: dict[str, _Pending] = {}

    def feed(self, stream: Stream, data: bytes, timestamp: str | None = None) -> list[LogLine]:
        """Add ``data`` written to ``stream``; return the lines it completed."""
        out: list[LogLine] = []
        self._feed(out, stream, data, timestamp)
        return out

    def feed_chunks(self, chunks: Iterable[tuple[str, str | None, bytes]]) -> list[LogLine]:
        """Add ``(stream, timestamp, data)`` records (a log stream batch); return new lines."""
        out: list[LogLine] = []
        append = out.append
        pending = self._pending
        source, max_chars = self.source, self.max_chars
        for stream, timestamp, data in chunks:
            # Inlined fast path for the usual message: one whole, short, printable line.
            if data.endswith(b"\n") and stream not in pending and data.find(b"\n") == len(data) - 1:
                text = data[:-1].decode("utf-8", "replace")
                if len(text) <= max_chars and "\r" not in text:
                    append(_make_line(text, stream, timestamp, source))  # type: ignore[arg-type]
                    continue
            self._feed(out, stream, data, timestamp)  # type: ignore[arg-type]
        return out

    def flush(self) -> list[LogLine]:
        """Return the unfinished lines (output that ended without a newline) and forget them."""
        out = [self._finish(stream, b"") for stream in list(self._pending)]
        self._pending.clear()
        return out

    def _feed(self, out: list[LogLine], stream: Stream, data: bytes,
              timestamp: str | None) -> None:
        pending = self._pending
        if not data:
            return
        # Fast path: one whole line and nothing pending (the engine's usual message).
        if data[-1] == 0x0A and stream not in pending and data.find(b"\n") == len(data) - 1:
            out.append(self._line(stream, data[:-1], timestamp, 0))
            return
        pieces = data.split(b"\n")
        for piece in pieces[:-1]:
            if stream in pending:
                out.append(self._finish(stream, piece))
            else:
                out.append(self._line(stream, piece, timestamp, 0))
        if pieces[-1]:
            self._keep(stream, pieces[-1], timestamp)

    def _keep(self, stream: Stream, piece: bytes, timestamp: str | None) -> None:
        pending = self._pending.get(stream)
        if pending is None:
            pending = self._pending[stream] = _Pending(timestamp)
        self._keep_into(pending, piece)

    def _keep_into(self, pending: _Pending, piece: bytes) -> None:
        room = max(self._max_bytes - pending.size, 0)
        if len(piece) > room:
            # Past the bound only count: one char a byte, exact for ASCII.
            pending.skipped += len(piece) - room
            piece = piece[:room]
        if piece:
            pending.parts.append(piece)
            pending.size += len(piece)

    def _finish(self, stream: Stream, tail: bytes) -> LogLine:
        pending = self._pending.pop(stream)
        if tail:
            self._keep_into(pending, tail)
        return self._line(stream, b"".join(pending.parts), pending.timestamp, pending.skipped)

    def _line(self, stream: Stream, raw: bytes, timestamp: str | None, skipped: int) -> LogLine:
        text = raw.decode("utf-8", "replace")
        if text.endswith("\r"):
            text = text[:-1]  # a CRLF ending
        if "\r" in text:
            text = _last_overwrite(text)
        total = len(text) + skipped
        if total > self.max_chars:
            return self._cut_line(stream, text[: self.max_chars], total, timestamp)
        return _make_line(text, stream, timestamp, self.source)

    def _cut_line(self, stream: Stream, head: str, total: int,
                  timestamp: str | None) -> LogLine:
        plain = plain_text(head) + f" … [cut {total - len(head):,} chars]"
        return LogLine(plain, stream, timestamp, (), self.source, ansi=head)


def _make_line(text: str, stream: Stream, timestamp: str | None, source: str | None) -> LogLine:
    """A :class:`LogLine` for decoded ``text`` (no newline, no ``\\r``, not too long)."""
    if text.isprintable():
        return LogLine(text, stream, timestamp, (), source)
    if "\x1b" in text:  # text and styles are worked out when the line is first needed
        return LogLine(None, stream, timestamp, (), source, ansi=text)
    return LogLine(_visible_line(text), stream, timestamp, (), source)


def _last_overwrite(text: str) -> str:
    """What a terminal would mostly show for a line redrawn with ``\\r`` (a progress bar).

    Keep the last non-empty segment: the final state of the bar.
    """
    for segment in reversed(text.split("\r")):
        if segment:
            return segment
    return ""


def convert_lines(chunks: Iterable[tuple[str, str | None, bytes]], *,
                  source: str | None = None) -> list[LogLine]:
    """Convert complete output in one go (a finished log); unfinished lines are flushed."""
    splitter = LineSplitter(source=source)
    return splitter.feed_chunks(chunks) + splitter.flush()


# Buffer, search, interleave -----------------------------------------------------------------

def compile_pattern(pattern: str, *, regex: bool = False, case: bool = False) -> re.Pattern[str]:
    """Compile a search pattern; a literal unless ``regex``, case-insensitive unless ``case``.

    Raises:
        re.error: ``regex`` is set and ``pattern`` is not a valid regular expression.
    """
    source = pattern if regex else re.escape(pattern)
    return re.compile(source, 0 if case else re.IGNORECASE)


def make_matcher(pattern: str, *, regex: bool = False,
                 case: bool = False) -> Callable[[str], bool]:
    """Return a fast ``str -> bool`` test for ``pattern`` (see :func:`compile_pattern`)."""
    if not regex and case:
        return lambda text: pattern in text  # plain substring: no regex engine at all
    search = compile_pattern(pattern, regex=regex, case=case).search
    return lambda text: search(text) is not None


class LogBuffer:
    """The newest ``max_lines`` lines; the oldest drop off and are counted.

    Lines get absolute numbers: the first line ever appended is 0. ``dropped`` is the number
    of the oldest line still kept, so index ``i`` of the buffer is absolute line
    ``dropped + i``.

    Args:
        max_lines: Lines kept at most.
    """

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES) -> None:
        if max_lines < 1:
            raise ValueError("max_lines must be at least 1")
        self._lines: deque[LogLine] = deque(maxlen=max_lines)
        self.dropped = 0

    @property
    def max_lines(self) -> int:
        """Lines kept at most."""
        return self._lines.maxlen or 0

    @property
    def total(self) -> int:
        """Lines ever appended since the last clear (kept and dropped)."""
        return self.dropped + len(self._lines)

    def append(self, lines: Sequence[LogLine]) -> int:
        """Add ``lines`` at the end; return how many old lines this dropped."""
        overflow = max(0, len(self._lines) + len(lines) - self.max_lines)
        self._lines.extend(lines)
        self.dropped += overflow
        return overflow

    def clear(self) -> None:
        """Forget every line and the dropped count."""
        self._lines.clear()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, index: int) -> LogLine:
        return self._lines[index]

    def __iter__(self) -> Iterator[LogLine]:
        return iter(self._lines)

    def search(self, pattern: str, *, regex: bool = False, case: bool = False) -> list[int]:
        """Buffer indices of the lines whose text matches ``pattern``, in order.

        Raises:
            re.error: ``regex`` is set and ``pattern`` is not valid.
        """
        matches = make_matcher(pattern, regex=regex, case=case)
        return [index for index, line in enumerate(self._lines) if matches(line.plain)]

    def filter(self, pattern: str, *, regex: bool = False, case: bool = False) -> list[LogLine]:
        """The lines whose text matches ``pattern``, in order (see :meth:`search`)."""
        matches = make_matcher(pattern, regex=regex, case=case)
        return [line for line in self._lines if matches(line.plain)]


def timestamp_key(timestamp: str) -> str:
    """A sort key for an engine timestamp: fixed-width fraction, so strings sort by time.

    The engine sends nine fraction digits; other producers may trim trailing zeros, and
    ``.5Z`` must not sort after ``.45Z``.
    """
    if len(timestamp) == 30 or "." not in timestamp:
        return timestamp
    head, _, rest = timestamp.partition(".")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    return f"{head}.{rest[:digits]:0<9}{rest[digits:]}"


def interleave(batches: Iterable[Iterable[LogLine]]) -> list[LogLine]:
    """Merge the lines of several containers into one list ordered by timestamp.

    Each batch is expected in its own order (as a log is); lines without a timestamp stay
    right after the line before them in their batch.
    """
    merged = heapq.merge(*(_keyed(batch) for batch in batches), key=lambda pair: pair[0])
    return [line for _, line in merged]


def _keyed(batch: Iterable[LogLine]) -> Iterator[tuple[str, LogLine]]:
    key = ""
    for line in batch:
        if line.timestamp:
            key = timestamp_key(line.timestamp)
        yield key, line
