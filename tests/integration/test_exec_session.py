"""The interactive shell bridge, on a real engine and a real pseudo-terminal.

Sessions run in a child process on a pty (ptyprocess), as a user would run them: typed
keys go in, the terminal's bytes come out, and the child reports its exit code and whether
its terminal attributes came back unchanged.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import select
import shutil
import socket
import sys
import tarfile
import tempfile
import termios
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import docker
import docker.errors
import paramiko
import pytest
from ptyprocess import PtyProcess

from dockui.engine.exec_session import (
    ALT_SCREEN_LEAVE,
    NO_SHELL_MESSAGE,
    TERMINAL_RESET,
    ContainerNotRunning,
    ContainerPaused,
    NoShellError,
    login_shell,
    open_stream,
    pick_shell,
    run_shell,
)
from tests.support.images import static_busybox
from tests.support.socket_proxy import SocketProxy

ROOT = Path(__file__).resolve().parents[2]
NOSHELL_IMAGE = "dockui-test/noshell:latest"
PROMPT = rb"/ # "
_HOST = os.environ.get("DOCKER_HOST", "")
LOCAL_ENGINE = _HOST[len("unix://"):] if _HOST.startswith("unix://") else "/var/run/docker.sock"
"""The engine socket the test ssh server forwards to."""

# Runs run_shell on its pty and reports, after it returns: the result (exit code or error
# class), whether termios attributes are identical, and whether our SIGWINCH handler is back.
CHILD = r"""
import signal, sys, termios
import docker
from dockui.engine.exec_session import ExecError, run_shell

def on_winch(signum, frame):
    pass

signal.signal(signal.SIGWINCH, on_winch)
if len(sys.argv) > 2:
    api = docker.APIClient(base_url=sys.argv[2], use_ssh_client="ssh-client" in sys.argv[3:])
else:
    api = docker.from_env().api
before = termios.tcgetattr(0)
try:
    result = run_shell(api, sys.argv[1])
except ExecError as exc:
    result = type(exc).__name__
tty = "SAME" if termios.tcgetattr(0) == before else "CHANGED"
winch = "KEPT" if signal.getsignal(signal.SIGWINCH) is on_winch else "LOST"
print(f"\nRESULT {result} TTY {tty} WINCH {winch}")
"""


class PtySession:
    """A child process on a pseudo-terminal, read with expect-style helpers."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "TERM": "xterm", **(env or {})}
        self.proc = PtyProcess.spawn(argv, cwd=str(ROOT), env=env, dimensions=(24, 80))
        self.output = b""
        self.ended = False
        self._seen = 0

    def send(self, data: bytes) -> None:
        """Type ``data``."""
        self.proc.write(data)

    def expect(self, pattern: bytes, timeout: float = 20) -> re.Match[bytes]:
        """Wait for ``pattern`` in the output not matched yet; fail with the output so far."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.output, self._seen)
            if match:
                self._seen = match.end()
                return match
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                pytest.fail(f"no {pattern!r} in the session's output: {self.output[-800:]!r}")

    def wait(self, timeout: float = 20) -> int:
        """Read to the end of the output and return the exit status."""
        deadline = time.monotonic() + timeout
        while not self.ended:
            if not self._read(deadline - time.monotonic()) and not self.ended:
                pytest.fail(f"the session did not end: {self.output[-800:]!r}")
        return self.proc.wait()

    def close(self) -> None:
        if self.proc.isalive():
            self.proc.terminate(force=True)

    def _read(self, timeout: float) -> bool:
        """Read what arrives within ``timeout``; False if nothing did (or the output ended)."""
        if timeout <= 0 or not select.select([self.proc.fd], [], [], timeout)[0]:
            return False
        try:
            self.output += self.proc.read(65536)
        except EOFError:
            self.ended = True
            return False
        return True


@pytest.fixture
def spawn() -> Iterator:
    sessions: list[PtySession] = []

    def start(argv: list[str], env: dict[str, str] | None = None) -> PtySession:
        sessions.append(PtySession(argv, env))
        return sessions[-1]

    yield start
    for session in sessions:
        session.close()


@pytest.fixture
def shell_container(make_container):
    return make_container()


@pytest.fixture
def api(docker_client):
    return docker_client.api


def _module_session(spawn, container_id: str, *args: str) -> PtySession:
    return spawn([sys.executable, "-m", "dockui.engine.exec_session", container_id, *args])


def _child_session(spawn, container_id: str, *url_and_flags: str,
                   env: dict[str, str] | None = None) -> PtySession:
    """The CHILD script on a pty; the engine is ``DOCKER_HOST``'s unless a URL is given."""
    return spawn([sys.executable, "-c", CHILD, container_id, *url_and_flags], env)


