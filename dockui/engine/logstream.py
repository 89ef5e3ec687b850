"""Read a container's log from the engine fast, in batches, and stop on demand.

docker-py's ``logs(stream=True)`` hands out one chunk per line (and one byte at a time for a
TTY container), which is slow for a 200,000-line log. Here the request is made directly and
the body is read in large blocks: the HTTP chunked encoding and the engine's 8-byte stream
frames are both taken apart here, across block boundaries.

The engine is always asked for timestamps: they are split off each message, so the UI can
show or hide them and a resumed stream (``since``) starts right after the last line seen.

Every message comes out as a :class:`LogChunk` ``(stream, timestamp, data)``: normally one
whole line ending in ``\\n``; a line longer than 16 KiB comes in several pieces (the engine
cuts it), the last one ending the line. :class:`dockui.logtext.LineSplitter` joins them.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import struct
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, NamedTuple

import docker.errors
from docker import APIClient

from dockui.engine.service import response_socket, wake_reader

STDOUT = "stdout"
STDERR = "stderr"

READ_SIZE = 256 * 1024
"""Bytes asked of the socket at a time: whatever has arrived, up to this."""
PARTIAL_SIZE = 16 * 1024
"""The engine cuts log lines into messages of this many bytes."""
_MAX_SIZE_LINE = 1024  # longest chunk-size line of the chunked encoding we accept
_STREAM_NAMES = {0: STDOUT, 1: STDOUT, 2: STDERR}
_SYSTEM_ERROR = 3  # stdcopy's "systemerr": the engine's own error, e.g. a log driver failing
_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) ")
_TIMESTAMP_MAX = 36  # "2024-01-02T03:04:05.123456789+01:00 "
_FRAME_HEADER = struct.Struct(">BxxxL")  # stream type, 3 zero bytes, payload size
_new_tuple = tuple.__new__  # a NamedTuple's own __new__ is a Python call: slow per line
_TTY_MAX_MESSAGE = 4 * 1024 * 1024  # bound on buffering a TTY message with no end in sight

EndReason = Literal["exited", "removed", "engine-gone", "running"]


class LogChunk(NamedTuple):
    """One message of a container's output.

    Attributes:
        stream: ``"stdout"`` or ``"stderr"`` (a TTY container only has ``"stdout"``).
        timestamp: The engine's RFC 3339 timestamp with nine fraction digits, or ``None``.
        data: The bytes written; a whole line ends with ``\\n``.
    """

    stream: str
    timestamp: str | None
    data: bytes


class LogStreamError(Exception):
    """The log stream broke off or could not be read."""


# Opening ------------------------------------------------------------------------------------

def open_log_stream(
    api: APIClient,
    container_id: str,
    *,
    tail: int | Literal["all"] = 500,
    follow: bool = True,
    timestamps: bool = True,
    since: str | float | datetime | None = None,
    tty: bool | None = None,
) -> LogStream:
    """Start reading a container's log.

    Args:
        api: A docker-py low-level client.
        container_id: Container id or name.
        tail: Lines of history to start with, or ``"all"``.
        follow: Keep the stream open for new output until the container stops.
        timestamps: Hand out the engine's timestamps (they are always requested, so that
            ``since`` works; with ``False`` they are dropped from the chunks).
        since: Only output after this point: a timestamp from a previous chunk (RFC 3339;
            strictly after it, so a resume repeats nothing), a Unix time or a datetime.
        tty: Whether the container has a TTY; looked up when ``None``.

    Raises:
        docker.errors.NotFound: No such container.
        docker.errors.APIError: The engine refused (e.g. a log driver that cannot be read).
        requests.exceptions.ConnectionError: The engine does not answer.
    """
    if tty is None:
        tty = bool(api.inspect_container(container_id).get("Config", {}).get("Tty"))
    params: dict[str, Any] = {
        "stdout": 1,
        "stderr": 1,
        "timestamps": 1,
        "follow": int(follow),
        "tail": "all" if tail == "all" else str(max(int(tail), 0)),
    }
    if since is not None:
        params["since"] = since_param(since)
    response = api._get(api._url("/containers/{0}/logs", container_id), params=params,
                        stream=True)
    api._raise_for_status(response)
    return LogStream(api, response, tty=tty, timestamps=timestamps)


def since_param(since: str | float | datetime) -> str:
    """Turn ``since`` into the engine's ``seconds.nanoseconds`` form.

    An RFC 3339 string is taken as "after this line": one nanosecond is added, since the
    engine includes messages stamped exactly at ``since``.
    """
    if isinstance(since, datetime):
        return f"{since.timestamp():.9f}"
    if isinstance(since, (int, float)):
        return f"{since:.9f}" if isinstance(since, float) else str(since)
    if "T" not in since:
        return since  # already the engine's own form
    nanos = rfc3339_to_nanos(since) + 1
    return f"{nanos // 1_000_000_000}.{nanos % 1_000_000_000:09d}"


def rfc3339_to_nanos(value: str) -> int:
    """Parse an RFC 3339 timestamp (any fraction length, ``Z`` or an offset) to Unix nanos.

    Raises:
        ValueError: ``value`` is not an RFC 3339 timestamp.
    """
    match = re.fullmatch(
        r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9})\d*)?"
        r"(?:([Zz])|([+-])(\d\d):(\d\d))", value.strip())
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {value!r}")
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if match.group(9):
        offset = int(match.group(10)) * 3600 + int(match.group(11)) * 60
        seconds -= offset if match.group(9) == "+" else -offset
    fraction = int((match.group(7) or "").ljust(9, "0"))
    return seconds * 1_000_000_000 + fraction


# The stream ---------------------------------------------------------------------------------

class LogStream:
    """An open log: iterate for batches of :class:`LogChunk`; ``close()`` from any thread.

    Each batch holds whatever arrived in one read, so a slow reader gets fewer, bigger
    batches. Iteration ends when the engine ends the log (the container stopped, with
    ``follow``), when :meth:`close` is called, or when the connection breaks; then
    :attr:`error` says what broke, and :func:`ended_reason` tells the cases apart.

    Args:
        api: The client the response came from.
        response: The streaming ``requests`` response of ``GET /containers/{id}/logs``.
        tty: The container has a TTY (no stream frames in the body).
        timestamps: Keep the timestamps in the chunks.
    """

    def __init__(self, api: APIClient, response: Any, *, tty: bool,
                 timestamps: bool = True) -> None:
        self.tty = tty
        self.error: BaseException | None = None
        """What broke the stream, if it did not end normally."""
        self._response = response
        self._lock = threading.Lock()
        self._closed = False
        self._reading = False
        self._socket = response_socket(api, response)
        # The client's request timeout would end a quiet follow; block until data or close.
        with contextlib.suppress(Exception):
            api._disable_socket_timeout(self._socket)
        self._parser: _TtyParser | _FrameParser = (
            _TtyParser(timestamps) if tty else _FrameParser(timestamps))

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __iter__(self) -> Iterator[list[LogChunk]]:
        with self._lock:
            if self._closed or self._reading:
                return
            self._reading = True
        try:
            yield from self._batches()
        finally:
            self._release()

    def _batches(self) -> Iterator[list[LogChunk]]:
        try:
            for block in _body_blocks(self._response):
                batch = self._parser.feed(block)
                if batch:
                    yield batch
        except Exception as exc:  # a reset connection, a shut-down socket, bad framing
            if not self._closed:
                self.error = exc
        tail = self._parser.finish()
        if tail and not self._closed:
            yield tail

    def close(self) -> None:
        """Stop the stream; a read blocked in another thread returns at once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            reading = self._reading
        wake_reader(self._socket)
        if not reading:
            self._release()

    def _release(self) -> None:
        with contextlib.suppress(Exception):
            self._response.close()

    def __enter__(self) -> LogStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def ended_reason(api: APIClient, container_id: str) -> EndReason:
    """Why a follow stream on ``container_id`` ended.

    Returns:
        ``"removed"`` (gone or being removed), ``"exited"`` (stopped), ``"running"`` (it still
        runs: the stream was closed or broke), or ``"engine-gone"`` (no answer).
    """
    try:
        state = api.inspect_container(container_id).get("State") or {}
    except docker.errors.NotFound:
        return "removed"
    except Exception:  # connection refused, reset, timed out, or a 5xx from a dying engine
        return "engine-gone"
    if state.get("Status") in ("removing", "dead"):
        return "removed"
    return "running" if state.get("Running") else "exited"


