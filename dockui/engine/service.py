"""The engine service: the one place that calls docker-py for lists, events and actions.

Every method blocks, so the UI calls them from thread workers. Every string handed out is
sanitized, and every failure is an :class:`EngineError` with a message fit for a user.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import docker.errors
import requests.exceptions
from docker import APIClient

from dockui.engine.errors import EngineError, EngineGone, _chain, describe_error
from dockui.engine.models import ContainerInfo, EngineEvent, EngineInfo, ImageInfo
from dockui.engine.resolve import EngineTarget
from dockui.engine.sanitize import clean
from dockui.engine.summaries import container_from_summary, image_from_summary

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a first answer: a hung engine must not hold the app for docker-py's 60."""
SSH_CONNECT_TIMEOUT = 10.0
"""The same over ssh, where a login costs a few round trips before the first request."""
REQUEST_TIMEOUT = 30.0


def _is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, requests.exceptions.ConnectionError | ConnectionError) or (
        isinstance(exc, docker.errors.DockerException)
        and not isinstance(exc, docker.errors.APIError)
    )


class Engine:
    """A connected engine. Create with :func:`connect`."""

    def __init__(self, api: APIClient, target: EngineTarget, info: EngineInfo) -> None:
        self.api = api
        self.target = target
        self.info = info

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        # A lost engine surfaces as requests' ConnectionError, not a docker-py error.
        try:
            yield
        except docker.errors.APIError as exc:
            raise EngineError(describe_error(exc)) from exc
        except (requests.exceptions.RequestException, OSError,
                docker.errors.DockerException) as exc:
            if _is_connection_error(exc) or isinstance(exc, OSError):
                raise EngineGone(describe_error(exc, self.target.host)) from exc
            raise EngineError(describe_error(exc, self.target.host)) from exc

    # Lists ---------------------------------------------------------------------------------

    def containers(self) -> list[ContainerInfo]:
        """Every container, from one request (no per-container inspect)."""
        with self._errors():
            return [container_from_summary(s) for s in self.api.containers(all=True)]

    def container(self, container_id: str) -> ContainerInfo | None:
        """One container's summary, or None when it no longer exists."""
        with self._errors():
            rows = self.api.containers(all=True, filters={"id": container_id})
        for row in rows:
            if row.get("Id", "").startswith(container_id):
                return container_from_summary(row)
        return None

    def images(self) -> list[ImageInfo]:
        """Every image (dangling ones included), from one request."""
        with self._errors():
            return [image_from_summary(s) for s in self.api.images(all=False)]

    def stopped_containers_with_size(self) -> list[tuple[ContainerInfo, int]]:
        """Containers that are not running, with the size of their writable layer."""
        with self._errors():
            rows = self.api.containers(all=True, size=True,
                                       filters={"status": ["exited", "created", "dead"]})
        return [(container_from_summary(r), int(r.get("SizeRw") or 0)) for r in rows]

    def image_history(self, image_id: str) -> list[tuple[str, int, float]]:
        """The image's layers, newest first: (created by, size, created)."""
        with self._errors():
            rows = self.api.history(image_id)
        return [(clean(r.get("CreatedBy", "")), int(r.get("Size") or 0),
                 float(r.get("Created") or 0)) for r in rows]

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        """The full inspect document (raw; the caller sanitizes what it shows)."""
        with self._errors():
            return self.api.inspect_container(container_id)

    # Events --------------------------------------------------------------------------------

    def events(self, since: float | None = None) -> EventStream:
        """Open the engine's event stream for containers and images."""
        with self._errors():
            stream = self.api.events(
                since=int(since) if since else None,
                decode=True,
                filters={"type": ["container", "image"]},
            )
        return EventStream(stream, self)

    # Container actions ---------------------------------------------------------------------

    def stop(self, container_id: str, timeout: int = 10) -> None:
        """Stop, giving the process ``timeout`` seconds before a kill."""
        with self._errors():
            self.api.stop(container_id, timeout=timeout)

    def start(self, container_id: str) -> None:
        with self._errors():
            self.api.start(container_id)

    def restart(self, container_id: str, timeout: int = 10) -> None:
        with self._errors():
            self.api.restart(container_id, timeout=timeout)

    def pause(self, container_id: str) -> None:
        with self._errors():
            self.api.pause(container_id)

    def unpause(self, container_id: str) -> None:
        with self._errors():
            self.api.unpause(container_id)

    def kill(self, container_id: str) -> None:
        with self._errors():
            self.api.kill(container_id)

    def remove_container(self, container_id: str, *, force: bool = False,
                         volumes: bool = False) -> None:
        """Remove; ``volumes`` removes its anonymous volumes (named ones are never touched)."""
        with self._errors():
            self.api.remove_container(container_id, v=volumes, force=force)

    def remove_image(self, image: str, *, force: bool = False) -> None:
        with self._errors():
            self.api.remove_image(image, force=force)

    def tag_image(self, image: str, reference: str) -> None:
        """Add ``reference`` (``repo[:tag]``) to an image."""
        repo, tag = split_reference(reference)
        with self._errors():
            self.api.tag(image, repo, tag or "latest")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.api.close()


class EventStream:
    """Engine events as :class:`EngineEvent`; ``close()`` from another thread ends it."""

    def __init__(self, stream: Any, engine: Engine) -> None:
        self._stream = stream
        self._engine = engine

    def __iter__(self) -> Iterator[EngineEvent]:
        with self._engine._errors():
            for raw in self._stream:
                event = event_from_raw(raw)
                if event is not None:
                    yield event

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.close()


