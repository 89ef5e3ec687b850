"""The Logs pane: follows the selected container's logs (interim plain view)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Log

from dockui.engine.models import ContainerInfo


class LogsPane(Vertical, can_focus=False):
    """Shows one container's logs, switching when the selection changes."""

    DEFAULT_CSS = "LogsPane { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.container: ContainerInfo | None = None

    def compose(self) -> ComposeResult:
        yield Log(max_lines=20000, id="log")

    def focus(self, scroll_visible: bool = True):
        return self.query_one(Log).focus(scroll_visible)

    def show_container(self, container: ContainerInfo) -> None:
        if self.container is not None and self.container.id == container.id:
            return
        self.container = container
        log = self.query_one(Log)
        log.clear()
        log.write_line(f"logs of {container.name}")

    def containers_changed(self, changed: Iterable[ContainerInfo], removed: Iterable[str]) -> None:
        pass

    def search(self, text: str) -> None:
        pass
