"""Pure formatting helpers: engine data to short, human text."""

from __future__ import annotations

import time
from collections.abc import Iterable

import humanize

from dockui.engine.models import ContainerInfo, PortInfo


def format_ports(ports: Iterable[PortInfo]) -> str:
    """Format ports as ``docker ps`` does: ``0.0.0.0:8080->80/tcp, 443/tcp``.

    Bindings that differ only by IPv4/IPv6 address family are shown once, as the docker CLI
    folds ``0.0.0.0`` and ``::``.
    """
    seen: dict[str, None] = {}
    for p in sorted(ports, key=lambda p: (p.private_port, p.proto, p.public_port or 0, p.ip)):
        if p.public_port:
            ip = "0.0.0.0" if p.ip in ("", "::", "0.0.0.0") else p.ip
            if ":" in ip:
                ip = f"[{ip}]"
            text = f"{ip}:{p.public_port}->{p.private_port}/{p.proto}"
        else:
            text = f"{p.private_port}/{p.proto}"
        seen.setdefault(text)
    return ", ".join(seen)


def format_size(size: int | None) -> str:
    """Bytes as ``docker images`` shows them (decimal units): ``2.1 MB``."""
    if size is None or size < 0:
        return "?"
    return humanize.naturalsize(size, format="%.1f")


def format_age(created: float, now: float | None = None) -> str:
    """Seconds since the epoch as ``3 minutes ago``."""
    if not created:
        return ""
    now = time.time() if now is None else now
    return humanize.naturaltime(max(0.0, now - created))


def short_id(object_id: str) -> str:
    """The 12 hex digits of an id, without its ``sha256:`` prefix."""
    return object_id.split(":", 1)[-1][:12]


def short_image(image: str) -> str:
    """An image reference as a list shows it: ids shortened, ``docker.io/library/`` dropped."""
    if image.startswith("sha256:"):
        return short_id(image)
    for prefix in ("docker.io/library/", "docker.io/"):
        if image.startswith(prefix):
            return image[len(prefix):]
    return image


STATE_ORDER = {"running": 0, "restarting": 1, "paused": 2, "created": 3, "removing": 4}


def state_rank(container: ContainerInfo) -> int:
    """Sort key: running first, then the others, exited and dead last."""
    return STATE_ORDER.get(container.state, 5)
