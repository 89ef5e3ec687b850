"""Plain, immutable data the engine layer hands to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

COMPOSE_PROJECT_LABEL = "com.docker.compose.project"


@dataclass(frozen=True)
class PortInfo:
    """One published or exposed port of a container."""

    private_port: int
    proto: str = "tcp"
    ip: str = ""
    public_port: int | None = None


@dataclass(frozen=True)
class ContainerInfo:
    """One row of the Containers list, from the engine's container summary."""

    id: str
    name: str
    image: str
    image_id: str
    state: str
    """created, running, paused, restarting, removing, exited or dead."""
    status: str
    """The engine's own words, e.g. ``Up 3 minutes`` or ``Exited (0) 2 hours ago``."""
    created: float
    command: str = ""
    ports: tuple[PortInfo, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    status_at: float = field(default=0.0, compare=False)
    """When ``status`` was read (Unix time), so it can be aged; 0 when unknown."""

    @property
    def running(self) -> bool:
        """Whether processes run in it (paused and restarting count)."""
        return self.state in ("running", "paused", "restarting")

    @property
    def compose_project(self) -> str:
        """The compose project the container belongs to, or ``""``."""
        return dict(self.labels).get(COMPOSE_PROJECT_LABEL, "")


@dataclass(frozen=True)
class ImageInfo:
    """One image; an image with several tags is one ImageInfo with several tags."""

    id: str
    tags: tuple[str, ...]
    size: int
    created: float
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def dangling(self) -> bool:
        """An image no tag points at (``<none>:<none>``)."""
        return not self.tags

    @property
    def short_id(self) -> str:
        """The 12 hex digits ``docker images`` shows."""
        return self.id.split(":", 1)[-1][:12]


@dataclass(frozen=True)
class EngineInfo:
    """What the status line says about the engine it is connected to."""

    host: str
    version: str
    api_version: str
    os: str = ""
    name: str = ""
    source: str = ""
    """How the host was chosen: ``--host``, ``context foo``, ``DOCKER_HOST``, ``default``."""


@dataclass(frozen=True)
class EngineEvent:
    """One event from the engine's event stream, reduced to what the UI needs."""

    type: str
    action: str
    id: str
    time: float
    attributes: tuple[tuple[str, str], ...] = field(default=())
