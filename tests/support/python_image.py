"""``dockui-test/python:3.11``: a real Debian + Python base image, built without a registry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docker

PYTHON_BASE_IMAGE = "dockui-test/python:3.11-1"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "python_base_image.sh"
BUILD_TIMEOUT = 600  # debootstrap from the local mirror takes about a minute


def ensure_python_base(client: docker.DockerClient, tag: str = PYTHON_BASE_IMAGE) -> str:
    """Return ``tag``, building it with ``scripts/python_base_image.sh`` the first time.

    The image is the cache: once built, this costs one inspect.

    Raises:
        RuntimeError: The build failed; the message ends with the script's stderr.
    """
    if _exists(client, tag):
        return tag
    # PYTHON: the script falls back to docker-py when the docker CLI is missing.
    env = {**os.environ, "DOCKUI_PYTHON_IMAGE": tag, "PYTHON": sys.executable}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT)
    if result.returncode != 0 or not _exists(client, tag):
        raise RuntimeError(f"could not build {tag}:\n{result.stderr.strip()[-2000:]}")
    return tag


def _exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True
