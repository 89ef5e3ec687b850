"""What the Containers and Images lists show, as plain data.

The tables and the first frame (drawn before Textual is loaded, see :mod:`dockui.first_frame`)
both read their rows here, so the two cannot disagree. No Textual in this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from dockui.engine.format import aged_status, format_age, format_ports, format_size, short_image
from dockui.engine.models import ContainerInfo, ImageInfo

Cell = tuple[str, str, bool]
"""Text, style (rich syntax) and whether it is dimmed."""

CONTAINER_COLUMNS = (
    ("name", "Name"),
    ("image", "Image"),
    ("state", "State"),
    ("status", "Status"),
    ("ports", "Ports"),
    ("project", "Project"),
)
IMAGE_COLUMNS = (
    ("tag", "Repository:Tag"),
    ("id", "ID"),
    ("size", "Size"),
    ("created", "Created"),
    ("used", "Containers"),
)
STATE_STYLES = {
    "running": "bold green",
    "paused": "yellow",
    "restarting": "bold yellow",
    "created": "cyan",
    "removing": "magenta",
    "exited": "red",
    "dead": "bold red",
}
DANGLING = "<none>:<none>"
FIRST_ROWS = 80
"""Rows a table adds before the screen is drawn (the rest follow frame by frame)."""


def container_rows(items: Iterable[ContainerInfo],
                   show_all: bool = True) -> list[tuple[str, ContainerInfo]]:
    """(row key, container) in the list's order: newest first, ties by name."""
    shown = [c for c in items if show_all or c.running]
    shown.sort(key=lambda c: (-c.created, c.name))
    return [(c.id, c) for c in shown]


def container_cells(c: ContainerInfo, marked: bool = False) -> tuple[Cell, ...]:
    stopped = not c.running
    return (
        (("● " if marked else "") + c.name, "bold reverse" if marked else "bold", stopped),
        (short_image(c.image), "", stopped),
        (c.state, STATE_STYLES.get(c.state, ""), False),
        (aged_status(c.status, c.status_at), "", stopped),
        (format_ports(c.ports), "", stopped),
        (c.compose_project, "", stopped),
    )


def image_rows(items: Iterable[ImageInfo]) -> list[tuple[str, ImageInfo]]:
    """(row key, image): one row per tag, newest first."""
    rows: list[tuple[str, ImageInfo]] = []
    for image in sorted(items, key=lambda i: (-i.created, i.tags)):
        for tag in image.tags or (DANGLING,):
            rows.append((f"{image.id}|{tag}", image))
    return rows


def image_cells(key: str, image: ImageInfo, used: int) -> tuple[Cell, ...]:
    tag = key.split("|", 1)[1]
    dangling = image.dangling
    return (
        (tag + ("  (dangling)" if dangling else ""), "" if dangling else "bold", dangling),
        (image.short_id, "", dangling),
        (format_size(image.size), "", dangling),
        (format_age(image.created), "", dangling),
        (str(used) if used else "-", "", not used),
    )


def image_usage(containers: Iterable[ContainerInfo]) -> dict[str, int]:
    """How many containers use each image id."""
    usage: dict[str, int] = {}
    for c in containers:
        usage[c.image_id] = usage.get(c.image_id, 0) + 1
    return usage
