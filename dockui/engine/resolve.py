"""Which engine to talk to, resolved the way the docker CLI resolves it.

Order: ``--host``, ``--context``, ``DOCKER_HOST``, ``DOCKER_CONTEXT``, the current context of
the docker config (``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``), then the
local socket.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docker.context import ContextAPI
from docker.errors import ContextException, ContextNotFound, TLSParameterError
from docker.utils import kwargs_from_env

DEFAULT_HOST = "unix:///var/run/docker.sock"


class ResolveError(Exception):
    """The engine could not even be named (an unknown context, a broken config)."""


@dataclass(frozen=True)
class EngineTarget:
    """An engine address and how to reach it."""

    host: str
    source: str
    """Where the address came from, for the status line: ``--host``, ``context NAME``..."""
    tls: Any = None
    """A ``docker.tls.TLSConfig`` or None."""
    use_ssh_client: bool = False

    @property
    def transport(self) -> str:
        """``unix``, ``ssh``, ``tcp+tls`` or ``tcp``."""
        scheme = self.host.split("://", 1)[0] if "://" in self.host else "tcp"
        if scheme in ("tcp", "http", "https"):
            return "tcp+tls" if self.tls or scheme == "https" else "tcp"
        return scheme

    @property
    def trust(self) -> str:
        """A short note on the connection's protection, for the status line."""
        if self.transport == "tcp":
            return "unencrypted"
        if self.transport == "tcp+tls":
            verified = bool(getattr(self.tls, "verify", False))
            return "TLS verified" if verified else "TLS, not verified"
        return ""


def resolve_target(
    host: str | None = None,
    context: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> EngineTarget:
    """Name the engine as the docker CLI would.

    Args:
        host: The ``--host`` option.
        context: The ``--context`` option.
        environ: The environment to read ``DOCKER_*`` variables from (default: ``os.environ``).

    Raises:
        ResolveError: A named context does not exist or cannot be read.
    """
    env = dict(os.environ if environ is None else environ)
    if host:
        return EngineTarget(host=host, source="--host", tls=_tls_from_env(env))
    if context:
        return _from_context(context, "--context")
    if env.get("DOCKER_HOST"):
        return EngineTarget(host=env["DOCKER_HOST"], source="DOCKER_HOST", tls=_tls_from_env(env))
    if env.get("DOCKER_CONTEXT"):
        return _from_context(env["DOCKER_CONTEXT"], "DOCKER_CONTEXT")
    try:
        current = ContextAPI.get_current_context()
    except (ContextException, OSError, ValueError) as exc:
        raise ResolveError(f"cannot read the docker config's current context: {exc}") from exc
    if current is not None and current.Name != "default" and current.Host:
        return EngineTarget(host=current.Host, source=f"context {current.Name}",
                            tls=current.TLSConfig)
    return EngineTarget(host=DEFAULT_HOST, source="default")


def _from_context(name: str, how: str) -> EngineTarget:
    try:
        ctx = ContextAPI.get_context(name)
    except ContextNotFound as exc:
        raise ResolveError(f"docker context {name!r} ({how}) does not exist") from exc
    except (ContextException, OSError, ValueError) as exc:
        raise ResolveError(f"docker context {name!r} cannot be read: {exc}") from exc
    if ctx is None:
        raise ResolveError(f"docker context {name!r} ({how}) does not exist")
    if not ctx.Host:
        if name == "default":
            return EngineTarget(host=DEFAULT_HOST, source="context default")
        raise ResolveError(f"docker context {name!r} has no docker endpoint")
    return EngineTarget(host=ctx.Host, source=f"context {name}", tls=ctx.TLSConfig)


def _tls_from_env(env: Mapping[str, str]) -> Any:
    # docker-py applies DOCKER_TLS_VERIFY / DOCKER_CERT_PATH exactly as the CLI does.
    try:
        return kwargs_from_env(dict(env) or {"_": ""}).get("tls")
    except TLSParameterError as exc:
        where = env.get("DOCKER_CERT_PATH") or "~/.docker"
        raise ResolveError(
            f"TLS is on (DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) but {where} lacks ca.pem, "
            "cert.pem and key.pem"
        ) from exc


def list_contexts() -> list[tuple[str, str]]:
    """The docker contexts as ``(name, host)`` pairs, ``default`` first."""
    try:
        return [(c.Name, c.Host or DEFAULT_HOST) for c in ContextAPI.contexts()]
    except (ContextException, OSError, ValueError):
        return [("default", DEFAULT_HOST)]
