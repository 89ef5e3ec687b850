"""The Containers list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from dockui.engine.format import format_ports, short_image
from dockui.engine.models import ContainerInfo
from dockui.widgets.resource_table import Cells, ResourceTable, dim_if

STATE_STYLES = {
    "running": "bold green",
    "paused": "yellow",
    "restarting": "bold yellow",
    "created": "cyan",
    "removing": "magenta",
    "exited": "red",
    "dead": "bold red",
}


class ContainersTable(ResourceTable):
    """Containers, newest first; stopped ones dimmed and hidden with ``a``."""

    BINDINGS = [
        Binding("enter,l", "show_logs", "Logs"),
        Binding("a", "toggle_all", "Show/hide stopped"),
    ]
    COLUMNS = (
        ("name", "Name"),
        ("image", "Image"),
        ("state", "State"),
        ("status", "Status"),
        ("ports", "Ports"),
        ("project", "Project"),
    )

    class ShowLogs(Message):
        """The user asked for a container's logs."""

        def __init__(self, container: ContainerInfo) -> None:
            super().__init__()
            self.container = container

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_all = True

    def apply_changes(self, changed: Iterable[ContainerInfo], removed: Iterable[str]) -> None:
        """Apply an event batch: upsert ``changed``, drop ``removed`` (ids)."""
        for info in changed:
            self.items[info.id] = info
        for container_id in removed:
            self.items.pop(container_id, None)
        self.refresh_rows()

    def rows_for(self, items: Iterable[ContainerInfo]) -> list[tuple[str, Any]]:
        shown = [c for c in items if self.show_all or c.running]
        shown.sort(key=lambda c: (-c.created, c.name))
        return [(c.id, c) for c in shown]

    def cells_for(self, key: str, c: ContainerInfo) -> Cells:
        stopped = not c.running
        return (
            dim_if(c.name, stopped, "bold"),
            dim_if(short_image(c.image), stopped),
            dim_if(c.state, False, STATE_STYLES.get(c.state, "")),
            dim_if(c.status, stopped),
            dim_if(format_ports(c.ports), stopped),
            dim_if(c.compose_project, stopped),
        )

    def search_text(self, key: str, c: ContainerInfo) -> str:
        return " ".join((c.name, c.image, c.state, c.compose_project, c.id[:12])).lower()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_rows()
        shown = "all containers" if self.show_all else "running containers only"
        self.notify(f"Showing {shown}", timeout=2)

    def action_show_logs(self) -> None:
        if self.selected is not None:
            self.post_message(self.ShowLogs(self.selected))

    @property
    def counts(self) -> tuple[int, int]:
        """(running, total)."""
        running = sum(1 for c in self.items.values() if c.running)
        return running, len(self.items)


def state_text(state: str) -> Text:
    return Text(state, style=STATE_STYLES.get(state, ""))
