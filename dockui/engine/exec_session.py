"""An interactive shell in a running container, bridged to the local terminal.

Everything goes through docker-py (no docker CLI needed, and remote engines over ``ssh://``
or ``tcp://`` work): the exec is created with a TTY, its hijacked connection is copied to and
from the local terminal in raw mode, and the window size follows the local one. The caller
(the app, inside ``App.suspend()``) gets the shell's exit code back and a terminal exactly as
it was.

Manual test::

    python -m dockui.engine.exec_session CONTAINER [CMD...]
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import os
import posixpath
import select
import signal
import socket
import ssl
import sys
import tarfile
import time
from collections.abc import Iterator
from typing import Any

import docker
import docker.errors
import requests.exceptions
from docker.utils import decode_json_header

from dockui.engine.sanitize import clean

try:
    import termios
    import tty
except ImportError:  # Windows: the module imports, run_shell says it cannot work there
    termios = tty = None  # type: ignore[assignment]

TERMINAL_RESET = (
    b"\x1b[0m"  # SGR reset: no colour or attribute bleeds into what comes next
    b"\x1b(B\x0f"  # G0 is ASCII and selected: no line-drawing characters left on
    b"\x1b[?25h"  # show the cursor
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l"  # mouse reports off
    b"\x1b[?1004l"  # focus reports off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?1l\x1b>"  # normal cursor keys and keypad
    b"\x1b[?7h"  # line wrap on
    b"\x1b[<u"  # pop a kitty keyboard mode a killed editor may have pushed
)
"""What a shell (or a program killed inside it) may have left on, switched back off.