def _wait_for_process(container, stat: str = "", gone: bool = False, timeout: float = 10):
    """Wait until ``sleep 100`` runs in ``container`` (in state ``stat``), or is gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = container.top(ps_args="-o pid,stat,args")["Processes"] or []
        found = any("sleep 100" in row[-1] and row[1].startswith(stat) for row in rows)
        if found != gone:
            return
        time.sleep(0.05)
    pytest.fail(f"sleep 100 {'still there' if gone else 'never showed'}: {rows}")


def _put_files(container, files: dict[str, str], links: dict[str, str] | None = None) -> None:
    """Put files (and symlinks) into a container through the archive API."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
        for path, target in (links or {}).items():
            info = tarfile.TarInfo(path.lstrip("/"))
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    assert container.put_archive("/", buffer.getvalue())


# --- Sessions on a pty -----------------------------------------------------------------------


@pytest.mark.engine
def test_shell_computes_follows_resizes_and_returns_exit_code(spawn, shell_container):
    session = _module_session(spawn, shell_container.id)
    session.expect(PROMPT)
    session.send(b"echo $((6*7))\r")
    session.expect(rb"\n42\r\n")
    session.send(b"stty size\r")
    session.expect(rb"\n24 80\r\n")

    lflag = termios.tcgetattr(session.proc.fd)[3]
    assert not lflag & (termios.ECHO | termios.ICANON | termios.ISIG), "not in raw mode"

    session.proc.setwinsize(40, 120)
    session.send(b"stty size\r")
    session.expect(rb"\n40 120\r\n")
    session.send(b"exit 3\r")
    assert session.wait() == 3
    tail = session.output[session.output.rindex(b"exit 3"):]
    assert TERMINAL_RESET in tail
    assert ALT_SCREEN_LEAVE not in tail, "left an alternate screen nobody entered"


@pytest.mark.engine
def test_control_keys_signal_the_container_not_the_session(spawn, shell_container):
    session = _module_session(spawn, shell_container.id)
    session.expect(PROMPT)
    for key in (b"\x03", b"\x1c"):  # Ctrl-C, Ctrl-\ end the sleep in the container, not us
        session.send(b"sleep 100\r")
        _wait_for_process(shell_container)
        session.send(key)
        _wait_for_process(shell_container, gone=True)
        assert session.proc.isalive()
        session.send(b"echo ali''ve\r")
        session.expect(rb"\nalive\r\n")

    session.send(b"sleep 100\r")
    _wait_for_process(shell_container)
    session.send(b"\x1a")  # Ctrl-Z stops the sleep in the container, not us
    _wait_for_process(shell_container, stat="T")
    session.expect(rb"Stopped")
    assert session.proc.isalive()
    session.send(b"fg\r")
    _wait_for_process(shell_container, stat="S")
    session.send(b"\x03")
    _wait_for_process(shell_container, gone=True)
    session.send(b"exit 5\r")
    assert session.wait() == 5


@pytest.mark.engine
def test_terminal_attributes_and_winch_handler_come_back(spawn, shell_container):
    session = _child_session(spawn, shell_container.id)
    session.expect(PROMPT)
    session.send(b"printf '\\033[?1049h'; exit 4\r")  # leaves the alternate screen on
    session.expect(rb"RESULT 4 TTY SAME WINCH KEPT")
    assert TERMINAL_RESET + ALT_SCREEN_LEAVE in session.output
    assert session.wait() == 0


@pytest.mark.engine
def test_dropped_connection_restores_the_terminal(spawn, shell_container, tmp_path):
    proxy = SocketProxy(tmp_path / "e.sock")
    proxy.start()
    try:
        session = _child_session(spawn, shell_container.id, proxy.url)
        session.expect(PROMPT)
    finally:
        proxy.stop()
    session.expect(rb"RESULT SessionLost TTY SAME WINCH KEPT")
    assert TERMINAL_RESET in session.output


@pytest.mark.engine
def test_shell_over_the_ssh_client_transport(spawn, shell_container, tmp_path):
    """``use_ssh_client=True``: docker-py talks through an ``ssh`` subprocess's pipes."""
    if shutil.which("docker") is None:
        pytest.skip("needs the docker CLI for `docker system dial-stdio`")
    fake_ssh = tmp_path / "ssh"
    fake_ssh.write_text("#!/bin/sh\nexec docker system dial-stdio\n")
    fake_ssh.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}"}
    _ssh_session_checks(_child_session(spawn, shell_container.id, "ssh://dockui@localhost",
                                       "ssh-client", env=env))


@pytest.mark.engine
def test_shell_over_paramiko_ssh(spawn, shell_container, paramiko_engine):
    """docker-py's built-in ssh client: the exec socket is a paramiko channel."""
    url, home = paramiko_engine
    _ssh_session_checks(_child_session(spawn, shell_container.id, url, env={"HOME": home}))


