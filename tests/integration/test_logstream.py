"""Tests for dockui.engine.logstream: the decoders alone, then against the real engine."""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable

import docker
import pytest
from docker.models.containers import Container

from dockui.engine.logstream import (
    LogChunk,
    LogStream,
    _Dechunker,
    _FrameParser,
    _TtyParser,
    ended_reason,
    open_log_stream,
    rfc3339_to_nanos,
    since_param,
)
from dockui.logtext import LineSplitter, LogLine

TS = b"2024-05-06T07:08:09.123456789Z"


# Decoders, no engine needed ------------------------------------------------------------------

def _chunked(*pieces: bytes) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return body + b"0\r\n\r\n"


def _frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", kind, len(payload)) + payload


def _feed_bytewise(feed: Callable[[bytes], list], data: bytes, step: int = 1) -> list:
    out: list = []
    for i in range(0, len(data), step):
        out += feed(data[i:i + step])
    return out


def test_dechunker_across_any_boundary():
    raw = _chunked(b"hello ", b"x" * 300, b"\r\n\r\n") + b"junk after the end"
    for step in (1, 2, 3, 7, 1000):
        decoder = _Dechunker()
        body = b"".join(_feed_bytewise(lambda d, dec=decoder: [dec.feed(d)], raw, step))
        assert body == b"hello " + b"x" * 300 + b"\r\n\r\n"
        assert decoder.done


def test_dechunker_skips_chunk_extensions():
    raw = b"3;name=value\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    for step in (1, 4, 1000):
        decoder = _Dechunker()
        assert b"".join(_feed_bytewise(lambda d, dec=decoder: [dec.feed(d)], raw, step)) == \
            b"abcde"


def test_frame_parser_across_any_boundary():
    data = (_frame(1, TS + b" out\n") + _frame(2, TS + b" err\n") + _frame(1, b"")
            + _frame(3, b"log driver failed") + _frame(1, TS + b" " + b"y" * 70000))
    for step in (1, 5, 9, 100000):
        chunks = _feed_bytewise(_FrameParser(timestamps=True).feed, data, step)
        assert chunks[0] == LogChunk("stdout", TS.decode(), b"out\n")
        assert chunks[1] == LogChunk("stderr", TS.decode(), b"err\n")
        assert chunks[2] == LogChunk("stdout", None, b"")
        assert chunks[3] == LogChunk("stderr", None, b"[engine] log driver failed\n")
        assert chunks[4].data == b"y" * 70000


def test_frame_parser_can_drop_timestamps():
    chunks = _FrameParser(timestamps=False).feed(_frame(1, TS + b" a b\n"))
    assert chunks == [LogChunk("stdout", None, b"a b\n")]


def test_tty_parser_joins_engine_pieces_of_long_line():
    long = b"z" * 40000
    pieces = [long[i:i + 16384] for i in range(0, len(long), 16384)]
    data = b"".join(TS + b" " + piece for piece in pieces) + b"\r\n"
    data = TS + b" first\r\n" + data + TS + b" last\r\n" + TS + b" no newline"
    for step in (1, 333, 10**6):
        parser = _TtyParser(timestamps=True)
        chunks = _feed_bytewise(parser.feed, data, step) + parser.finish()
        lines = LineSplitter(max_chars=10**6).feed_chunks(chunks)
        lines += LineSplitter().feed_chunks(parser.finish())
        assert [line.plain for line in lines[:1] + lines[2:]] == ["first", "last"]
        assert lines[1].plain == "z" * 40000
        assert chunks[-1] == LogChunk("stdout", TS.decode(), b"no newline")


def test_since_param_is_strictly_after_a_line():
    assert since_param("2024-05-06T07:08:09.123456789Z") == "1714979289.123456790"
    assert since_param("2024-05-06T07:08:09.999999999Z") == "1714979290.000000000"
    assert since_param(1714979289) == "1714979289"
    assert rfc3339_to_nanos("2024-05-06T09:08:09.5+02:00") == 1714979289_500_000_000
    with pytest.raises(ValueError):
        rfc3339_to_nanos("yesterday")


def test_ended_reason_engine_gone(tmp_path):
    api = docker.APIClient(base_url=f"unix://{tmp_path}/none.sock", version="1.41", timeout=2)
    assert ended_reason(api, "whatever") == "engine-gone"


# Against the engine (fixtures from tests/conftest.py) ------------------------------------------

@pytest.fixture
def client(docker_client: docker.DockerClient) -> docker.DockerClient:
    return docker_client


@pytest.fixture
def run(make_container) -> Callable[..., Container]:
    """Start ``sh -c script`` in the busybox image (labelled, removed afterwards)."""

    def start(script: str, *, tty: bool = False, wait: bool = True) -> Container:
        container = make_container(["sh", "-c", script], tty=tty)
        if wait:
            container.wait(timeout=90)
        return container

    return start