# Reading the body ---------------------------------------------------------------------------

def _body_blocks(response: Any) -> Iterator[bytes]:
    """Yield the response body in large blocks, as fast as it arrives."""
    http_response = getattr(response.raw, "_fp", None)  # the http.client response
    buffered = getattr(http_response, "fp", None)
    if http_response is not None and http_response.chunked and buffered is not None:
        # http.client would hand out one HTTP chunk (one log line) per call; decode the
        # chunked encoding here over big reads instead.
        yield from _dechunked(buffered)
        return
    read = http_response.read1 if http_response is not None else response.raw.read
    while block := read(READ_SIZE):
        yield block


def _dechunked(buffered: Any) -> Iterator[bytes]:
    decoder = _Dechunker()
    while not decoder.done:
        raw = buffered.read1(READ_SIZE)
        if not raw:
            if not decoder.done:
                raise LogStreamError("the engine closed the connection mid-stream")
            return
        body = decoder.feed(raw)
        if body:
            yield body


class _Dechunker:
    """Incremental decoder of HTTP/1.1 chunked transfer encoding."""

    def __init__(self) -> None:
        self.done = False
        self._buffer = b""
        self._left = 0  # data bytes of the current chunk still to come
        self._crlf = 0  # bytes of the CRLF after the chunk data still to skip

    def feed(self, raw: bytes) -> bytes:
        """Add raw bytes; return the body bytes they completed (nothing after the end)."""
        if self.done:
            return b""
        data = self._buffer + raw if self._buffer else raw
        out: list[bytes] = []
        pos = self._take(data, 0, out)
        self._buffer = b"" if self.done else data[pos:]
        if len(self._buffer) > _MAX_SIZE_LINE:
            raise LogStreamError("bad chunked encoding from the engine")
        return b"".join(out)

    def _take(self, data: bytes, pos: int, out: list[bytes]) -> int:
        end = len(data)
        append, find = out.append, data.find
        while pos < end:
            if self._left:
                take = min(self._left, end - pos)
                append(data[pos:pos + take])
                pos += take
                self._left -= take
                if self._left:
                    break
                self._crlf = 2
            if self._crlf:
                skip = min(self._crlf, end - pos)
                pos += skip
                self._crlf -= skip
                continue
            eol = find(b"\r\n", pos)
            if eol < 0:
                break
            try:
                size = int(data[pos:eol], 16)
            except ValueError:  # a chunk extension (";name=value"), or garbage
                size = _chunk_size(data[pos:eol])
            pos = eol + 2
            if size == 0:
                self.done = True  # trailers, if any, are not needed: the response is closed
                break
            stop = pos + size
            if stop + 2 <= end:  # the usual case: the whole chunk and its CRLF are here
                append(data[pos:stop])
                pos = stop + 2
            else:
                self._left = size
        return pos


