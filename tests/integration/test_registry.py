"""Pushing to and pulling from real registries (Debian's docker-registry on loopback)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from dockui.engine.registry import (
    AuthRequired,
    LoginRejected,
    PushProgress,
    login,
    pull,
    push,
    registry_error,
    registry_of,
)
from dockui.engine.service import EngineError
from tests.support.registry import (  # noqa: F401  (the fixtures: pytest finds them here)
    auth_registry_fixture,
    free_port,
    open_registry_fixture,
)

# Pure helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("reference", "registry"), [
    ("busybox", "docker.io"),
    ("team/app:1", "docker.io"),
    ("index.docker.io/team/app", "docker.io"),
    ("127.0.0.1:5000/x:y", "127.0.0.1:5000"),
    ("localhost/app", "localhost"),
    ("ghcr.io/o/app@sha256:abc", "ghcr.io"),
    ("[::1]:5000/app:2", "[::1]:5000"),
])
def test_registry_of(reference, registry):
    assert registry_of(reference) == registry


@pytest.mark.parametrize(("message", "registry", "expected"), [
    ('Get "http://127.0.0.1:5001/v2/": dial tcp 127.0.0.1:5001: connect: connection refused',
     "127.0.0.1:5001", "registry 127.0.0.1:5001 does not answer (connection refused)"),
    ('Get "https://foo.invalid/v2/": dial tcp: lookup foo.invalid on 10.0.0.53:53: '
     "no such host", "foo.invalid", "unknown registry host foo.invalid"),
    ('Get "https://r.example:5000/v2/": dial tcp: lookup r.example: no such host',
     "r.example:5000", "unknown registry host r.example"),
    ('Get "https://r.example:5000/v2/": net/http: request canceled (Client.Timeout exceeded)',
     "r.example:5000", "registry r.example:5000 does not answer (timed out)"),
    ('Get "https://r.example:5000/v2/": http: server gave HTTP response to HTTPS client',
     "r.example:5000",
     "registry r.example:5000 speaks plain http: list it in the engine's insecure-registries"),
    ('Get "https://r.example:5000/v2/": EOF', "r.example:5000",
     "registry r.example:5000 closed the connection"),
    ("An image does not exist locally with the tag: r.example:5000/app", "r.example:5000",
     "no local image tagged r.example:5000/app:latest"),
    ('Get "https://r.example/v2/": odd\nsecond line \x1b[31m', "r.example", "odd"),
])
def test_registry_error_messages(message, registry, expected):
    error = registry_error(message, registry, "r.example:5000/app:latest")
    assert type(error) is EngineError
    assert str(error) == expected


@pytest.mark.parametrize("message", [
    "unauthorized: authentication required",
    "no basic auth credentials",
    "denied: requested access to the resource is denied",
])
def test_auth_errors_ask_for_a_login(message):
    error = registry_error(message, "r.example:5000")
    assert isinstance(error, AuthRequired)
    assert error.registry == "r.example:5000"


def test_fraction_is_clamped():
    assert PushProgress("a", "Pushing", current=150, total=100).fraction == 1.0
    assert PushProgress("a", "Pushing", current=25, total=100).fraction == 0.25
    assert PushProgress("a", "Waiting").fraction is None


# Against real registries -------------------------------------------------------------------


@pytest.fixture
def docker_config(tmp_path, monkeypatch) -> Path:
    """An empty DOCKER_CONFIG directory (not created), so no real credentials leak in."""
    config_dir = tmp_path / "docker-config"
    monkeypatch.setenv("DOCKER_CONFIG", str(config_dir))
    return config_dir


def _new_api() -> docker.APIClient:
    # docker-py reads the docker config when the client is made: make it after DOCKER_CONFIG.
    return docker.from_env(timeout=60).api


@pytest.fixture
def api(docker_client, docker_config) -> Iterator[docker.APIClient]:
    client = _new_api()
    yield client
    client.close()


@pytest.fixture
def tag_for(api, busybox_image) -> Iterator:
    """``tag_for(registry)`` tags busybox as ``<registry>/dockui-test/pushme:<unique>``."""
    made: list[str] = []

    def tag(host: str) -> str:
        reference = f"{host}/dockui-test/pushme:{uuid.uuid4().hex[:8]}"
        repo, _, name = reference.rpartition(":")
        api.tag(busybox_image, repo, name)
        made.append(reference)
        return reference

    yield tag
    for reference in made:
        with contextlib.suppress(docker.errors.NotFound):
            api.remove_image(reference)


def _assert_pushed(records: list[PushProgress]) -> str:
    layer_statuses = {r.status for r in records if r.layer}
    assert layer_statuses & {"Pushed", "Layer already exists"}
    assert "Preparing" in layer_statuses
    last = records[-1]
    assert last.digest.startswith("sha256:")
    assert last.layers_total > 0
    assert last.layers_done == last.layers_total
    return last.digest


@pytest.mark.engine
def test_push_reports_progress_and_pulls_back(api, open_registry, tag_for):
    reference = tag_for(open_registry.host)
    records = list(push(api, reference))

    _assert_pushed(records)
    assert any(r.status == "Pushing" and r.total > 0 for r in records)
    image_id = api.inspect_image(reference)["Id"]
    api.remove_image(reference)
    assert pull(api, reference) == image_id


@pytest.mark.engine
def test_second_push_finds_the_layers_there(api, open_registry, tag_for):
    first = list(push(api, tag_for(open_registry.host)))
    again = list(push(api, tag_for(open_registry.host)))

    assert {r.status for r in again if r.layer} >= {"Layer already exists"}
    assert _assert_pushed(again) == _assert_pushed(first)


@pytest.mark.engine
def test_auth_registry_asks_for_a_login_then_takes_it(api, auth_registry, tag_for,
                                                     docker_config):
    reference = tag_for(auth_registry.host)
    with pytest.raises(AuthRequired) as caught:
        list(push(api, reference))
    assert caught.value.registry == auth_registry.host

    login(api, auth_registry.host, auth_registry.username, auth_registry.password)
    _assert_pushed(list(push(api, reference)))
    assert not docker_config.exists()  # save=False: nothing on disk


@pytest.mark.engine
def test_explicit_auth_needs_no_login(api, auth_registry, tag_for):
    auth = {"username": auth_registry.username, "password": auth_registry.password}
    _assert_pushed(list(push(api, tag_for(auth_registry.host), auth=auth)))


@pytest.mark.engine
def test_wrong_password_is_rejected(api, auth_registry):
    with pytest.raises(LoginRejected) as caught:
        login(api, auth_registry.host, auth_registry.username, "wrong")
    assert str(caught.value) == f"{auth_registry.host} rejected the username or password"


@pytest.mark.engine
def test_saved_login_is_written_like_the_cli_and_read_back(api, auth_registry, tag_for,
                                                         docker_config):
    docker_config.mkdir()
    config_file = docker_config / "config.json"
    config_file.write_text(json.dumps(
        {"detachKeys": "ctrl-x", "auths": {"other.example": {"auth": "eDp5"}}}))

    login(api, auth_registry.host, auth_registry.username, auth_registry.password, save=True)

    config = json.loads(config_file.read_text())
    assert config["detachKeys"] == "ctrl-x"
    assert config["auths"]["other.example"] == {"auth": "eDp5"}
    token = config["auths"][auth_registry.host]["auth"]
    assert base64.b64decode(token).decode() == f"{auth_registry.username}:" \
                                               f"{auth_registry.password}"
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    # A fresh client (as at the next start) finds them in the config by itself.
    fresh = _new_api()
    try:
        _assert_pushed(list(push(fresh, tag_for(auth_registry.host))))
    finally:
        fresh.close()


FAKE_HELPER = """\
#!/bin/sh
# A docker credential helper that knows one login and records what it is asked to store.
case "$1" in
  get) cat >/dev/null; printf '{{"ServerURL":"%s","Username":"{user}","Secret":"{secret}"}}' x ;;
  store) cat > "{stored}" ;;
  *) exit 1 ;;
