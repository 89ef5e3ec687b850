"""The start-up prefetch: which engines it may ask, and that it reads the real lists."""

from __future__ import annotations

import json

from dockui.engine.summaries import container_from_summary
from dockui.prefetch import DEFAULT_SOCKET, local_socket, start_prefetch


def test_only_a_local_socket_is_prefetched(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    env = {"DOCKER_CONFIG": str(tmp_path)}
    assert local_socket(None, None, env) is None  # a context other than default
    assert local_socket(None, "x", {}) is None
    assert local_socket("tcp://h:2375", None, {}) is None
    assert local_socket("unix:///run/x.sock", None, {}) == "/run/x.sock"
    assert local_socket(None, None, {"DOCKER_HOST": "ssh://me@h"}) is None
    (tmp_path / "config.json").write_text("{}")
    assert local_socket(None, None, env) == DEFAULT_SOCKET


def test_prefetch_reads_what_the_engine_lists(make_container, docker_client):
    c = make_container("sleep 3600")
    prefetch = start_prefetch(environ={})
    assert prefetch is not None and prefetch.done.wait(10)
    names = {container_from_summary(row).name for row in prefetch.containers}
    assert c.name in names
    assert prefetch.images


def test_a_missing_socket_is_not_asked(tmp_path):
    assert start_prefetch(host=f"unix://{tmp_path}/none.sock") is None
