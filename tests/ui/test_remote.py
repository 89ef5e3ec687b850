"""Remote engines in the app: ssh and TLS engines on loopback, and switching with `H`."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, OptionList

from dockui.screens.host_switcher import SAVED, HostSwitcher
from dockui.widgets.containers_table import ContainersTable
from dockui.widgets.logs_pane import LogsPane
from dockui.widgets.status_line import StatusLine
from tests.support.sshd import SshServer, keygen
from tests.support.tls_engine import TlsEngineProxy, make_pki, write_context
from tests.ui.conftest import screen_text, wait_for

SIZE = (160, 45)


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = SshServer(tmp_path_factory.mktemp("sshd")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_engine(pki):
    proxy = TlsEngineProxy(pki).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def client_env(tmp_path, monkeypatch):
    """A temporary HOME, docker config and XDG config: what the app reads at start."""
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text("{}")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for name in ("SSH_AUTH_SOCK", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKUI_SSH_CLIENT",
                 "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    return home, config


def _status(app) -> StatusLine:
    return app.main.query_one(StatusLine)


def _connected_to(app, host: str) -> bool:
    status = _status(app)
    return status.state == "connected" and status.info is not None and status.info.host == host


def _logs(app) -> str:
    return "\n".join(app.main.query_one(LogsPane).view.visible_lines())


async def _open_switcher(pilot, app) -> HostSwitcher:
    await pilot.press("H")
    await wait_for(pilot, lambda: isinstance(app.screen, HostSwitcher), what="the switcher")
    return app.screen


async def _choose(pilot, switcher: HostSwitcher, key: str) -> None:
    options = switcher.query_one("#hosts", OptionList)
    options.highlighted = [e.key for e in switcher.entries].index(key)
    options.focus()
    await pilot.press("enter")


# ssh ------------------------------------------------------------------------------------------

async def test_ssh_engine_lists_and_follows_logs(app_factory, sshd, client_env, make_container):
    home, _ = client_env
    sshd.client_home(home)
    c = make_container(["sh", "-c", "echo hello over ssh; sleep 3600"])
    app = app_factory(host=sshd.url)
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: _connected_to(app, sshd.url), timeout=20,
                       what="the ssh engine")
        assert "ssh, host key verified" in str(_status(app).render())
        await wait_for(pilot, lambda: c.id in table.items, what="the container over ssh")
        await pilot.press("3")
        assert table.select_key(c.id)
        await pilot.press("l")
        await wait_for(pilot, lambda: "hello over ssh" in _logs(app), timeout=15,
                       what="the container's log line over ssh")


async def test_unknown_host_key_is_refused_on_the_status_line(app_factory, sshd, client_env):
    home, _ = client_env
    sshd.client_home(home, known=False)
    logins = sshd.log().count("Accepted publickey")
    app = app_factory(host=sshd.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _status(app).state == "down", timeout=15,
                       what="the refusal")
        message = _status(app).message
        assert sshd.url in message
        assert f"ssh-keyscan -p {sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts" in message
        assert "Traceback" not in screen_text(app)
        assert app.is_running
    assert sshd.log().count("Accepted publickey") == logins
    assert (home / ".ssh" / "known_hosts").read_text() == ""


async def test_a_refused_key_is_explained_fast(app_factory, sshd, client_env, tmp_path):
    home, _ = client_env
    sshd.client_home(home, key=keygen(tmp_path / "stranger"))
    app = app_factory(host=sshd.url)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _status(app).state == "down", timeout=15,
                       what="the refused login")
        assert "ssh login refused for root@127.0.0.1" in _status(app).message


# TLS ------------------------------------------------------------------------------------------

async def test_tls_context_shows_verified(app_factory, tls_engine, pki, client_env, tmp_path,
                                          make_container):
    _, config = client_env
    write_context(config, "tlsctx", tls_engine.url, pki.cert_dir(tmp_path / "certs"))
    c = make_container("sleep 3600")
    app = app_factory(context="tlsctx")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _connected_to(app, tls_engine.url), timeout=15,
                       what="the TLS engine")
        assert "TLS verified" in str(_status(app).render())
        table = app.main.query_one(ContainersTable)
        await wait_for(pilot, lambda: c.id in table.items, what="the container over TLS")


async def test_a_wrong_ca_is_explained_on_the_status_line(app_factory, tls_engine, pki,
                                                          client_env, tmp_path):
    _, config = client_env
    other = make_pki(tmp_path / "other", "some other CA")
    certs = pki.cert_dir(tmp_path / "certs")
    (certs / "ca.pem").write_bytes(other.ca.read_bytes())
    write_context(config, "wrongca", tls_engine.url, certs)
    app = app_factory(context="wrongca")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _status(app).state == "down", timeout=15,
                       what="the certificate refusal")
        assert "not signed by the CA dockui was given" in _status(app).message


# Switching ------------------------------------------------------------------------------------

async def test_switch_between_two_engines_with_h(app_factory, tls_engine, pki, client_env,
                                                 tmp_path, make_container):
    _, config = client_env
    write_context(config, "tlsctx", tls_engine.url, pki.cert_dir(tmp_path / "certs"))
    c = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main.query_one(ContainersTable)
        local = "unix:///var/run/docker.sock"
        await wait_for(pilot, lambda: _connected_to(app, local), what="the local engine")
        await wait_for(pilot, lambda: c.id in table.items, what="the container, locally")

        switcher = await _open_switcher(pilot, app)
        text = screen_text(app)
        assert "● context default" in text
        assert "context tlsctx" in text
        await _choose(pilot, switcher, "context:tlsctx")
        await wait_for(pilot, lambda: _connected_to(app, tls_engine.url), timeout=15,
                       what="the switch to the TLS engine")
        assert "TLS verified" in str(_status(app).render())
        assert app.target.source == "context tlsctx"
        logs = app.main.query_one(LogsPane)
        assert logs.container is None  # the old engine's stream is closed
        assert f"now on {tls_engine.url}" in "\n".join(logs.view.visible_lines())
        await wait_for(pilot, lambda: c.id in table.items, what="the container, over TLS")

        switcher = await _open_switcher(pilot, app)
        assert "● context tlsctx" in screen_text(app)
        await _choose(pilot, switcher, "context:default")
        await wait_for(pilot, lambda: _connected_to(app, local), timeout=15,
                       what="the switch back")
        assert "TLS" not in str(_status(app).render())
        await wait_for(pilot, lambda: c.id in table.items, what="the container, back home")


async def test_add_switch_and_delete_a_saved_ssh_host(app_factory, sshd, client_env, tmp_path):
    home, _ = client_env
    sshd.client_home(home)
    hosts_file = tmp_path / "xdg" / "dockui" / "hosts.json"
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        switcher = await _open_switcher(pilot, app)
        await pilot.press("a")
        url_input = switcher.query_one("#url", Input)
        assert url_input.has_focus
        await pilot.press(*"ftp://x")
        assert "scheme" in screen_text(app)
        await pilot.press("enter")
        assert not hosts_file.exists()
        url_input.value = ""
        await pilot.press(*sshd.url, "enter")
        await wait_for(pilot, lambda: hosts_file.exists(), what="the saved hosts file")
        assert json.loads(hosts_file.read_text())["hosts"] == [
            {"url": sshd.url, "ssh_client": False}]
        assert f"saved:{sshd.url}" in [e.key for e in switcher.entries]

        await _choose(pilot, switcher, f"saved:{sshd.url}")
        await wait_for(pilot, lambda: _connected_to(app, sshd.url), timeout=20,
                       what="the saved ssh engine")
        assert app.target.source == SAVED

        switcher = await _open_switcher(pilot, app)
        assert f"● {SAVED}" in screen_text(app)
        await pilot.press("d")
        await wait_for(pilot, lambda: json.loads(hosts_file.read_text())["hosts"] == [],
                       what="the host to be deleted")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HostSwitcher),
                       what="the switcher to close")
        assert _connected_to(app, sshd.url)  # escape switches nothing