def _read_lines(stream: LogStream) -> list[LogLine]:
    splitter = LineSplitter()
    lines: list[LogLine] = []
    for batch in stream:
        lines += splitter.feed_chunks(batch)
    return lines + splitter.flush()


@pytest.mark.engine
@pytest.mark.parametrize("tty", [False, True])
def test_200000_lines_arrive_in_order(client, run, tty):
    # Followed while it runs: the engine ends a follow only once the whole log is written,
    # whereas right after the exit it may still be copying the last lines.
    container = run("seq 1 200000", tty=tty, wait=False)
    stream = open_log_stream(client.api, container.id, tail="all", follow=True)
    assert stream.tty is tty
    lines = _read_lines(stream)
    assert stream.error is None
    texts = [line.plain for line in lines]
    wrong = next((i for i, text in enumerate(texts, 1) if text != str(i)), None)
    assert wrong is None, f"line {wrong} is {texts[wrong - 1]!r}"
    assert len(lines) == 200_000
    stamps = [line.timestamp for line in lines]
    assert all(stamps) and stamps == sorted(stamps)


@pytest.mark.engine
def test_tail_limits_history(client, run):
    container = run("seq 1 100")
    lines = _read_lines(open_log_stream(client.api, container.id, tail=3, follow=False))
    assert [line.plain for line in lines] == ["98", "99", "100"]


@pytest.mark.engine
def test_stdout_and_stderr_are_marked(client, run):
    # Apart in time: the engine orders the two streams only by when it logged each line.
    container = run("echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; printf 'tail'")
    lines = _read_lines(open_log_stream(client.api, container.id, tail="all", follow=False))
    assert [(line.stream, line.plain) for line in lines] == [
        ("stdout", "out1"), ("stderr", "err1"), ("stdout", "out2"), ("stdout", "tail")]


@pytest.mark.engine
def test_tty_container(client, run):
    container = run("echo hello; printf 'a\\tb\\n'; head -c 40000 /dev/zero | tr '\\0' x; echo;"
                    " echo bye", tty=True)
    stream = open_log_stream(client.api, container.id, tail="all", follow=False)
    assert stream.tty is True
    lines = _read_lines(stream)
    assert [line.plain for line in lines] == [
        "hello", "a       b", "x" * 10_000 + " … [cut 30,000 chars]", "bye"]
    assert all(line.timestamp for line in lines)


@pytest.mark.engine
def test_long_line_without_tty_is_joined(client, run):
    container = run("head -c 40000 /dev/zero | tr '\\0' y; echo; echo after")
    lines = _read_lines(open_log_stream(client.api, container.id, tail="all", follow=False))
    assert [line.plain for line in lines] == ["y" * 10_000 + " … [cut 30,000 chars]", "after"]


@pytest.mark.engine
def test_follow_ends_when_container_exits(client, run):
    container = run("echo start; sleep 1; echo end", wait=False)
    stream = open_log_stream(client.api, container.id, tail="all", follow=True)
    lines = _read_lines(stream)
    assert [line.plain for line in lines] == ["start", "end"]
    assert stream.error is None
    container.wait(timeout=30)
    assert ended_reason(client.api, container.id) == "exited"
    container.remove()
    assert ended_reason(client.api, container.id) == "removed"


@pytest.mark.engine
@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("script", ["while true; do echo tick; sleep 0.1; done", "sleep 600"])
def test_close_from_another_thread_ends_follow(client, run, script, tty):
    container = run(script, tty=tty, wait=False)
    stream = open_log_stream(client.api, container.id, tail="all", follow=True)
    batches: list[list[LogChunk]] = []
    reader = threading.Thread(target=lambda: batches.extend(stream), daemon=True)
    reader.start()
    time.sleep(0.5)  # the reader is now blocked waiting for output
    assert reader.is_alive()
    started = time.monotonic()
    stream.close()
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert time.monotonic() - started < 2
    assert stream.closed and stream.error is None
    if "tick" in script:
        assert batches and batches[0][0].data.startswith(b"tick")
    assert ended_reason(client.api, container.id) == "running"


@pytest.mark.engine
def test_close_before_reading(client, run):
    container = run("echo hi")
    stream = open_log_stream(client.api, container.id, tail="all", follow=False)
    stream.close()
    assert list(stream) == []


@pytest.mark.engine
def test_resume_with_since_repeats_nothing(client, run):
    container = run("for i in 1 2 3 4 5; do echo $i; sleep 0.01; done")
    lines = _read_lines(open_log_stream(client.api, container.id, tail="all", follow=False))
    resumed = _read_lines(open_log_stream(client.api, container.id, tail="all", follow=False,
                                          since=lines[2].timestamp))
    assert [line.plain for line in resumed] == ["4", "5"]


@pytest.mark.engine
def test_missing_container_raises(client):
    with pytest.raises(docker.errors.NotFound):
        open_log_stream(client.api, "dockui-no-such-container-xyz")