The alternate screen is not in here: leaving it (``ESC[?1049l``) also restores a saved cursor,
which jumps when nobody saved one. :func:`run_shell` leaves it only when the shell's output
entered it and did not leave it.
"""

ALT_SCREEN_LEAVE = b"\x1b[?1049l"
EOT = b"\x04"
SHELL_FALLBACKS = ("/bin/bash", "/bin/sh")
NO_SHELL_MESSAGE = ("this image has no shell (/bin/bash, /bin/sh): "
                    "it may be distroless or FROM scratch")
NOT_LOGIN_SHELLS = frozenset({"nologin", "false", "true"})
"""Login shells that only refuse the login: skip them and fall back to a real shell."""

READ_SIZE = 65536
IDLE_TICK = 0.25
"""Seconds between loop turns when nothing happens (resizes are also polled then)."""
RESIZE_RETRY_TICK = 0.02
RESIZE_ATTEMPTS = 25
"""The exec process may not exist yet right after start: retry a first resize this often."""
EXIT_WAIT = 2.0
"""Seconds to wait for the engine to record the exit code once the stream has closed."""
PASSWD_LIMIT = 1 << 20
SYMLINK_HOPS = 8

# Go's os.FileMode bits, as the engine reports them in an archive stat.
GO_MODE_DIR = 1 << 31
GO_MODE_SYMLINK = 1 << 27
GO_MODE_SPECIAL = (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)
"""Device, named pipe, socket, character device, irregular."""
GO_MODE_TYPE = GO_MODE_DIR | GO_MODE_SYMLINK | GO_MODE_SPECIAL


class ExecError(Exception):
    """A shell could not be started or kept; ``str()`` is a message fit for a user."""


class ContainerNotRunning(ExecError):
    """The container is stopped (or restarting): it must be started first."""

    def __init__(self, container_id: str, message: str) -> None:
        super().__init__(message)
        self.container_id = container_id


class ContainerPaused(ExecError):
    """The container is paused: it must be unpaused first."""

    def __init__(self, container_id: str, message: str) -> None:
        super().__init__(message)
        self.container_id = container_id


class NoShellError(ExecError):
    """The image has no usable shell (distroless, FROM scratch)."""


class SessionLost(ExecError):
    """The connection to the shell broke before the engine reported an exit code."""


# --- Choosing the shell --------------------------------------------------------------------


def pick_shell(api: Any, container_id: str) -> list[str]:
    """The command for an interactive shell in a running container.

    The container user's login shell when ``/etc/passwd`` names one, else ``/bin/bash``, else
    ``/bin/sh``. Files are checked through the archive API, which needs no shell at all.

    Args:
        api: A ``docker.APIClient`` (or a ``docker.DockerClient``).
        container_id: The container's id or name.

    Returns:
        The shell's argv, e.g. ``["/bin/sh"]``.

    Raises:
        ContainerNotRunning: The container is not running.
        ContainerPaused: The container is paused.
        NoShellError: No shell is present.
    """
    api = _low_level(api)
    return _pick_shell(api, _running_container(api, container_id))


def login_shell(passwd: str, user: str) -> str | None:
    """The login shell ``passwd`` gives ``user``, unless it is a refusal like ``nologin``.

    Args:
        passwd: The text of an ``/etc/passwd`` file.
        user: A user name or numeric uid, as in a container's ``Config.User`` (a ``:group``
            part is ignored; empty means root).
    """
    user = user.split(":", 1)[0] or "0"
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) < 7 or user not in (fields[0], fields[2]):
            continue
        shell = fields[6].strip()
        if shell.startswith("/") and posixpath.basename(shell) not in NOT_LOGIN_SHELLS:
            return shell
        return None
    return None


def _pick_shell(api: Any, info: dict) -> list[str]:
    container_id = info["Id"]
    user = (info.get("Config") or {}).get("User") or ""
    login = login_shell(_read_text(api, container_id, "/etc/passwd"), user)
    for path in (login, *SHELL_FALLBACKS):
        if path and _is_executable(api, container_id, path):
            return [path]
    raise NoShellError(NO_SHELL_MESSAGE)


def _is_executable(api: Any, container_id: str, path: str) -> bool:
    stat = _resolve(api, container_id, path)
    return stat is not None and not stat["mode"] & GO_MODE_TYPE and bool(stat["mode"] & 0o111)


def _resolve(api: Any, container_id: str, path: str) -> dict | None:
    """The stat of ``path`` with symlinks followed (busybox's /bin/sh is one), or None."""
    for _ in range(SYMLINK_HOPS):
        stat = _stat(api, container_id, path)
        if stat is None or not stat.get("mode", 0) & GO_MODE_SYMLINK:
            return stat
        target = stat.get("linkTarget") or ""
        if not target:
            return None
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return None


def _stat(api: Any, container_id: str, path: str) -> dict | None:
    # HEAD on the archive endpoint returns only the stat header: no file content travels,
    # which matters for a 2 MB busybox over ssh. docker-py has no method for it.
    response = api.head(api._url("/containers/{0}/archive", container_id),
                        params={"path": path}, timeout=api.timeout)
    with response:
        if response.status_code == 404:
            return None
        api._raise_for_status(response)
        stat = decode_json_header(response.headers["X-Docker-Container-Path-Stat"])
    stat["path"] = path
    return stat


def _read_text(api: Any, container_id: str, path: str) -> str:
    """A small text file from the container, or "" when it is missing or too big."""
    stat = _resolve(api, container_id, path)
    if stat is None or stat["mode"] & GO_MODE_TYPE or stat.get("size", 0) > PASSWD_LIMIT:
        return ""
    try:
        stream, _ = api.get_archive(container_id, stat["path"])
    except docker.errors.NotFound:
        return ""
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
        member = next((m for m in archive.getmembers() if m.isfile()), None)
        data = archive.extractfile(member).read() if member else b""
    return data.decode("utf-8", "replace")


# --- Container state -----------------------------------------------------------------------


def _running_container(api: Any, container_id: str) -> dict:
    """The container's inspect data, or the error that says why no exec is possible."""
    info = api.inspect_container(container_id)
    state = info.get("State") or {}
    name = clean((info.get("Name") or container_id).lstrip("/"))
    if state.get("Paused"):
        raise ContainerPaused(info["Id"], f"{name} is paused: unpause it first")
    if state.get("Restarting"):
        raise ContainerNotRunning(info["Id"], f"{name} is restarting: wait until it runs")
    if not state.get("Running"):
        raise ContainerNotRunning(info["Id"], f"{name} is not running")
    return info


def _create_exec(api: Any, info: dict, cmd: list[str]) -> str:
    environment = {"TERM": os.environ.get("TERM") or "xterm"}
    try:
        return api.exec_create(info["Id"], cmd, tty=True, stdin=True,
                               environment=environment)["Id"]
    except docker.errors.APIError as exc:
        # The container may have stopped or paused since it was inspected.
        if exc.status_code == 409:
            text = clean(exc.explanation)
            kind = ContainerPaused if "paused" in text else ContainerNotRunning
            raise kind(info["Id"], text) from exc
        raise


def _exit_code(api: Any, exec_id: str) -> int:
    # The stream can close a moment before the engine records the exit code.
    deadline = time.monotonic() + EXIT_WAIT
    while True:
        try:
            info = api.exec_inspect(exec_id)
        except (docker.errors.APIError, requests.exceptions.RequestException) as exc:
            raise SessionLost(f"the connection to the shell was lost: {clean(exc)}") from exc
        if not info.get("Running") and info.get("ExitCode") is not None:
            return int(info["ExitCode"])
        if time.monotonic() > deadline:
            raise SessionLost("the connection to the shell was lost while it was still running")
        time.sleep(0.02)


def _low_level(api: Any) -> Any:
    """Accept a ``DockerClient`` too: its ``.api`` is the ``APIClient`` this module needs."""
    return getattr(api, "api", api)


# --- The hijacked connection ---------------------------------------------------------------


class ExecStream:
    """The exec's hijacked connection as one selectable duplex byte stream.

    With ``tty=True`` the engine sends raw bytes, no multiplexing frame headers. docker-py
    hands back a different object per transport; :func:`open_stream` picks the subclass.
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.readahead = _take_readahead(raw)
        """Output the HTTP parser buffered past the 101 headers: write it out first."""

    def fileno(self) -> int:
        """A file descriptor that is readable when :meth:`recv` will not block."""
        return self.raw.fileno()

    def pending(self) -> bool:
        """Whether bytes are buffered above the descriptor, where select cannot see them."""
        return False

    def recv(self) -> bytes:
        """Up to :data:`READ_SIZE` bytes; ``b""`` at the end of the stream."""
        return self.raw.recv(READ_SIZE)

    def sendall(self, data: bytes) -> None:
        """Send all of ``data`` to the shell."""
        self.raw.sendall(data)

    def shutdown_write(self) -> None:
        """Half-close: no more input, the output still comes back.

        Only a non-TTY exec reads this as end of file. For a TTY exec the engine takes it as
        a detach (output closed, process left running), so :func:`run_shell` sends Ctrl-D.
        """
        self.raw.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        """Close the connection and the HTTP response that holds it."""
        response = getattr(self.raw, "_response", None)
        with contextlib.suppress(Exception):
            if response is not None:
                response.close()
        with contextlib.suppress(Exception):
            self.raw.close()


class _SocketStream(ExecStream):
    """A plain or TLS socket: unix://, tcp:// and https:// engines."""

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        # For unix and tcp docker-py returns the SocketIO wrapper; recv needs the socket.
        self.sock = raw._sock if isinstance(raw, socket.SocketIO) else raw
        # The connection is ours alone now: a request timeout would only break a quiet shell.
        self.sock.settimeout(None)

    def fileno(self) -> int:
        return self.sock.fileno()

    def pending(self) -> bool:
        return isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0

    def recv(self) -> bytes:
        return self.sock.recv(READ_SIZE)

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)

    def shutdown_write(self) -> None:
        # SSLSocket.shutdown() drops the TLS layer for reading too, and Python has no TLS
        # half-close: over TLS the shell keeps its stdin until it exits by itself.
        if not isinstance(self.sock, ssl.SSLSocket):
            self.sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        super().close()
        with contextlib.suppress(Exception):
            self.sock.close()


