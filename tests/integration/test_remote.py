"""Remote engines for real, on loopback: ssh (paramiko and the ssh client) and TCP with TLS.

The ssh server is Debian's sshd on a free port; ``docker system dial-stdio`` run through it
reaches this machine's engine. The TLS engine is a TLS-terminating proxy in front of the same
engine. Each test's client side lives in a temporary HOME.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from dockui.engine.logstream import open_log_stream
from dockui.engine.options import parse_docker_run
from dockui.engine.remote import (
    SshError,
    preflight,
    ssh_client_command,
    ssh_settings,
)
from dockui.engine.resolve import EngineTarget, resolve_target
from dockui.engine.run import create_and_start
from dockui.engine.service import EngineError, connect
from tests.conftest import SESSION, TEST_LABEL
from tests.support.sshd import SshServer, free_port, keygen, ssh_wrapper
from tests.support.tls_engine import Pki, TlsEngineProxy, make_pki, write_context

FAST = 15.0
"""Generous bound for "fails fast": the machine is shared, but a hang takes minutes."""


# ssh ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = SshServer(tmp_path_factory.mktemp("sshd")).start()
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A temporary HOME (docker-py and dockui read ~/.ssh from it), no agent, paramiko."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("DOCKUI_SSH_CLIENT", raising=False)
    return folder


@pytest.fixture
def system_ssh(tmp_path, monkeypatch):
    """Make `ssh` read $HOME/.ssh/config (OpenSSH itself looks in the passwd home)."""
    wrapper = ssh_wrapper(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{wrapper.parent}:/usr/bin:/bin:/usr/sbin:/sbin")


def _logins(server: SshServer) -> int:
    return server.log().count("Accepted publickey")


def _connect_error(target: EngineTarget, timeout: float = 5.0) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        connect(target, timeout=timeout)
    return str(caught.value), time.monotonic() - started


@pytest.mark.parametrize("ssh_client", [False, True], ids=["paramiko", "ssh-client"])
def test_ssh_engine_lists_and_execs(sshd, home, system_ssh, make_container, ssh_client):
    sshd.client_home(home)
    container = make_container(["sh", "-c", "echo logged over ssh; sleep 3600"])
    engine = connect(EngineTarget(sshd.url, "--host", use_ssh_client=ssh_client), timeout=10)
    try:
        assert engine.info.version.startswith("20.10")
        assert container.name in [c.name for c in engine.containers()]
        exec_id = engine.api.exec_create(container.id, ["echo", "over ssh"])["Id"]
        assert engine.api.exec_start(exec_id).decode().strip() == "over ssh"
        assert b"logged over ssh\n" in _first_log_batch(engine, container.id)
        if ssh_client:
            # Known gap: docker-py's ssh-client pool then hands out a connection whose pipe
            # is closed ("readline of closed file"); paramiko's does not.
            return
        # The run form's create + start, over the same link.
        spec = parse_docker_run(f"docker run -d -e WHERE=remote {container.image.tags[0]} "
                                "sleep 3600", Path("/tmp"), Path("/root"), {})
        run_id = create_and_start(engine.api, spec, {TEST_LABEL: SESSION}, Path("/tmp"))
        try:
            state = engine.api.inspect_container(run_id)
            assert state["State"]["Running"]
            assert "WHERE=remote" in state["Config"]["Env"]
        finally:
            engine.api.remove_container(run_id, force=True)
    finally:
        engine.close()


def test_closing_a_quiet_log_stream_over_ssh_wakes_its_reader(sshd, home, make_container):
    # A reader blocked on a follow that prints nothing must return when the stream is closed
    # (the Logs pane closes it on every switch), and the link must go on working. (Over the
    # system ssh client, docker-py's pool hands out a broken connection after a stream: the
    # known gap of test_ssh_engine_lists_and_execs.)
    sshd.client_home(home)
    container = make_container(["sh", "-c", "echo once; sleep 3600"])
    engine = connect(EngineTarget(sshd.url, "--host"), timeout=10)
    try:
        assert b"once\n" in _first_log_batch(engine, container.id)
        stream = open_log_stream(engine.api, container.id, tail=0)
        done = threading.Event()
        reader = threading.Thread(target=lambda: (list(stream), done.set()), daemon=True)
        reader.start()
        time.sleep(0.5)
        assert not done.is_set()  # blocked: nothing to read
        stream.close()
        assert done.wait(3), "the reader stayed blocked after close"
        assert container.name in [c.name for c in engine.containers()]  # the link still works
    finally:
        engine.close()


def _first_log_batch(engine, container_id: str) -> bytes:
    """Follow the log until its first line: streamed bodies must arrive as they come."""
    deadline = time.monotonic() + FAST
    while time.monotonic() < deadline:
        stream = open_log_stream(engine.api, container_id, tail="all")
        try:
            for batch in stream:
                return b"".join(chunk.data for chunk in batch)
        finally:
            stream.close()
        time.sleep(0.2)  # nothing logged yet
    raise AssertionError(f"no log line within {FAST} s")


@pytest.mark.parametrize("ssh_client", [False, True], ids=["paramiko", "ssh-client"])
def test_unknown_host_key_is_refused_before_login(sshd, home, system_ssh, ssh_client):
    sshd.client_home(home, known=False)
    before = _logins(sshd)
    message, took = _connect_error(EngineTarget(sshd.url, "--host", use_ssh_client=ssh_client))
    assert "unknown" in message
    assert f"ssh-keyscan -p {sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts" in message
    assert took < FAST
    time.sleep(0.2)  # sshd logs after the client is gone
    assert _logins(sshd) == before
    assert (home / ".ssh" / "known_hosts").read_text() == ""  # nothing was added


def test_changed_host_key_is_refused_loudly(sshd, home, tmp_path):
    sshd.client_home(home)
    other = keygen(tmp_path / "other_host_key").with_suffix(".pub").read_text().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{sshd.port} {other[0]} {other[1]}\n")
    message, _ = _connect_error(EngineTarget(sshd.url, "--host"))
    assert "CHANGED" in message
    assert f"ssh-keygen -R '[127.0.0.1]:{sshd.port}'" in message


def test_known_hosts_named_by_the_ssh_config_count(sshd, home, tmp_path):
    elsewhere = tmp_path / "elsewhere_known_hosts"
    elsewhere.write_text(sshd.known_hosts_line())
    sshd.client_home(home, known=False)
    config = home / ".ssh" / "config"
    config.write_text(config.read_text().replace(str(home / ".ssh" / "known_hosts"),
                                                 str(elsewhere)))
    engine = connect(EngineTarget(sshd.url, "--host"), timeout=10)
    engine.close()


@pytest.mark.parametrize("ssh_client", [False, True], ids=["paramiko", "ssh-client"])
def test_a_key_the_server_refuses_fails_fast(sshd, home, system_ssh, tmp_path, ssh_client):
    sshd.client_home(home, key=keygen(tmp_path / "stranger"))
    message, took = _connect_error(EngineTarget(sshd.url, "--host", use_ssh_client=ssh_client))
    assert "login refused for root@127.0.0.1" in message
    assert "never asks for passwords" in message
    assert took < FAST


@pytest.mark.parametrize("ssh_client", [False, True], ids=["paramiko", "ssh-client"])
def test_nothing_listening_is_refused(home, system_ssh, ssh_client):
    url = f"ssh://root@127.0.0.1:{free_port()}"
    message, took = _connect_error(EngineTarget(url, "--host", use_ssh_client=ssh_client))
    assert "connection refused" in message
    assert took < FAST


@pytest.mark.parametrize("ssh_client", [False, True], ids=["paramiko", "ssh-client"])
def test_a_server_that_never_speaks_times_out(home, system_ssh, ssh_client):
    silent = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    url = f"ssh://root@127.0.0.1:{silent.getsockname()[1]}"
    try:
        message, took = _connect_error(
            EngineTarget(url, "--host", use_ssh_client=ssh_client), timeout=2)
    finally:
        silent.close()
        for conn in accepted:
            conn.close()
    assert "no answer from the ssh server" in message
    assert took < FAST


def test_a_remote_without_docker_is_explained(tmp_path, home):
    broken = SshServer(tmp_path / "broken",
                       extra_config="ForceCommand sh -c 'echo nope >&2; exit 127'\n").start()
    try:
        broken.client_home(home)
        message, _ = _connect_error(EngineTarget(broken.url, "--host"))
    finally:
        broken.stop()
    assert "docker system dial-stdio" in message
    assert "docker CLI installed" in message


def test_preflight_checks_ssh_only(sshd, home):
    preflight(EngineTarget("unix:///nowhere.sock", "--host"), 1)  # nothing to check
    sshd.client_home(home)
    preflight(EngineTarget(sshd.url, "--host"), 5)
    sshd.client_home(home, known=False)
    with pytest.raises(SshError, match="ssh-keyscan"):
        preflight(EngineTarget(sshd.url, "--host"), 5)


def test_ssh_settings_follow_the_ssh_config(home):
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir()
    (ssh_dir / "config").write_text(
        "Host box\n  HostName 10.1.2.3\n  Port 2200\n  User builder\n"
        "  IdentityFile ~/.ssh/box_key\n  UserKnownHostsFile ~/.ssh/box_hosts\n"
        "  ProxyJump gate1,gate2\n")
    settings = ssh_settings("ssh://box")
    assert (settings.hostname, settings.port, settings.user) == ("10.1.2.3", 2200, "builder")
    assert settings.identity_files == (str(ssh_dir / "box_key"),)
    assert settings.known_hosts[0] == str(ssh_dir / "box_hosts")
    assert settings.proxy_command is not None
    assert "BatchMode=yes -J gate1 -W %h:%p gate2" in settings.proxy_command
    url_wins = ssh_settings("ssh://root@box:22")
    assert (url_wins.user, url_wins.port) == ("root", 22)


def test_the_ssh_client_never_prompts_nor_trusts_blindly():
    command = ssh_client_command("ssh://me@box:2222", "docker system dial-stdio", 4.2)
    assert command[:1] == ["ssh"]
    for option in ("BatchMode=yes", "StrictHostKeyChecking=yes", "ConnectTimeout=5"):
        assert option in command
    assert command[-4:] == ["2222", "--", "box", "docker system dial-stdio"]


def test_the_ssh_client_can_be_chosen_by_environment():
    target = resolve_target(host="ssh://me@box", environ={"DOCKUI_SSH_CLIENT": "1"})
    assert target.use_ssh_client
    assert target.trust == "ssh, host key verified"
    tcp = resolve_target(host="tcp://box:2375", environ={"DOCKUI_SSH_CLIENT": "1"})
    assert not tcp.use_ssh_client


# TLS -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("other-pki"), "some other CA")


@pytest.fixture(scope="module")
def tls_engine(pki):
    proxy = TlsEngineProxy(pki).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def docker_config(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "docker-config"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    # A system bundle in the environment must not replace the engine's own CA.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    return folder


def _mixed(tmp_path: Path, ca_from: Pki, client_from: Pki) -> Path:
    folder = client_from.cert_dir(tmp_path / "mixed")
    (folder / "ca.pem").write_bytes(ca_from.ca.read_bytes())
    return folder


def test_tls_context_connects_verified(tls_engine, pki, docker_config, tmp_path,
                                       make_container):
    write_context(docker_config, "tlsctx", tls_engine.url, pki.cert_dir(tmp_path / "c"))
    container = make_container("sleep 3600")
    target = resolve_target(context="tlsctx", environ={})
    assert (target.transport, target.trust) == ("tcp+tls", "TLS verified")
    engine = connect(target, timeout=10)
    try:
        assert container.name in [c.name for c in engine.containers()]
    finally:
        engine.close()


def test_tls_from_the_environment(tls_engine, pki, docker_config, tmp_path):
    certs = pki.cert_dir(tmp_path / "certs")
    env = {"DOCKER_HOST": tls_engine.url, "DOCKER_TLS_VERIFY": "1",
           "DOCKER_CERT_PATH": str(certs)}
    connect(resolve_target(environ=env), timeout=10).close()
    unverified = resolve_target(environ={**env, "DOCKER_TLS_VERIFY": ""})
    assert unverified.trust == "TLS, not verified"
    connect(unverified, timeout=10).close()


def test_a_wrong_ca_is_explained(tls_engine, pki, other_pki, docker_config, tmp_path):
    write_context(docker_config, "wrongca", tls_engine.url, _mixed(tmp_path, other_pki, pki))
    message, took = _connect_error(resolve_target(context="wrongca", environ={}))
    assert "is not signed by the CA dockui was given" in message
    assert tls_engine.url in message
    assert took < FAST


def test_a_client_certificate_the_engine_refuses_is_explained(tls_engine, pki, other_pki,
                                                              docker_config, tmp_path):
    write_context(docker_config, "stranger", tls_engine.url, _mixed(tmp_path, pki, other_pki))
    message, _ = _connect_error(resolve_target(context="stranger", environ={}))
    # TLS 1.3 may deliver the refusal as an alert or as a hang-up: both name the cause.
    assert "refused dockui's client certificate" in message


def test_plain_http_to_the_tls_port_is_explained(tls_engine, docker_config):
    message, _ = _connect_error(resolve_target(host=tls_engine.url, environ={}))
    assert "DOCKER_TLS_VERIFY" in message
