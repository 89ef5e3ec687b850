"""Pure formatting helpers: engine data to short, human text."""

from __future__ import annotations

import re
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


# The engine's container status ("Up 2 hours", "Exited (0) 5 minutes ago") is read once and
# would go stale: it is aged here instead, without asking the engine again.
_STATUS = re.compile(r"^(Up|Exited \(-?\d+\)|Restarting \(-?\d+\)) (.+?)( ago)?( \([^)]*\))?$")
_DURATION = re.compile(r"^(\d+) (second|minute|hour|day|week|month|year)s?$")
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800,
                 "month": 2592000, "year": 31536000}
_ROUNDED = {"hour", "day", "week", "month"}
"""Units the engine counts from rounded hours (go-units HumanDuration): half an hour less."""


def _least_seconds(words: str) -> float | None:
    """The shortest time the engine's duration words can stand for."""
    fixed = {"Less than a second": 0, "About a minute": 60, "About an hour": 3600}
    if words in fixed:
        return fixed[words]
    match = _DURATION.match(words)
    if match is None:
        return None
    count, unit = int(match.group(1)), match.group(2)
    return max(0.0, count * _UNIT_SECONDS[unit] - (1800 if unit in _ROUNDED else 0))


def human_duration(seconds: float) -> str:
    """A duration as the docker CLI words it (go-units ``HumanDuration``)."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = whole // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def aged_status(status: str, read_at: float, now: float | None = None) -> str:
    """``status`` as the engine would word it now, ``now - read_at`` seconds after reading it.

    Words it does not know (``Created``, ``Dead``...) are returned as they are.
    """
    match = _STATUS.match(status)
    if match is None or not read_at:
        return status
    least = _least_seconds(match.group(2))
    if least is None:
        return status
    elapsed = max(0.0, (time.time() if now is None else now) - read_at)
    return (f"{match.group(1)} {human_duration(least + elapsed)}{match.group(3) or ''}"
            f"{match.group(4) or ''}")
