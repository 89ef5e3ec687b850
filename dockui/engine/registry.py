"""Push and pull images through the engine, and log in to registries.

Credentials come from where the docker CLI keeps them: docker-py reads the docker config
(``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``, credential helpers included)
whenever no explicit auth is passed. :func:`login` keeps new credentials in the client's memory
only, unless the user asks to save them.

Everything here blocks; the UI calls it from thread workers. Failures are :class:`EngineError`
with a one-line message; :class:`AuthRequired` means "show the login form".
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker.errors
import requests.exceptions
from docker import APIClient
from docker.credentials import Store, StoreError

from dockui.config_dir import write_json
from dockui.engine.sanitize import clean
from dockui.engine.service import EngineError, EngineGone, describe_error, split_reference

DOCKER_HUB = "docker.io"
# The key the docker CLI files Docker Hub credentials under.
DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"

# Statuses the engine gives a layer once it is on the registry.
_LAYER_DONE = ("Pushed", "Layer already exists", "Mounted from", "Already exists")
_AUTH = re.compile(r"unauthorized|authentication required|denied|no basic auth|\b401\b")


class AuthRequired(EngineError):
    """The registry wants (other) credentials; the UI answers with a login form."""

    def __init__(self, registry: str) -> None:
        super().__init__(f"{registry} needs a login")
        self.registry = registry


class LoginRejected(EngineError):
    """The registry turned down the username and password given to :func:`login`."""

    def __init__(self, registry: str) -> None:
        super().__init__(f"{registry} rejected the username or password")
        self.registry = registry


@dataclass(frozen=True)
class PushProgress:
    """One step of a push.

    Attributes:
        layer: Short layer id, or ``""`` for records about the whole push.
        status: The engine's status text ('Preparing', 'Waiting', 'Pushing', 'Pushed',
            'Layer already exists', ...), sanitized.
        current: Bytes of this layer sent so far (0 when not pushing).
        total: Size of this layer in bytes (0 when unknown).
        layers_done: Layers already on the registry, over the whole push.
        layers_total: Layers seen so far (all appear at 'Preparing', before any upload).
        digest: The pushed manifest's digest, on the final record only.
    """

    layer: str
    status: str
    current: int = 0
    total: int = 0
    layers_done: int = 0
    layers_total: int = 0
    digest: str = ""

    @property
    def fraction(self) -> float | None:
        """This layer's progress in 0..1, or None when the size is unknown."""
        if self.total <= 0:
            return None
        # Compressed uploads can report more bytes sent than the layer's size.
        return min(self.current / self.total, 1.0)


# References ------------------------------------------------------------------------------

def registry_of(reference: str) -> str:
    """The registry host of an image reference: ``docker.io`` when it names none.

    ``127.0.0.1:5000/team/app:1`` → ``127.0.0.1:5000``; ``team/app`` → ``docker.io``.
    """
    name = reference.split("@", 1)[0]
    first, sep, _ = name.partition("/")
    # As in the docker CLI: the first part is a host only if it looks like one.
    if sep and ("." in first or ":" in first or first == "localhost"):
        return DOCKER_HUB if first == "index.docker.io" else first
    return DOCKER_HUB


def _repo_and_tag(reference: str) -> tuple[str, str]:
    # Push a single tag, never "all tags of the repository" (the engine's meaning of none).
    repo, tag = split_reference(reference)
    return repo, tag or "latest"


# Push and pull ---------------------------------------------------------------------------