def _ssh_session_checks(session: PtySession) -> None:
    session.expect(PROMPT)
    session.send(b"echo $((6*7))\r")
    session.expect(rb"\n42\r\n")
    session.proc.setwinsize(40, 120)
    session.send(b"stty size\r")
    session.expect(rb"\n40 120\r\n")
    session.send(b"exit 3\r")
    session.expect(rb"RESULT 3 TTY SAME WINCH KEPT")


# --- In-process: no terminal, a given command -------------------------------------------------


@pytest.mark.engine
def test_run_shell_on_pipes_runs_the_given_command(api, shell_container):
    """No terminal: input comes from a pipe, output goes to one."""
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    output = bytearray()

    def type_after_prompt() -> None:
        # Typed ahead of the shell's start, input can be lost in its terminal set-up, as on a
        # real terminal: type once the prompt shows. The pipe's end is sent as a Ctrl-D.
        typed = False
        while data := os.read(stdout_read, 65536):
            output.extend(data)
            if not typed and re.search(PROMPT, output):
                os.write(stdin_write, b"echo got-$((2*3)); exit 6\n")
                os.close(stdin_write)
                typed = True

    reader = threading.Thread(target=type_after_prompt, daemon=True)
    reader.start()
    try:
        code = run_shell(api, shell_container.id, ["/bin/sh"], stdin_fd=stdin_read,
                         stdout_fd=stdout_write)
    finally:
        os.close(stdout_write)
        reader.join(10)
        os.close(stdin_read)
        os.close(stdout_read)
    assert code == 6
    assert b"got-6\r\n" in output
    assert output.endswith(TERMINAL_RESET)


# --- Choosing the shell ------------------------------------------------------------------------


@pytest.mark.engine
def test_pick_shell_on_busybox_is_bin_sh(api, shell_container):
    assert pick_shell(api, shell_container.id) == ["/bin/sh"]


@pytest.mark.engine
def test_pick_shell_prefers_bash_and_follows_symlinks(api, make_container):
    container = make_container()
    _put_files(container, {}, links={"/bin/bash": "/bin/busybox"})
    assert pick_shell(api, container.id) == ["/bin/bash"]
    dangling = make_container()
    _put_files(dangling, {}, links={"/bin/bash": "/bin/nothing-here"})
    assert pick_shell(api, dangling.id) == ["/bin/sh"]


