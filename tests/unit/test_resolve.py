"""Engine resolution follows the docker CLI's order."""

from __future__ import annotations

import hashlib
import json

import pytest

from dockui.engine.resolve import DEFAULT_HOST, ResolveError, resolve_target
from dockui.engine.service import describe_error


@pytest.fixture
def docker_config(tmp_path, monkeypatch):
    """An empty docker config folder, as DOCKER_CONFIG points the CLI at it."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    (tmp_path / "config.json").write_text("{}")
    return tmp_path


def _add_context(config_dir, name: str, host: str) -> None:
    """Write a context the way `docker context create` stores it."""
    meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({
        "Name": name, "Metadata": {},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))


def _set_current(config_dir, name: str) -> None:
    (config_dir / "config.json").write_text(json.dumps({"currentContext": name}))


def test_default_is_the_local_socket(docker_config):
    target = resolve_target(environ={})
    assert (target.host, target.source) == (DEFAULT_HOST, "default")


def test_docker_host_beats_the_current_context(docker_config):
    _add_context(docker_config, "remote", "tcp://10.0.0.9:2375")
    _set_current(docker_config, "remote")
    target = resolve_target(environ={"DOCKER_HOST": "tcp://h:2375"})
    assert (target.host, target.source) == ("tcp://h:2375", "DOCKER_HOST")


def test_current_context_from_docker_config(docker_config):
    _add_context(docker_config, "remote", "tcp://10.0.0.9:2375")
    _set_current(docker_config, "remote")
    target = resolve_target(environ={})
    assert (target.host, target.source) == ("tcp://10.0.0.9:2375", "context remote")
    assert target.trust == "unencrypted"


def test_docker_context_variable_beats_the_config(docker_config):
    _add_context(docker_config, "a", "tcp://a:2375")
    _add_context(docker_config, "b", "tcp://b:2375")
    _set_current(docker_config, "a")
    assert resolve_target(environ={"DOCKER_CONTEXT": "b"}).host == "tcp://b:2375"


def test_options_beat_the_environment(docker_config):
    _add_context(docker_config, "b", "ssh://me@b")
    env = {"DOCKER_HOST": "tcp://env:2375"}
    assert resolve_target(host="unix:///x.sock", environ=env).source == "--host"
    target = resolve_target(context="b", environ=env)
    assert (target.host, target.source, target.transport) == ("ssh://me@b", "context b", "ssh")


def test_unknown_context_is_a_clear_error(docker_config):
    with pytest.raises(ResolveError, match=r"'nope'.*does not exist"):
        resolve_target(context="nope", environ={})


def test_tls_without_certificates_is_explained(docker_config, tmp_path):
    env = {"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1",
           "DOCKER_CERT_PATH": str(tmp_path / "certs")}
    with pytest.raises(ResolveError, match=r"lacks ca\.pem"):
        resolve_target(environ=env)


def test_cert_path_without_verify_is_unverified_tls(docker_config, tmp_path):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    env = {"DOCKER_HOST": "tcp://h:2376", "DOCKER_CERT_PATH": str(tmp_path)}
    target = resolve_target(environ=env)
    assert target.transport == "tcp+tls"
    assert target.trust == "TLS, not verified"


@pytest.mark.parametrize(("error", "expected"), [
    (FileNotFoundError(2, "No such file or directory"), "no engine socket at unix:///x"),
    (ConnectionRefusedError(111, "Connection refused"), "connection refused at unix:///x"),
    (PermissionError(13, "Permission denied"), "permission denied"),
])
def test_connection_errors_read_as_sentences(error, expected):
    import requests

    wrapped = requests.exceptions.ConnectionError(("Connection aborted.", error))
    assert expected in describe_error(wrapped, "unix:///x")