def push(api: APIClient, reference: str,
         auth: dict[str, Any] | None = None) -> Iterator[PushProgress]:
    """Push ``reference`` (``[host/]repo[:tag]``, tag defaults to ``latest``).

    Args:
        api: A connected docker-py low-level client.
        reference: The local tag to push; its host names the registry.
        auth: ``{"username": ..., "password": ...}`` to use instead of the stored
            credentials; None uses the docker config and anything :func:`login` added.

    Yields:
        A :class:`PushProgress` per engine record; the last one carries the digest.

    Raises:
        AuthRequired: The registry wants a login (or other credentials).
        EngineGone: The engine stopped answering.
        EngineError: Anything else, with a one-line message.
    """
    repo, tag = _repo_and_tag(reference)
    registry = registry_of(reference)
    layers: dict[str, bool] = {}  # layer id -> on the registry
    with _errors(registry, f"{repo}:{tag}"):
        stream = api.push(repo, tag=tag, stream=True, decode=True, auth_config=auth)
        for record in stream:
            _raise_on_error(record, registry, f"{repo}:{tag}")
            progress = _progress(record, layers)
            if progress is not None:
                yield progress


def pull(api: APIClient, reference: str, auth: dict[str, Any] | None = None) -> str:
    """Pull ``reference`` (tag defaults to ``latest``) and return the local image id.

    Raises:
        AuthRequired: The registry wants a login.
        EngineError: The pull failed; the message says why.
    """
    repo, tag = _repo_and_tag(reference)
    registry = registry_of(reference)
    with _errors(registry, f"{repo}:{tag}"):
        for record in api.pull(repo, tag=tag, stream=True, decode=True, auth_config=auth):
            _raise_on_error(record, registry, f"{repo}:{tag}")
        return api.inspect_image(f"{repo}:{tag}")["Id"]


def _progress(record: dict[str, Any], layers: dict[str, bool]) -> PushProgress | None:
    """Fold one stream record into ``layers`` and describe it (None for empty records)."""
    digest = clean((record.get("aux") or {}).get("Digest", ""))
    status = clean(record.get("status", ""))
    layer = clean(record.get("id", ""))
    if layer:
        layers[layer] = layers.get(layer, False) or status.startswith(_LAYER_DONE)
    elif not (status or digest):
        return None
    detail = record.get("progressDetail") or {}
    return PushProgress(
        layer=layer,
        status=status or ("Pushed" if digest else ""),
        current=int(detail.get("current") or 0),
        total=int(detail.get("total") or 0),
        layers_done=sum(layers.values()),
        layers_total=len(layers),
        digest=digest,
    )


# Errors ------------------------------------------------------------------------------------

def _raise_on_error(record: dict[str, Any], registry: str, reference: str) -> None:
    # The engine answers 200 and reports a failed push or pull inside the stream.
    if "errorDetail" in record or "error" in record:
        detail = record.get("errorDetail") or {}
        message = detail.get("message") or record.get("error") or "unknown error"
        raise registry_error(str(message), registry, reference)


@contextlib.contextmanager
def _errors(registry: str, reference: str) -> Iterator[None]:
    """Turn docker-py and connection errors raised outside the stream into EngineErrors."""
    try:
        yield
    except EngineError:
        raise
    except docker.errors.APIError as exc:
        raise registry_error(describe_error(exc), registry, reference) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        message = describe_error(exc)
        if "timed out" in message:
            # The engine is alive but silent: it is still waiting on the registry.
            raise EngineError(f"registry {clean(registry)} does not answer (timed out)") from exc
        raise EngineGone(message) from exc
    except docker.errors.DockerException as exc:
        # docker-py's own failures, e.g. a credential helper from the docker config.
        raise EngineError(describe_error(exc)) from exc