esac
"""


@pytest.mark.engine
def test_credential_helper_from_config_is_used(docker_client, auth_registry, tag_for,
                                               docker_config, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stored = tmp_path / "stored.json"
    helper = bin_dir / "docker-credential-dockuitest"
    helper.write_text(FAKE_HELPER.format(user=auth_registry.username,
                                         secret=auth_registry.password, stored=stored))
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    docker_config.mkdir()
    (docker_config / "config.json").write_text(
        json.dumps({"credHelpers": {auth_registry.host: "dockuitest"}}))
    api = _new_api()
    try:
        _assert_pushed(list(push(api, tag_for(auth_registry.host))))
        login(api, auth_registry.host, auth_registry.username, auth_registry.password,
              save=True)
    finally:
        api.close()
    assert json.loads(stored.read_text()) == {
        "ServerURL": auth_registry.host, "Username": auth_registry.username,
        "Secret": auth_registry.password}
    assert "auths" not in json.loads((docker_config / "config.json").read_text())


@pytest.mark.engine
def test_closed_port_gives_a_clean_message(api, tag_for):
    host = f"127.0.0.1:{free_port()}"
    with pytest.raises(EngineError) as caught:
        list(push(api, tag_for(host)))
    assert type(caught.value) is EngineError
    assert str(caught.value) == f"registry {host} does not answer (connection refused)"


@pytest.mark.engine
def test_unknown_host_gives_a_clean_message(api, tag_for):
    with pytest.raises(EngineError) as caught:
        list(push(api, tag_for("dockui-test.invalid")))
    assert str(caught.value) == "unknown registry host dockui-test.invalid"


@pytest.mark.engine
def test_pushing_a_tag_that_is_not_there(api):
    with pytest.raises(EngineError) as caught:
        list(push(api, "127.0.0.1:9/dockui-test/nothing-here:1"))
    assert str(caught.value) == "no local image tagged 127.0.0.1:9/dockui-test/nothing-here:1"


@pytest.mark.engine
def test_unreachable_login_is_not_a_rejection(api):
    host = f"127.0.0.1:{free_port()}"
    with pytest.raises(EngineError) as caught:
        login(api, host, "someone", "secret")
    assert type(caught.value) is EngineError
    assert str(caught.value) == f"registry {host} does not answer (connection refused)"
