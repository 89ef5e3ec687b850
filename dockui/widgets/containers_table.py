"""The Containers list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.message import Message

from dockui.engine.models import ContainerInfo
from dockui.list_cells import CONTAINER_COLUMNS, container_cells, container_rows
from dockui.widgets.resource_table import Cells, ResourceTable, as_text


class ContainersTable(ResourceTable):
    """Containers, newest first; stopped ones dimmed and hidden with ``a``."""

    BINDINGS = [
        Binding("enter,l", "show_logs", "Logs"),
        Binding("e", "lifecycle('exec')", "Exec shell"),
        Binding("s", "lifecycle('stop')", "Stop"),
        Binding("S", "lifecycle('start')", "Start"),
        Binding("r", "lifecycle('restart')", "Restart"),
        Binding("p", "lifecycle('pause')", "Pause/unpause"),
        Binding("k", "lifecycle('kill')", "Kill"),
        Binding("d", "lifecycle('remove')", "Remove"),
        Binding("i", "lifecycle('inspect')", "Inspect"),
        Binding("space", "toggle_mark", "Mark"),
        Binding("a", "toggle_all", "Show/hide stopped"),
    ]
    COLUMNS = CONTAINER_COLUMNS

    class Lifecycle(Message):
        """The user asked for an action on some containers."""

        def __init__(self, op: str, containers: list[ContainerInfo]) -> None:
            super().__init__()
            self.op = op
            self.containers = containers

    class ShowLogs(Message):
        """The user asked for a container's logs (or, with ``several``, the marked ones')."""

        def __init__(self, container: ContainerInfo,
                     several: list[ContainerInfo] | None = None) -> None:
            super().__init__()
            self.container = container
            self.several = several

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_all = True
        self.marked: set[str] = set()
        """Ids of containers marked with space: stop, start and remove act on all of them."""

    def apply_changes(self, changed: Iterable[ContainerInfo], removed: Iterable[str]) -> None:
        """Apply an event batch: upsert ``changed``, drop ``removed`` (ids)."""
        for info in changed:
            self.items[info.id] = info
        for container_id in removed:
            self.items.pop(container_id, None)
            self.marked.discard(container_id)
        self.refresh_rows()
        self.refresh_bindings()

    def rows_for(self, items: Iterable[ContainerInfo]) -> list[tuple[str, Any]]:
        return container_rows(items, self.show_all)

    def cells_for(self, key: str, c: ContainerInfo) -> Cells:
        return tuple(map(as_text, container_cells(c, c.id in self.marked)))

    def search_text(self, key: str, c: ContainerInfo) -> str:
        return " ".join((c.name, c.image, c.state, c.compose_project, c.id[:12])).lower()

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()  # exec, stop… grey out for a stopped container

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_rows()
        shown = "all containers" if self.show_all else "running containers only"
        self.notify(f"Showing {shown}", timeout=2)

    def targets(self, op: str) -> list[ContainerInfo]:
        """The marked containers for bulk actions, else the one under the cursor."""
        if op in BULK_OPS and self.marked:
            return [self.items[i] for i in self.marked if i in self.items]
        return [self.selected] if self.selected is not None else []

    def action_lifecycle(self, op: str) -> None:
        targets = self.targets(op)
        if targets:
            self.post_message(self.Lifecycle(op, targets))

    def on_key(self, event: events.Key) -> None:
        # A greyed-out key says why instead of doing nothing: the row may say "exited" for
        # the moment between a restart's die and start events.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            _, action, params = parse_action(binding.action)
            if action != "lifecycle" or not params or self.check_action(action, params):
                continue
            targets = self.targets(str(params[0]))
            if targets:
                event.stop()
                event.prevent_default()
                self.notify(refusal(str(params[0]), targets), timeout=3)
            return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "lifecycle" or not parameters:
            return True
        op = str(parameters[0])
        targets = self.targets(op)
        if not targets:
            return None
        return True if any(applies(op, c) for c in targets) else None

    def action_toggle_mark(self) -> None:
        c = self.selected
        if c is None:
            return
        self.marked.symmetric_difference_update({c.id})
        self._made_from.pop(c.id, None)  # its mark is drawn in its cells
        self.refresh_rows()
        self.refresh_bindings()
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def action_show_logs(self) -> None:
        if self.marked:
            marked = [self.items[i] for i in self.marked if i in self.items]
            self.post_message(self.ShowLogs(marked[0], marked))
        elif self.selected is not None:
            self.post_message(self.ShowLogs(self.selected))

    @property
    def counts(self) -> tuple[int, int]:
        """(running, total)."""
        running = sum(1 for c in self.items.values() if c.running)
        return running, len(self.items)


BULK_OPS = ("stop", "start", "remove", "kill", "restart")
VERBS = {"exec": "open a shell in", "pause": "pause or unpause"}


def refusal(op: str, targets: list[ContainerInfo]) -> str:
    """Why ``op`` does nothing for ``targets``, e.g. ``Cannot stop web: it is exited``."""
    verb = VERBS.get(op, op)
    if len(targets) == 1:
        return f"Cannot {verb} {targets[0].name}: it is {targets[0].state}"
    states = ", ".join(sorted({c.state for c in targets}))
    return f"Cannot {verb} the {len(targets)} marked containers: they are {states}"


def applies(op: str, c: ContainerInfo) -> bool:
    """Whether ``op`` makes sense for a container in its state (greys out the key if not)."""
    if op == "exec":  # a stopped container gets an offer to start it
        return c.state not in ("removing", "dead")
    if op == "pause":
        return c.state in ("running", "paused", "restarting")
    if op in ("stop", "kill"):
        return c.state in ("running", "restarting")
    if op == "start":
        return c.state in ("created", "exited", "dead")
    return True