def registry_error(message: str, registry: str, reference: str = "") -> EngineError:
    """The error to raise for an engine message about ``registry``.

    Args:
        message: The engine's text, e.g. ``Get "http://h/v2/": dial tcp ...: connection
            refused``.
        registry: The registry host (with port) the operation talked to.
        reference: The image reference, for messages about the image itself.
    """
    lower = message.lower()
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    if "does not exist locally" in lower or "no such image" in lower:
        return EngineError(f"no local image tagged {clean(reference)}")
    if _AUTH.search(lower):
        return AuthRequired(clean(registry))
    for markers, text in (
        (("connection refused",), f"registry {registry} does not answer (connection refused)"),
        (("no such host", "server misbehaving", "name or service not known",
          "temporary failure in name resolution"), f"unknown registry host {host}"),
        (("i/o timeout", "timed out", "deadline exceeded", "timeout"),
         f"registry {registry} does not answer (timed out)"),
        (("http response to https client",),
         f"registry {registry} speaks plain http: list it in the engine's insecure-registries"),
        (("x509", "certificate"), f"registry {registry}: its TLS certificate is not trusted"),
        (("network is unreachable", "no route to host"),
         f"registry {registry} is unreachable (no route)"),
        ((": eof", "connection reset"), f"registry {registry} closed the connection"),
        (("manifest unknown", "not found"), f"{reference or 'the image'} is not on {registry}"),
    ):
        if any(marker in lower for marker in markers):
            return EngineError(clean(text))
    return EngineError(_one_line(message))


def _one_line(message: str, limit: int = 200) -> str:
    # Drop Go's 'Get "https://host/v2/": ' prefix; the registry is already in context.
    text = re.sub(r'^[A-Za-z]+ "[^"]*":\s*', "", message.strip())
    text = clean(text.splitlines()[0] if text else "unknown error")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Login -------------------------------------------------------------------------------------

def login(api: APIClient, registry: str, username: str, password: str, *,
          save: bool = False) -> None:
    """Check credentials with the registry and use them for this client's pushes and pulls.

    Args:
        api: The client later pushes go through (the credentials live in its memory).
        registry: Registry host as :func:`registry_of` gives it (``docker.io`` for Docker Hub).
        username: Registry user name.
        password: Password or access token.
        save: Also store them the way ``docker login`` does: in the credential helper the
            docker config names for this registry, else base64 in the config file (mode
            0600). Nothing touches the disk when False.

    Raises:
        LoginRejected: Wrong username or password.
        EngineError: The registry could not be reached, or saving failed.
    """
    server = DOCKER_HUB_AUTH_KEY if registry == DOCKER_HUB else registry
    try:
        with _errors(registry, ""):
            api.login(username, password, registry=server, reauth=True)
    except AuthRequired as exc:
        raise LoginRejected(exc.registry) from exc
    if save:
        save_credentials(server, username, password)


def docker_config_path() -> Path:
    """The docker config file ``docker login`` writes (and docker-py reads first)."""
    directory = os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker"
    return Path(directory) / "config.json"


def save_credentials(server: str, username: str, password: str,
                     path: Path | None = None) -> None:
    """Store credentials like ``docker login``: helper if configured, else the config file.

    Raises:
        EngineError: The config file is unreadable, or the helper or the write failed.
    """
    path = path or docker_config_path()
    config = _read_config(path)
    helper = (config.get("credHelpers") or {}).get(server) or config.get("credsStore")
    if helper:
        _store_in_helper(helper, server, username, password)
        return
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    config.setdefault("auths", {})[server] = {"auth": token}
    _write_private(path, config)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Never overwrite a file we could not parse: it may hold other credentials.
        raise EngineError(f"cannot read {path}: {describe_error(exc)}") from exc
    if not isinstance(config, dict):
        raise EngineError(f"cannot read {path}: not a JSON object")
    return config


def _store_in_helper(helper: str, server: str, username: str, password: str) -> None:
    try:
        # docker-py warns on stderr when the helper is missing; that would hit the TUI.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Store(helper).store(server, username, password)
    except StoreError as exc:
        raise EngineError(f"credential helper {clean(helper)} failed: "
                          f"{_one_line(str(exc))}") from exc


def _write_private(path: Path, config: dict[str, Any]) -> None:
    """Write ``config`` atomically, readable by the owner only (as the CLI does)."""
    try:
        write_json(path, config, indent="\t", sort_keys=False)  # as the CLI writes it
    except OSError as exc:
        raise EngineError(f"cannot write {path}: {describe_error(exc)}") from exc
