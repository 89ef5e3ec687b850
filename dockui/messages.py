"""Messages the engine threads post to the app (attributes go down, messages go up)."""

from __future__ import annotations

from textual.message import Message

from dockui.engine.models import ContainerInfo, EngineInfo, ImageInfo


class EngineStatus(Message):
    """The connection changed: connecting, connected or down."""

    def __init__(self, state: str, text: str, info: EngineInfo | None = None) -> None:
        super().__init__()
        self.state = state
        """``connecting``, ``connected`` or ``down``."""
        self.text = text
        self.info = info


class Snapshot(Message):
    """A full listing: replaces everything the lists show."""

    def __init__(self, containers: list[ContainerInfo], images: list[ImageInfo]) -> None:
        super().__init__()
        self.containers = containers
        self.images = images


class ContainersChanged(Message):
    """Some containers changed or went away."""

    def __init__(self, changed: list[ContainerInfo], removed: list[str]) -> None:
        super().__init__()
        self.changed = changed
        self.removed = removed


class ImagesChanged(Message):
    """The image list, fetched again after an image event."""

    def __init__(self, images: list[ImageInfo]) -> None:
        super().__init__()
        self.images = images


class BuildProgress(Message):
    """A batch of build output records."""

    def __init__(self, records: list) -> None:
        super().__init__()
        self.records = records


class BuildEnded(Message):
    """A build finished, failed or was cancelled."""

    def __init__(self, ok: bool, spec, image_id: str = "", failure=None, message: str = "",
                 cancelled: bool = False) -> None:
        super().__init__()
        self.ok = ok
        self.spec = spec
        self.image_id = image_id
        self.failure = failure
        self.message = message
        self.cancelled = cancelled
        self.elapsed = 0.0


class JobProgress(Message):
    """Lines and progress of a long job shown in the Logs pane (a push)."""

    def __init__(self, lines: list[str], done: int, total: int) -> None:
        super().__init__()
        self.lines = lines
        self.done = done
        self.total = total


class JobEnded(Message):
    """A long job ended; ``login_for`` is (registry, reference) when a login is needed."""

    def __init__(self, ok: bool, text: str, login_for: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.ok = ok
        self.text = text
        self.login_for = login_for