class _ChannelStream(ExecStream):
    """A paramiko channel: ssh:// engines with docker-py's built-in ssh client."""

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        raw.settimeout(None)  # as for sockets: a quiet shell is not a dead connection

    def shutdown_write(self) -> None:
        self.raw.shutdown_write()


class _PipeStream(ExecStream):
    """The pipes of an ``ssh`` subprocess: ssh:// engines with ``use_ssh_client=True``."""

    def fileno(self) -> int:
        return self.raw.proc.stdout.fileno()

    def recv(self) -> bytes:
        # SSHSocket.recv is a buffered read(n) that waits for n bytes: read the pipe instead.
        return os.read(self.fileno(), READ_SIZE)

    def shutdown_write(self) -> None:
        self.raw.proc.stdin.close()

    def close(self) -> None:
        proc = self.raw.proc
        # Close stdin first: SSHSocket.close() would otherwise type two newlines to the shell.
        with contextlib.suppress(Exception):
            proc.stdin.close()
        super().close()
        with contextlib.suppress(Exception):
            proc.terminate()
            proc.wait(timeout=2)


def open_stream(raw: Any) -> ExecStream:
    """Wrap what ``api.exec_start(..., socket=True)`` returned for the copy loop.

    Raises:
        ExecError: The transport is not supported (Windows named pipes).
    """
    if isinstance(raw, socket.socket) and getattr(raw, "proc", None) is not None:
        return _PipeStream(raw)
    if isinstance(raw, (socket.socket, socket.SocketIO)):
        return _SocketStream(raw)
    if hasattr(raw, "shutdown_write") and hasattr(raw, "recv"):
        return _ChannelStream(raw)
    raise ExecError(f"an interactive shell is not supported over {type(raw).__name__}")