def _chunk_size(line: bytes) -> int:
    try:
        return int(line.split(b";", 1)[0], 16)
    except ValueError:
        raise LogStreamError("bad chunked encoding from the engine") from None


def _split_timestamp(message: bytes, keep: bool) -> tuple[str | None, bytes]:
    """Split ``"<RFC 3339> <data>"`` into timestamp and data."""
    space = message.find(b" ", 0, _TIMESTAMP_MAX)
    if space < 0 or not message[:1].isdigit():
        return None, message  # not stamped (an engine message)
    stamp = message[:space].decode("ascii", "replace") if keep else None
    return stamp, message[space + 1:]


class _FrameParser:
    """Non-TTY body: frames of ``[type, 0, 0, 0, size (u32 big-endian)]`` + payload."""

    def __init__(self, timestamps: bool) -> None:
        self._keep = timestamps
        self._buffer = b""

    def feed(self, block: bytes) -> list[LogChunk]:
        data = self._buffer + block if self._buffer else block
        out: list[LogChunk] = []
        append, find, unpack = out.append, data.find, _FRAME_HEADER.unpack_from
        names, keep = _STREAM_NAMES, self._keep
        pos, end = 0, len(data)
        # Run once per line of a flood: kept to plain slicing, no calls it can do without.
        while end - pos >= 8:
            kind, size = unpack(data, pos)
            start = pos + 8
            stop = start + size
            if stop > end:
                break
            pos = stop
            if kind == _SYSTEM_ERROR:
                message = b"[engine] " + data[start:stop].rstrip(b"\n") + b"\n"
                append(_new_tuple(LogChunk, (STDERR, None, message)))
                continue
            limit = start + _TIMESTAMP_MAX
            space = find(b" ", start, limit if limit < stop else stop)
            if space < 0 or not 48 <= data[start] <= 57:  # not stamped (an engine message)
                append(_new_tuple(LogChunk, (names.get(kind, STDOUT), None, data[start:stop])))
                continue
            stamp = data[start:space].decode("ascii", "replace") if keep else None
            append(_new_tuple(LogChunk, (names.get(kind, STDOUT), stamp, data[space + 1:stop])))
        self._buffer = data[pos:]
        return out

    def finish(self) -> list[LogChunk]:
        self._buffer = b""  # a cut-off frame: nothing whole to show
        return []