def connect(target: EngineTarget, timeout: float | None = None) -> Engine:
    """Connect to ``target`` and ask its version, giving up after ``timeout`` seconds.

    An ``ssh://`` target goes through :mod:`dockui.engine.remote`: host keys are checked
    against known_hosts (an unknown one is refused), and nothing ever prompts.

    Args:
        target: The engine.
        timeout: The deadline; by default :data:`CONNECT_TIMEOUT`, or
            :data:`SSH_CONNECT_TIMEOUT` for ssh.

    Raises:
        EngineGone: Nothing answered in time, or the connection failed.
        EngineError: The engine answered with an error, or the ssh login failed.
    """
    if timeout is None:
        timeout = SSH_CONNECT_TIMEOUT if target.transport == "ssh" else CONNECT_TIMEOUT
    outcome: dict[str, Any] = {}
    lock = threading.Lock()

    def attempt() -> None:
        try:
            api = _api_client(target, timeout)
            result = (api, api.version())
        except BaseException as exc:  # handed to the caller's thread below
            with lock:
                outcome["error"] = exc
            return
        with lock:
            abandoned = "abandoned" in outcome
            outcome["ok"] = result
        if abandoned:  # the caller gave up on us: do not leak the connection
            api.close()

    # docker-py has no connect deadline of its own on ssh, so wait in a side thread.
    worker = threading.Thread(target=attempt, name="dockui-connect", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    with lock:
        outcome.setdefault("abandoned", True)
        result, error = outcome.get("ok"), outcome.get("error")
    if result is not None:
        api, version = result
        api.timeout = REQUEST_TIMEOUT
        info = EngineInfo(
            host=target.host,
            version=clean(version.get("Version", "?")),
            api_version=clean(version.get("ApiVersion", "?")),
            os=clean(f"{version.get('Os', '')}/{version.get('Arch', '')}"),
            source=target.source,
        )
        return Engine(api, target, info)
    if error is None:
        raise EngineGone(f"no answer from {target.host} within {timeout:.0f} s")
    if isinstance(error, EngineError):
        raise error
    if isinstance(error, docker.errors.APIError):
        raise EngineError(_describe_connect_error(error, target))
    raise EngineGone(_describe_connect_error(error, target))


def _api_client(target: EngineTarget, timeout: float) -> APIClient:
    if target.transport == "ssh":
        # Imported here: remote builds on this module's EngineError.
        from dockui.engine.remote import ssh_api_client

        return ssh_api_client(target, timeout)
    return _EngineClient(base_url=target.host, version=None, timeout=timeout,
                         tls=target.tls or False, use_ssh_client=target.use_ssh_client)


class _EngineClient(APIClient):
    """docker-py's client, keeping the engine's own TLS trust over the environment's.

    requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` replace a session's CA file, and
    even turn verification back on; an engine's CA (context, ``DOCKER_CERT_PATH``) or an
    unverified ``DOCKER_CERT_PATH`` setup must not be overridden by a system bundle.
    """

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self.verify is not True:
            settings["verify"] = self.verify
        return settings


def _describe_connect_error(error: BaseException, target: EngineTarget) -> str:
    text = " ".join(str(e) for e in _chain(error))
    if target.transport == "ssh" and ("RemoteDisconnected" in text or "aborted" in text):
        from dockui.engine.remote import explain_dial_failure

        return explain_dial_failure(target)
    # Plain HTTP to a TLS port: dockerd answers 400, a TLS proxy just hangs up.
    if target.transport == "tcp" and ("HTTP request to an HTTPS server" in text
                                      or "Connection reset by peer" in text):
        return (f"{target.host} did not take plain HTTP: if it wants TLS, set "
                "DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a context with TLS material")
    return describe_error(error, target.host)


# Conversions (pure) ------------------------------------------------------------------------

def event_from_raw(raw: dict[str, Any]) -> EngineEvent | None:
    """An event-stream record as an :class:`EngineEvent`; None for records without an actor."""
    actor = raw.get("Actor") or {}
    object_id = actor.get("ID") or raw.get("id") or ""
    if not object_id:
        return None
    attributes = tuple(sorted(
        (clean(k), clean(v)) for k, v in (actor.get("Attributes") or {}).items()))
    time_nano = raw.get("timeNano")
    return EngineEvent(
        type=clean(raw.get("Type", "")),
        action=clean(raw.get("Action") or raw.get("status") or ""),
        id=object_id,
        time=time_nano / 1e9 if time_nano else float(raw.get("time") or 0),
        attributes=attributes,
    )


def response_socket(api: APIClient, response: Any) -> Any:
    """The socket (or ssh channel) under a streaming response, found as docker-py finds it."""
    try:
        return api._get_raw_response_socket(response)
    except Exception:  # an unusual transport: closing the response is the fallback
        return None


def wake_reader(sock: Any) -> None:
    """Make a recv() blocked on ``sock`` in another thread return now.

    Closing the response or the file would not wake it; shutting the socket down does.
    """
    if sock is not None:
        with contextlib.suppress(Exception):
            getattr(sock, "_sock", sock).shutdown(socket.SHUT_RDWR)


def split_reference(reference: str) -> tuple[str, str | None]:
    """``registry:5000/repo:tag`` → (``registry:5000/repo``, ``tag``)."""
    name, sep, tag = reference.rpartition(":")
    if sep and "/" not in tag:
        return name, tag
    return reference, None