def _take_readahead(raw: Any) -> bytes:
    """Bytes the HTTP response reader buffered past the 101 headers, which recv never sees."""
    response = getattr(raw, "_response", None)
    reader = getattr(getattr(getattr(response, "raw", None), "_fp", None), "fp", None)
    if isinstance(reader, io.BufferedReader):
        return _drain_buffered(reader)
    buffered = getattr(reader, "_rbuffer", None)  # paramiko's ChannelFile
    if buffered:
        reader._rbuffer = type(buffered)()
        return bytes(buffered)
    return b""


def _drain_buffered(reader: io.BufferedReader) -> bytes:
    # peek() returns the buffer, or does one read of the raw stream when it is empty: made
    # non-blocking, that read gives nothing instead of waiting for the shell to speak.
    try:
        with _nonblocking(reader.raw):
            data = reader.peek()
    except (BlockingIOError, ssl.SSLWantReadError, ValueError):
        return b""
    return reader.read(len(data)) if data else b""


@contextlib.contextmanager
def _nonblocking(raw_io: Any) -> Iterator[None]:
    sock = getattr(raw_io, "_sock", None)
    if isinstance(sock, socket.socket):
        timeout = sock.gettimeout()
        sock.settimeout(0)
        try:
            yield
        finally:
            sock.settimeout(timeout)
        return
    fd = raw_io.fileno()
    blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        yield
    finally:
        os.set_blocking(fd, blocking)


# --- The local terminal --------------------------------------------------------------------


