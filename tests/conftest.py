"""Shared fixtures: a real engine, a tiny busybox image, and cleanup of what tests create."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.support.images import ensure_busybox

ROOT = Path(__file__).resolve().parent.parent
TEST_LABEL = "dockui.test"
SESSION = uuid.uuid4().hex[:12]
"""This test run's label value: cleanup never touches another run's containers."""


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch) -> Path:
    """dockui's settings, saved hosts and run history go to a fresh folder, never the user's."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """A docker-py client on the engine the scripts found or started; fails loudly if none."""
    result = subprocess.run(["bash", str(ROOT / "scripts" / "ensure_engine.sh")],
                            env={**os.environ, "DOCKUI_TEST_TOOLS": "1"},
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail("no Docker engine for the tests: " + result.stderr.strip()
                    + "\nStart one (as root: dockerd &) or run `make test` as root.",
                    pytrace=False)
    client = docker.from_env(timeout=120)
    yield client
    _cleanup(client)
    client.close()


def _cleanup(client: docker.DockerClient) -> None:
    for container in client.containers.list(all=True, sparse=True,
                                            filters={"label": f"{TEST_LABEL}={SESSION}"}):
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)


@pytest.fixture(scope="session")
def busybox_image(docker_client: docker.DockerClient) -> str:
    """``dockui-test/busybox``: FROM scratch plus Debian's static busybox, 2 MB."""
    return ensure_busybox(docker_client)


@pytest.fixture
def unique_name() -> str:
    """A container name no other test run uses."""
    return f"dockui-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_container(docker_client, busybox_image):
    """Create (and by default start) labelled busybox containers; all removed afterwards."""
    created = []

    def make(command="sleep 3600", *, name=None, start=True, labels=None, **kwargs):
        container = docker_client.containers.create(
            busybox_image, command, name=name or f"dockui-test-{uuid.uuid4().hex[:8]}",
            labels={TEST_LABEL: SESSION, **(labels or {})}, **kwargs)
        created.append(container)
        if start:
            container.start()
        return container

    yield make
    for container in created:
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)