@pytest.mark.engine
@pytest.mark.parametrize(("user", "passwd", "expected"), [
    ("", "root:x:0:0:root:/root:/bin/ash\n", "/bin/ash"),
    ("", "root:x:0:0:root:/root:/sbin/nologin\n", "/bin/sh"),
    ("", "root:x:0:0:root:/root:/bin/zsh\n", "/bin/sh"),  # named but not installed
    ("1000", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/ash\n", "/bin/ash"),
    ("app:app", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/ash\n", "/bin/ash"),
])
def test_pick_shell_uses_the_login_shell_of_the_container_user(api, make_container, user,
                                                               passwd, expected):
    # Files first: the engine resolves a user name in /etc/passwd when it starts the container.
    container = make_container(user=user or None, start=False)
    _put_files(container, {"/etc/passwd": passwd, "/etc/group": "root:x:0:\napp:x:1000:\n"})
    container.start()
    assert pick_shell(api, container.id) == [expected]


@pytest.mark.engine
def test_no_shell_is_a_plain_error(api, noshell_container):
    with pytest.raises(NoShellError, match="no shell") as info:
        pick_shell(api, noshell_container.id)
    assert str(info.value) == NO_SHELL_MESSAGE
    with pytest.raises(NoShellError):
        run_shell(api, noshell_container.id)


@pytest.mark.engine
def test_stopped_and_paused_containers_are_refused(api, make_container):
    stopped = make_container(start=False)
    with pytest.raises(ContainerNotRunning, match="is not running") as info:
        pick_shell(api, stopped.id)
    assert info.value.container_id == stopped.id
    with pytest.raises(ContainerNotRunning):
        run_shell(api, stopped.id, ["/bin/sh"])

    paused = make_container()
    paused.pause()
    try:
        with pytest.raises(ContainerPaused, match="paused"):
            run_shell(api, paused.id)
    finally:
        paused.unpause()


@pytest.mark.parametrize(("user", "expected"), [
    ("", "/bin/bash"),
    ("root", "/bin/bash"),
    ("0:0", "/bin/bash"),
    ("app", "/bin/zsh"),
    ("1000", "/bin/zsh"),
    ("daemon", None),  # /usr/sbin/nologin
    ("nobody", None),  # /bin/false
    ("ghost", None),
])
def test_login_shell_reads_passwd(user, expected):
    passwd = ("root:x:0:0:root:/root:/bin/bash\n"
              "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
              "broken line\n"
              "nobody:x:65534:65534::/:/bin/false\n"
              "app:x:1000:1000::/home/app:/bin/zsh\n")
    assert login_shell(passwd, user) == expected


def test_output_read_along_with_the_upgrade_headers_is_not_lost():
    """docker-py parses the 101 answer through a buffered reader, which may read past it."""
    ours, engine = socket.socketpair()
    engine.sendall(b"HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n/ # ")
    reader = ours.makefile("rb")
    while reader.readline() != b"\r\n":
        pass
    raw = reader.raw  # what exec_start(socket=True) returns for unix:// and tcp://
    raw._response = SimpleNamespace(raw=SimpleNamespace(_fp=SimpleNamespace(fp=reader)))
    stream = open_stream(raw)
    try:
        assert stream.readahead == b"/ # "
        engine.sendall(b"echo")
        assert stream.recv() == b"echo"
        assert open_stream(raw).readahead == b"", "an empty buffer must not block"
    finally:
        stream.close()
        engine.close()


def test_terminal_reset_switches_off_what_a_shell_may_leave_on():
    for sequence in (b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?1002l", b"\x1b[?1003l",
                     b"\x1b[?1006l", b"\x1b[?2004l", b"\x1b(B", b"\x1b[0m"):
        assert sequence in TERMINAL_RESET
    assert ALT_SCREEN_LEAVE not in TERMINAL_RESET


# --- Fixtures: an image without a shell, an ssh server in front of the engine -----------------


@pytest.fixture(scope="session")
def noshell_image(docker_client) -> str:
    """FROM scratch with only a static busybox at /busybox: no /bin/sh, no /bin/bash."""
    try:
        docker_client.images.get(NOSHELL_IMAGE)
    except docker.errors.ImageNotFound:
        with tempfile.TemporaryDirectory() as context:
            shutil.copy(static_busybox(), Path(context) / "busybox")
            (Path(context) / "Dockerfile").write_text("FROM scratch\nCOPY busybox /busybox\n")
            docker_client.images.build(path=context, tag=NOSHELL_IMAGE, rm=True, forcerm=True)
    return NOSHELL_IMAGE


@pytest.fixture
def noshell_container(docker_client, noshell_image):
    container = docker_client.containers.run(
        noshell_image, ["/busybox", "sleep", "3600"], detach=True,
        name=f"dockui-test-{uuid.uuid4().hex[:8]}", labels={"dockui.test": "1"})
    yield container
    container.remove(force=True)


class _DialStdioServer(paramiko.ServerInterface):
    """Accepts one client key; every exec request is `docker system dial-stdio`."""

    def __init__(self, client_key: paramiko.PKey) -> None:
        self.client_key = client_key

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if key.get_base64() == self.client_key.get_base64():
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        threading.Thread(target=_dial_stdio, args=(channel,), daemon=True).start()
        return True


def _dial_stdio(channel: paramiko.Channel) -> None:
    engine = socket.socket(socket.AF_UNIX)
    engine.connect(LOCAL_ENGINE)
    watched: list = [channel, engine]
    try:
        while True:
            readable = select.select(watched, [], [])[0]
            if channel in readable:
                data = channel.recv(65536)
                if data:
                    engine.sendall(data)
                else:  # the client half-closed: pass it on, keep the answers coming
                    engine.shutdown(socket.SHUT_WR)
                    watched.remove(channel)
            if engine in readable:
                data = engine.recv(65536)
                if not data:
                    return
                channel.sendall(data)
    except (OSError, EOFError):  # paramiko raises EOFError on a closed channel
        return
    finally:
        with contextlib.suppress(OSError, EOFError):  # the transport may be gone already
            channel.close()
        engine.close()


@pytest.fixture
def paramiko_engine(tmp_path) -> Iterator[tuple[str, str]]:
    """An SSH server on localhost in front of the local engine; yields (url, HOME to use)."""
    if not os.path.exists(LOCAL_ENGINE):
        pytest.skip(f"the ssh server forwards to a local engine socket: no {LOCAL_ENGINE}")
    host_key, client_key = paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    ssh_dir = tmp_path / ".ssh"
    ssh_dir.mkdir()
    client_key.write_private_key_file(str(ssh_dir / "id_ecdsa"))
    (ssh_dir / "known_hosts").write_text(
        f"[127.0.0.1]:{port} {host_key.get_name()} {host_key.get_base64()}\n")
    (ssh_dir / "config").write_text(f"Host 127.0.0.1\n  IdentityFile {ssh_dir}/id_ecdsa\n")
    transports: list[paramiko.Transport] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(host_key)
            transport.start_server(server=_DialStdioServer(client_key))
            transports.append(transport)

    threading.Thread(target=serve, daemon=True).start()
    yield f"ssh://dockui@127.0.0.1:{port}", str(tmp_path)
    listener.close()
    for transport in transports:
        transport.close()
