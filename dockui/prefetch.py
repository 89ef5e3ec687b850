"""Ask a local engine for its lists before the UI and docker-py have even been imported.

Start-up is what a user sees first: Python imports Textual and docker-py (a third of a
second here) while a thread with a plain HTTP request over the engine's unix socket already
has the answer, so the first frame can show the containers. docker-py and the event
stream take over right after; this module only ever reads.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections.abc import Mapping
from typing import Any

from dockui.docker_config import current_context_name

DEFAULT_SOCKET = "/var/run/docker.sock"
TIMEOUT = 2.0


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(self.path)
        self.sock = sock


def local_socket(host: str | None, context: str | None,
                 environ: Mapping[str, str]) -> str | None:
    """The unix socket the docker CLI's rules pick, or None if they pick anything else."""
    if context:
        return None
    chosen = host or environ.get("DOCKER_HOST")
    if chosen:
        return chosen[len("unix://"):] if chosen.startswith("unix://") else None
    if environ.get("DOCKER_CONTEXT", "default") != "default":
        return None
    if current_context_name(environ) != "default":
        return None
    return DEFAULT_SOCKET


class Prefetch:
    """One background fetch of ``/containers/json?all=1`` and ``/images/json``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.done = threading.Event()
        self.containers: list[dict[str, Any]] | None = None
        self.images: list[dict[str, Any]] | None = None
        self._infos: tuple[list[Any], list[Any]] | None = None
        self._infos_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="dockui-prefetch", daemon=True)

    def infos(self) -> tuple[list[Any], list[Any]] | None:
        """The answer as ContainerInfo and ImageInfo lists (made once), or None if none came."""
        with self._infos_lock:
            if self._infos is None and self.done.is_set() and self.containers is not None:
                from dockui.engine.summaries import container_from_summary, image_from_summary

                self._infos = ([container_from_summary(r) for r in self.containers],
                               [image_from_summary(r) for r in self.images or []])
            return self._infos

    def start(self) -> Prefetch:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.containers = self._get("/containers/json?all=1")
            self.images = self._get("/images/json")
        except (OSError, ValueError, http.client.HTTPException):
            self.containers = self.images = None  # the real connection will say what's wrong
        finally:
            self.done.set()

    def _get(self, url: str) -> Any:
        connection = _UnixConnection(self.path)
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            if response.status != 200:
                raise ValueError(f"HTTP {response.status}")
            return json.loads(response.read())
        finally:
            connection.close()


def start_prefetch(host: str | None = None, context: str | None = None,
                   environ: Mapping[str, str] | None = None) -> Prefetch | None:
    """Start fetching when the engine is a local socket that exists; else None."""
    path = local_socket(host, context, os.environ if environ is None else environ)
    if path is None or not os.path.exists(path):
        return None
    return Prefetch(path).start()