@contextlib.contextmanager
def _raw_terminal(fd: int) -> Iterator[None]:
    """Raw mode (no echo, no line editing, no ISIG) for the block; attributes restored after.

    With ISIG off, Ctrl-C, Ctrl-Z and Ctrl-\\ are plain bytes that go to the container's
    terminal, which turns them into signals there.
    """
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd, termios.TCSANOW)  # TCSANOW keeps type-ahead for the shell
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class _ResizeSignal:
    """Wake the copy loop on SIGWINCH through a self-pipe; the previous handler comes back."""

    def __init__(self) -> None:
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._installed = False
        self._previous: Any = None

    def __enter__(self) -> _ResizeSignal:
        try:
            self._previous = signal.signal(signal.SIGWINCH, self._on_signal)
            self._installed = True
        except ValueError:
            pass  # not the main thread: the loop polls the size on every tick instead
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._installed:
            previous = self._previous if self._previous is not None else signal.SIG_DFL
            signal.signal(signal.SIGWINCH, previous)
        os.close(self._read_fd)
        os.close(self._write_fd)

    def fileno(self) -> int:
        """The pipe end that is readable after a SIGWINCH."""
        return self._read_fd

    def drain(self) -> None:
        """Empty the pipe so the next select waits again."""
        with contextlib.suppress(BlockingIOError):
            while os.read(self._read_fd, 512):
                pass

    def _on_signal(self, signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.write(self._write_fd, b"\0")


class _Resizer:
    """Keep the exec's TTY size equal to the local terminal's."""

    def __init__(self, api: Any, exec_id: str, fds: tuple[int, ...]) -> None:
        self._api = api
        self._exec_id = exec_id
        self._fds = fds
        self._sent: os.terminal_size | None = None
        self._tried: os.terminal_size | None = None
        self._failures = 0

    @property
    def retrying(self) -> bool:
        """A resize failed and will be tried again soon."""
        return 0 < self._failures < RESIZE_ATTEMPTS

    def sync(self) -> None:
        """Send the local size if it changed; a failure is retried on the next calls."""
        size = _terminal_size(self._fds)
        if size is None or size == self._sent:
            return
        if size != self._tried:
            self._tried, self._failures = size, 0
        if self._failures >= RESIZE_ATTEMPTS:
            return
        try:
            self._api.exec_resize(self._exec_id, height=size.lines, width=size.columns)
        except (docker.errors.APIError, requests.exceptions.RequestException):
            self._failures += 1  # the process may not exist yet, or has just exited
            return
        self._sent = size


def _terminal_size(fds: tuple[int, ...]) -> os.terminal_size | None:
    for fd in fds:
        with contextlib.suppress(OSError):
            return os.get_terminal_size(fd)
    return None


class _AltScreen:
    """Follow the shell's output to know whether it left the alternate screen on."""

    ENTER = (b"\x1b[?1049h", b"\x1b[?1047h", b"\x1b[?47h")
    LEAVE = (b"\x1b[?1049l", b"\x1b[?1047l", b"\x1b[?47l")

    def __init__(self) -> None:
        self.active = False
        self._tail = b""

    def feed(self, data: bytes) -> None:
        """Look at the next chunk of output (sequences may straddle chunks)."""
        window = self._tail + data
        entered = max(window.rfind(seq) for seq in self.ENTER)
        left = max(window.rfind(seq) for seq in self.LEAVE)
        if entered != left:
            self.active = entered > left
        self._tail = window[-8:]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            select.select([], [fd], [])  # someone left our stdout non-blocking


def _read_local(fd: int) -> bytes:
    """Local input; ``b""`` at end of file, and when the terminal is gone (EIO)."""
    try:
        return os.read(fd, READ_SIZE)
    except OSError as exc:
        if exc.errno == errno.EIO:
            return b""
        raise


# --- The session ---------------------------------------------------------------------------


def run_shell(api: Any, container_id: str, cmd: list[str] | None = None, *,
              stdin_fd: int = 0, stdout_fd: int = 1) -> int:
    """Run an interactive command in a container on the local terminal, until it exits.

    Blocks. Call it from the main thread (for SIGWINCH) with the terminal handed over, e.g.
    inside Textual's ``App.suspend()``. The terminal's attributes are restored exactly and
    :data:`TERMINAL_RESET` is written, even when the connection drops.

    Args:
        api: A ``docker.APIClient`` (or a ``docker.DockerClient``).
        container_id: The container's id or name.
        cmd: The command; None picks a shell with :func:`pick_shell`.
        stdin_fd: The local terminal's input.
        stdout_fd: The local terminal's output.

    Returns:
        The command's exit code.

    Raises:
        ContainerNotRunning: The container is stopped or restarting.
        ContainerPaused: The container is paused.
        NoShellError: ``cmd`` is None and the image has no shell.
        SessionLost: The connection broke and the exit code is unknown.
        docker.errors.APIError: Any other engine error (e.g. NotFound).
    """
    if termios is None:
        raise ExecError("an interactive shell needs a POSIX terminal")
    api = _low_level(api)
    info = _running_container(api, container_id)
    exec_id = _create_exec(api, info, cmd or _pick_shell(api, info))
    stream = open_stream(api.exec_start(exec_id, socket=True, tty=True))
    _bridge(api, exec_id, stream, stdin_fd, stdout_fd)
    return _exit_code(api, exec_id)


def _bridge(api: Any, exec_id: str, stream: ExecStream, stdin_fd: int, stdout_fd: int) -> None:
    """Copy bytes both ways until the shell's output ends; always leave a sane terminal."""
    alt_screen = _AltScreen()
    try:
        with _raw_terminal(stdin_fd), _ResizeSignal() as winch:
            try:
                resizer = _Resizer(api, exec_id, (stdout_fd, stdin_fd))
                _copy(stream, stdin_fd, stdout_fd, resizer, winch, alt_screen)
            finally:
                # Still raw here: the attributes are restored after, as the last step.
                with contextlib.suppress(OSError):
                    _write_all(stdout_fd, _reset_bytes(alt_screen))
    finally:
        stream.close()


def _reset_bytes(alt_screen: _AltScreen) -> bytes:
    return TERMINAL_RESET + (ALT_SCREEN_LEAVE if alt_screen.active else b"")


def _copy(stream: ExecStream, stdin_fd: int, stdout_fd: int, resizer: _Resizer,
          winch: _ResizeSignal, alt_screen: _AltScreen) -> None:
    resizer.sync()
    if stream.readahead:
        _write_all(stdout_fd, stream.readahead)
    local_open = True
    while True:
        watched = [stream.fileno(), winch.fileno()] + ([stdin_fd] if local_open else [])
        tick = 0 if stream.pending() else RESIZE_RETRY_TICK if resizer.retrying else IDLE_TICK
        readable = select.select(watched, [], [], tick)[0]
        if winch.fileno() in readable:
            winch.drain()
        # Before forwarding input: keys typed after a resize must find the new size.
        resizer.sync()
        if stream.fileno() in readable or stream.pending():
            try:
                data = stream.recv()
            except OSError:
                data = b""  # a dropped connection ends the session like a clean close
            if not data:
                return
            alt_screen.feed(data)
            _write_all(stdout_fd, data)
        if local_open and stdin_fd in readable:
            local_open = _forward_input(stream, stdin_fd)


def _forward_input(stream: ExecStream, stdin_fd: int) -> bool:
    """Send local input to the shell; False once there is no more to send.

    At end of input the shell gets Ctrl-D, what a terminal sends for end of file. Not a
    half-close: for a TTY exec the engine takes that as a detach, closing the output and
    leaving the shell running with nobody attached.
    """
    data = _read_local(stdin_fd)
    try:
        stream.sendall(data or EOT)
    except OSError:
        return False  # the shell's side is closing: its output (or EOF) still comes back
    return bool(data)


# --- Manual testing ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m dockui.engine.exec_session CONTAINER [CMD...]``: exits with the shell's code.

    The engine is the one ``DOCKER_HOST`` (and the other ``DOCKER_*`` variables) name.
    """
    parser = argparse.ArgumentParser(prog="python -m dockui.engine.exec_session",
                                     description="An interactive shell in a container.")
    parser.add_argument("container", help="container id or name")
    parser.add_argument("cmd", nargs=argparse.REMAINDER, help="command (default: a shell)")
    args = parser.parse_args(argv)
    client = None
    try:
        client = docker.from_env()
        return run_shell(client.api, args.container, args.cmd or None)
    except (ExecError, docker.errors.DockerException,
            requests.exceptions.RequestException) as exc:
        text = getattr(exc, "explanation", None) or exc
        print(f"dockui: {clean(text)}", file=sys.stderr)
        return 125
    finally:
        if client is not None:
            client.close()


if __name__ == "__main__":
    sys.exit(main())