class _TtyParser:
    """TTY body: messages ``"<timestamp> <data>"`` back to back, with no frames.

    A message normally runs to its first newline. A line longer than 16 KiB comes as
    messages of exactly 16 KiB with no newline, each with its own timestamp: spotted by a
    timestamp right at that offset.
    """

    def __init__(self, timestamps: bool) -> None:
        self._keep = timestamps
        self._buffer = b""

    def feed(self, block: bytes) -> list[LogChunk]:
        data = self._buffer + block if self._buffer else block
        out: list[LogChunk] = []
        pos = 0
        while pos < len(data):
            stop = self._message_end(data, pos)
            if stop is None:
                break
            stamp, body = _split_timestamp(data[pos:stop], self._keep)
            out.append(LogChunk(STDOUT, stamp, body))
            pos = stop
        self._buffer = data[pos:]
        return out

    def _message_end(self, data: bytes, pos: int) -> int | None:
        """Where the message at ``pos`` ends, or ``None`` if it has not all arrived."""
        space = data.find(b" ", pos, pos + _TIMESTAMP_MAX)
        start = space + 1 if space >= 0 else pos
        newline = data.find(b"\n", start, start + PARTIAL_SIZE + 1)
        if newline >= 0:
            return newline + 1
        if len(data) - start < PARTIAL_SIZE + _TIMESTAMP_MAX:
            return None  # not enough to tell a long line from an unfinished one
        if _TIMESTAMP.match(data, start + PARTIAL_SIZE):
            return start + PARTIAL_SIZE  # a piece of a long line
        newline = data.find(b"\n", start)
        if newline >= 0:
            return newline + 1
        # Not the engine's cut: hand out what there is rather than buffer without bound.
        return len(data) if len(data) - start > _TTY_MAX_MESSAGE else None

    def finish(self) -> list[LogChunk]:
        data, self._buffer = self._buffer, b""
        if not data:
            return []
        stamp, body = _split_timestamp(data, self._keep)
        return [LogChunk(STDOUT, stamp, body)]
