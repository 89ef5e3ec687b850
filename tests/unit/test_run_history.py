"""dockui.run_history: the last run options per image, never a secret on disk."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dockui.engine.options import RunSpec, parse_docker_run
from dockui.run_history import (
    MAX_IMAGES,
    history_path,
    line_to_store,
    load,
    recall,
    remember,
)


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    return tmp_path / "cfg"


def _spec(line: str, project: Path) -> RunSpec:
    return parse_docker_run(line, project, Path("/home/me"), {})


def test_the_path_follows_xdg_config_home(config):
    assert history_path() == config / "dockui" / "run_history.json"
    assert history_path({"XDG_CONFIG_HOME": "/x/cfg"}) == Path("/x/cfg/dockui/run_history.json")


def test_the_path_defaults_to_dot_config():
    assert history_path({"HOME": "/home/me"}) == Path(
        "/home/me/.config/dockui/run_history.json")
    # A relative XDG_CONFIG_HOME is to be ignored, as the XDG spec says.
    assert history_path({"HOME": "/home/me", "XDG_CONFIG_HOME": "cfg"}) == Path(
        "/home/me/.config/dockui/run_history.json")


def test_remember_then_recall(config, tmp_path):
    spec = _spec("docker run -d --name web -p 8080:80 -v ./data:/data -e MODE=dev "
                 "--restart unless-stopped nginx:1.27 nginx -g 'daemon off;'", tmp_path)
    assert remember("nginx:1.27", spec)
    line = recall("nginx:1.27")
    assert line is not None
    assert _spec(line, tmp_path) == spec
    assert recall("redis:7") is None


def test_secrets_never_reach_the_disk(config, tmp_path):
    (tmp_path / ".env").write_text("")
    spec = _spec("docker run -e DB_PASSWORD=hunter2 -e API_TOKEN=t0k3n -e MODE=dev "
                 "--env-file .env app", tmp_path)
    assert remember("app", spec)
    text = history_path().read_text()
    assert "hunter2" not in text and "t0k3n" not in text
    assert "DB_PASSWORD" not in text
    assert "MODE=dev" in text and "--env-file .env" in text


def test_line_to_store_keeps_plain_values_unmasked(tmp_path):
    spec = _spec("docker run -e 'GREETING=hello world' -e SECRET_KEY=x app", tmp_path)
    assert line_to_store(spec) == "docker run -e 'GREETING=hello world' app"


def test_the_file_is_private(config, tmp_path):
    remember("app", _spec("docker run app", tmp_path))
    path = history_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_newer_run_replaces_the_older_one(config, tmp_path):
    remember("app", _spec("docker run -p 1:1 app", tmp_path), now=1)
    remember("app", _spec("docker run -p 2:2 app", tmp_path), now=2)
    assert recall("app") == "docker run -p 2:2 app"


def test_the_least_recently_used_are_forgotten(config, tmp_path):
    for number in range(MAX_IMAGES + 5):
        remember(f"img{number}", _spec(f"docker run img{number}", tmp_path), now=number)
    images = load(history_path())
    assert len(images) == MAX_IMAGES
    assert "img0" not in images and f"img{MAX_IMAGES + 4}" in images


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"images": 3}',
                                     '{"images": {"app": {"line": 7}}}'])
def test_a_damaged_file_is_an_empty_history(config, content):
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert recall("app") is None


def test_a_damaged_file_is_replaced_on_the_next_run(config, tmp_path):
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    assert remember("app", _spec("docker run app", tmp_path))
    assert json.loads(path.read_text())["images"]["app"]["line"] == "docker run app"


def test_an_unwritable_folder_is_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert remember("app", RunSpec(image="app"), blocker / "dockui" / "h.json") is False
