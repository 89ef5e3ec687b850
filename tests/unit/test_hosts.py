"""dockui's saved engine addresses: where they live, how they are checked and stored."""

from __future__ import annotations

import json

import pytest

from dockui.engine.resolve import EngineTarget
from dockui.hosts import (
    HostsFileError,
    SavedHost,
    add_host,
    check_url,
    hosts_path,
    load_hosts,
    normalize_url,
    remove_host,
    save_hosts,
)
from dockui.screens.host_switcher import SAVED, host_entries


@pytest.mark.parametrize("url", [
    "unix:///var/run/docker.sock",
    "tcp://127.0.0.1:2376",
    "tcp://build-box.example.com",
    "tcp://[::1]:2375",
    "ssh://root@127.0.0.1:2222",
    "ssh://me@build-box",
    "ssh://build-box.lan:22",
    " ssh://me@build-box/ ",
])
def test_usable_addresses_pass(url):
    assert check_url(url) is None


@pytest.mark.parametrize(("url", "expected"), [
    ("", "type an address"),
    ("build-box:2375", "no scheme"),
    ("http://h:2375", "http scheme"),
    ("unix://relative.sock", "not a valid unix://"),
    ("tcp://h:99999", "out of range"),
    ("tcp://h:0", "out of range"),
    ("tcp://h:2375/path", "not a valid tcp://"),
    ("ssh://me@", "not a valid ssh://"),
    ("ssh://me@h:22:33", "not a valid ssh://"),
    ("ssh://me@[::1]:22", "not a valid ssh://"),
    ("ssh://me@h x", "not a valid ssh://"),
    ("ssh://-oProxyCommand=x", "not a valid ssh://"),
])
def test_bad_addresses_say_why(url, expected):
    error = check_url(url)
    assert error is not None and expected in error
    assert "ssh://" in error or "range" in error


def test_normalize_drops_blanks_and_a_trailing_slash():
    assert normalize_url(" tcp://h:2375/ ") == "tcp://h:2375"
    assert normalize_url("unix:///run/x/") == "unix:///run/x/"


def test_hosts_path_follows_xdg_then_home(tmp_path):
    assert hosts_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "dockui" / "hosts.json"
    assert hosts_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "dockui" / "hosts.json"


def test_save_then_load_round_trips(tmp_path):
    path = tmp_path / "sub" / "hosts.json"
    hosts = [SavedHost("ssh://me@a"), SavedHost("ssh://me@b", ssh_client=True)]
    save_hosts(path, hosts)
    assert load_hosts(path) == hosts
    assert json.loads(path.read_text())["hosts"][1] == {"url": "ssh://me@b", "ssh_client": True}
    assert [p.name for p in path.parent.iterdir()] == ["hosts.json"]  # no temp file left


def test_a_missing_file_is_no_hosts(tmp_path):
    assert load_hosts(tmp_path / "hosts.json") == []


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"hosts": 3}'])
def test_a_broken_file_is_an_error_not_an_empty_list(tmp_path, content):
    path = tmp_path / "hosts.json"
    path.write_text(content)
    with pytest.raises(HostsFileError, match=str(path)):
        load_hosts(path)


def test_unusable_rows_are_skipped(tmp_path):
    path = tmp_path / "hosts.json"
    path.write_text('{"hosts": [{"url": "tcp://a:1"}, {"nourl": 1}, 5, {"url": 7}]}')
    assert load_hosts(path) == [SavedHost("tcp://a:1")]


def test_an_unwritable_folder_is_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(HostsFileError, match="cannot write"):
        save_hosts(blocker / "hosts.json", [])


def test_add_updates_in_place_and_remove_drops():
    hosts = add_host([SavedHost("tcp://a:1"), SavedHost("ssh://b")], SavedHost("ssh://b", True))
    assert hosts == [SavedHost("tcp://a:1"), SavedHost("ssh://b", True)]
    assert add_host(hosts, SavedHost("tcp://c:2"))[-1] == SavedHost("tcp://c:2")
    assert remove_host(hosts, "tcp://a:1") == [SavedHost("ssh://b", True)]


@pytest.fixture
def no_contexts(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("DOCKUI_SSH_CLIENT", raising=False)


def test_entries_list_contexts_env_and_saved(no_contexts):
    env = {"DOCKER_HOST": "tcp://env:2375"}
    saved = [SavedHost("ssh://me@a"), SavedHost("ssh://me@b", ssh_client=True)]
    entries = host_entries(None, env, saved)
    assert [e.key for e in entries] == ["context:default", "env", "saved:ssh://me@a",
                                       "saved:ssh://me@b"]
    target = entries[3].make()
    assert (target.host, target.source, target.use_ssh_client) == ("ssh://me@b", SAVED, True)
    assert entries[1].make().source == "DOCKER_HOST"


def test_a_host_option_not_listed_shows_as_its_own_row(no_contexts):
    current = EngineTarget("tcp://elsewhere:2375", "--host")
    entries = host_entries(current, {}, [])
    assert entries[0].key == "current"
    assert entries[0].make() is current
