"""Engine list rows (``GET /containers/json``, ``/images/json``) as plain data.

No docker-py here: the start-up prefetch converts raw JSON with these too.
"""

from __future__ import annotations

import time
from typing import Any

from dockui.engine.models import ContainerInfo, ImageInfo, PortInfo
from dockui.engine.sanitize import clean


def container_from_summary(row: dict[str, Any]) -> ContainerInfo:
    """A ``GET /containers/json`` row as a :class:`ContainerInfo`, every string sanitized."""
    names = row.get("Names") or []
    name = names[0].lstrip("/") if names else row.get("Id", "")[:12]
    ports = tuple(
        PortInfo(
            private_port=int(p.get("PrivatePort", 0)),
            proto=clean(p.get("Type", "tcp")),
            ip=clean(p.get("IP", "")),
            public_port=int(p["PublicPort"]) if p.get("PublicPort") else None,
        )
        for p in row.get("Ports") or []
    )
    labels = tuple(sorted((clean(k), clean(v)) for k, v in (row.get("Labels") or {}).items()))
    return ContainerInfo(
        id=row.get("Id", ""),
        name=clean(name),
        image=clean(row.get("Image", "")),
        image_id=row.get("ImageID", ""),
        state=clean(row.get("State", "")),
        status=clean(row.get("Status", "")),
        created=float(row.get("Created") or 0),
        command=clean(row.get("Command", "")),
        ports=ports,
        labels=labels,
        status_at=time.time(),
    )


def image_from_summary(row: dict[str, Any]) -> ImageInfo:
    """A ``GET /images/json`` row as an :class:`ImageInfo`."""
    tags = tuple(clean(t) for t in row.get("RepoTags") or () if t != "<none>:<none>")
    labels = tuple(sorted((clean(k), clean(v)) for k, v in (row.get("Labels") or {}).items()))
    return ImageInfo(
        id=row.get("Id", ""),
        tags=tags,
        size=int(row.get("Size") or 0),
        created=float(row.get("Created") or 0),
        labels=labels,
    )
