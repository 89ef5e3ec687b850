"""Which engine to talk to, resolved the way the docker CLI resolves it.

Order: ``--host``, ``--context``, ``DOCKER_HOST``, ``DOCKER_CONTEXT``, the current context of
the docker config (``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``), then the
local socket.

``ssh://`` engines go through paramiko unless ``DOCKUI_SSH_CLIENT=1`` asks for the system
``ssh`` client (which reads ``/etc/ssh/ssh_config`` and understands every ssh option).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from dockui.docker_config import current_context_name

DEFAULT_HOST = "unix:///var/run/docker.sock"
SSH_CLIENT_VARIABLE = "DOCKUI_SSH_CLIENT"
"""Set to 1 to reach ``ssh://`` engines through the system ssh client instead of paramiko."""


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
        if self.transport == "ssh":
            return "ssh, host key verified"  # dockui refuses unknown host keys (remote.py)
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
    return _with_ssh_choice(_resolve(host, context, env), env)


def _resolve(host: str | None, context: str | None, env: dict[str, str]) -> EngineTarget:
    if host:
        return EngineTarget(host=host, source="--host", tls=_tls_from_env(env))
    if context:
        return _from_context(context, "--context")
    if env.get("DOCKER_HOST"):
        return EngineTarget(host=env["DOCKER_HOST"], source="DOCKER_HOST", tls=_tls_from_env(env))
    if env.get("DOCKER_CONTEXT"):
        return _from_context(env["DOCKER_CONTEXT"], "DOCKER_CONTEXT")
    if current_context_name() == "default":  # the usual case: no need to load docker-py yet
        return EngineTarget(host=DEFAULT_HOST, source="default")
    from docker.context import ContextAPI
    from docker.errors import ContextException

    try:
        current = ContextAPI.get_current_context()
    except (ContextException, OSError, ValueError) as exc:
        raise ResolveError(f"cannot read the docker config's current context: {exc}") from exc
    if current is not None and current.Name != "default" and current.Host:
        return EngineTarget(host=current.Host, source=f"context {current.Name}",
                            tls=current.TLSConfig)
    return EngineTarget(host=DEFAULT_HOST, source="default")


def target_for_context(name: str, environ: Mapping[str, str] | None = None) -> EngineTarget:
    """The engine of docker context ``name``, with its TLS material (for the host switcher).

    Raises:
        ResolveError: No such context, or it cannot be read.
    """
    env = dict(os.environ if environ is None else environ)
    return _with_ssh_choice(_from_context(name, "chosen"), env)


def target_for_host(host: str, source: str, environ: Mapping[str, str] | None = None,
                    use_ssh_client: bool | None = None) -> EngineTarget:
    """An address the user typed or saved, with the environment's TLS settings (as ``--host``).

    Args:
        host: The engine URL.
        source: Where it came from, for the status line.
        environ: Where ``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` are read (default: os.environ).
        use_ssh_client: Force the ssh transport choice (default: ``DOCKUI_SSH_CLIENT``).

    Raises:
        ResolveError: TLS is on but its certificates are missing.
    """
    env = dict(os.environ if environ is None else environ)
    target = EngineTarget(host=host, source=source, tls=_tls_from_env(env))
    if use_ssh_client is not None:
        return replace(target, use_ssh_client=use_ssh_client and target.transport == "ssh")
    return _with_ssh_choice(target, env)


def _with_ssh_choice(target: EngineTarget, env: Mapping[str, str]) -> EngineTarget:
    wanted = env.get(SSH_CLIENT_VARIABLE, "").lower() in ("1", "yes", "true")
    if wanted and target.transport == "ssh":
        return replace(target, use_ssh_client=True)
    return target


def _from_context(name: str, how: str) -> EngineTarget:
    from docker.context import ContextAPI
    from docker.errors import ContextException, ContextNotFound

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
    from docker.errors import TLSParameterError
    from docker.utils import kwargs_from_env

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
    from docker.context import ContextAPI
    from docker.errors import ContextException

    try:
        return [(c.Name, c.Host or DEFAULT_HOST) for c in ContextAPI.contexts()]
    except (ContextException, OSError, ValueError):
        return [("default", DEFAULT_HOST)]
