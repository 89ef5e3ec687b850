"""The main screen: four panes, a status line and the keys."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from dockui.first_frame import COMPACT_HEIGHT, COMPACT_WIDTH  # one layout for both
from dockui.list_cells import image_usage
from dockui.messages import ContainersChanged, EngineStatus, ImagesChanged, Snapshot
from dockui.screens.container_actions import ContainerActions
from dockui.screens.engine_actions import EngineActions
from dockui.screens.exec_actions import ExecActions
from dockui.screens.help import HelpPanel
from dockui.screens.image_actions import ImageActions
from dockui.screens.project_actions import ProjectActions
from dockui.screens.prune_actions import PruneActions
from dockui.screens.push_actions import PushActions
from dockui.screens.run_actions import RunActions
from dockui.widgets.containers_table import ContainersTable
from dockui.widgets.images_table import ImagesTable
from dockui.widgets.key_bar import KeyBar
from dockui.widgets.logs_pane import LogsPane
from dockui.widgets.pane import Pane
from dockui.widgets.project_pane import ProjectView
from dockui.widgets.status_line import StatusLine

PANES = ("project", "images", "containers", "logs")
FRAME_OUT_DELAY = 0.03
"""Seconds the first frame gets to reach the terminal before start-up work goes on."""
FIRST_FRAME_WAIT = 0.15
"""Seconds Textual waits for the frame drawn before it loaded, if that is being drawn."""


class MainScreen(ProjectActions, ImageActions, PushActions, RunActions, ContainerActions,
                 ExecActions, PruneActions, EngineActions, Screen):
    """Project, Images, Containers and Logs, kept live by the engine's events."""

    AUTO_FOCUS = "#containers"  # from the first frame on: a key typed early lands there

    BINDINGS = [
        Binding("1", "focus_pane('project')", "Project", show=False),
        Binding("2", "focus_pane('images')", "Images", show=False),
        Binding("3", "focus_pane('containers')", "Containers", show=False),
        Binding("4", "focus_pane('logs')", "Logs", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("L", "command_log", "Command log"),
    ]

    def __init__(self, project_dir: Path) -> None:
        super().__init__()
        self._prefetched = False
        self._painted = False
        self.project_dir = project_dir
        self.active = "containers"
        self._closing_click = False

    def compose(self) -> ComposeResult:
        yield Static(id="tabs")
        with Container(id="panes"):
            yield Pane(ProjectView(self.project_dir, id="project"), 1, "Project",
                       id="project-pane")
            yield Pane(ImagesTable(id="images"), 2, "Images", id="images-pane")
            yield Pane(ContainersTable(id="containers"), 3, "Containers",
                       id="containers-pane")
            yield Pane(LogsPane(id="logs"), 4, "Logs", id="logs-pane")
        yield StatusLine(id="status")
        yield KeyBar()
        yield HelpPanel(id="help")

    def on_mount(self) -> None:
        self._prefetched = self._show_prefetched()
        if not self._prefetched:
            self.scan_project()
        # "3 minutes ago" ages: redrawn from data already here, no engine call.
        self.set_interval(60, self._refresh_ages)
        self.call_after_refresh(self.app.release_early_keys)  # type: ignore[attr-defined]

    def _forward_event(self, event: events.Event) -> None:
        # A click beside open help closes it, and reaches nothing beneath.
        if isinstance(event, events.MouseDown):
            self._closing_click = self.help.is_open and not self.help.region.contains(
                event.x, event.y)
            if self._closing_click:
                self.help.action_close()
                return
        elif isinstance(event, (events.MouseUp, events.Click)) and self._closing_click:
            self._closing_click = not isinstance(event, events.Click)
            return
        super()._forward_event(event)

    def _show_prefetched(self) -> bool:
        """Show the early answer of a local engine, if it is in (it usually is by now)."""
        prefetch = getattr(self.app, "prefetch", None)
        try:
            infos = prefetch.infos() if prefetch is not None and prefetch.done.wait(0.3) else None
        except Exception:  # an answer docker-py's own reading will explain, if it is wrong
            infos = None
        first_frame = getattr(self.app, "first_frame", None)
        if first_frame is not None:  # a frame drawn from the same answer may be on its way
            first_frame.finish(FIRST_FRAME_WAIT)
        if infos is None:
            return False
        self.post_message(Snapshot(*infos))
        return True

    def _after_first_paint(self) -> None:
        # Work that competes with the first frame for the interpreter waits until it is out.
        if self._prefetched:
            self.scan_project()
        self.app.after_first_paint()  # type: ignore[attr-defined]
        self.set_timer(0.2, self.help.prepare)  # a quiet moment; the first `?` then only draws

    def _refresh_ages(self) -> None:
        for table in (self.images, self.containers):
            table.invalidate_cells()
            table.refresh_rows()

    def on_unmount(self) -> None:
        self.action_cancel_build()

    # Layout ----------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < COMPACT_WIDTH or event.size.height < COMPACT_HEIGHT
        self.set_class(compact, "-compact")
        self._show_active()

    def on_descendant_focus(self, event) -> None:
        pane = next((a for a in event.widget.ancestors_with_self if isinstance(a, Pane)), None)
        if pane is not None and pane.id:
            self.active = pane.id.removesuffix("-pane")
            self._show_active()

    def _show_active(self) -> None:
        for name in PANES:
            self.query_one(f"#{name}-pane").set_class(name == self.active, "-active")
        tabs = Text()
        for number, name in enumerate(PANES, 1):
            style = "bold reverse" if name == self.active else "dim"
            tabs.append(f" {number} {name.title()} ", style=style)
            tabs.append(" ")
        self.query_one("#tabs", Static).update(tabs)

    def action_focus_pane(self, name: str) -> None:
        self.active = name
        self._show_active()
        # set_focus, not focus(): focus() is deferred, and a key typed right after (`3` then
        # `/`) would be handled by the pane that had focus before.
        self.query_one(f"#{name}-pane", Pane).focus_body()

    def action_filter(self) -> None:
        pane = self.query_one(f"#{self.active}-pane", Pane)
        if self.active == "logs":
            pane.open_filter("search the logs…  (enter: back, escape: clear)")
        elif self.active in ("images", "containers"):
            pane.open_filter()

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        pane = next((a for a in event.input.ancestors if isinstance(a, Pane)), None)
        if pane is None:
            return
        body = pane.body
        if isinstance(body, ContainersTable | ImagesTable):
            body.set_filter(event.value)
        elif isinstance(body, LogsPane):
            body.search(event.value)

    @on(Input.Submitted)
    def _filter_submitted(self, event: Input.Submitted) -> None:
        pane = next((a for a in event.input.ancestors if isinstance(a, Pane)), None)
        if pane is not None and isinstance(pane.body, ContainersTable | ImagesTable):
            pane.body.move_cursor(row=0, animate=False)

    # Engine updates --------------------------------------------------------------------------

    @property
    def containers(self) -> ContainersTable:
        return self.query_one("#containers", ContainersTable)

    @property
    def help(self) -> HelpPanel:
        return self.query_one(HelpPanel)

    @property
    def logs_pane(self) -> LogsPane:
        return self.query_one(LogsPane)

    @property
    def images(self) -> ImagesTable:
        return self.query_one("#images", ImagesTable)

    def on_engine_status(self, message: EngineStatus) -> None:
        status = self.query_one(StatusLine)
        trust = getattr(self.app, "target_trust", "")
        status.set_engine(message.state, message.text, message.info, trust)
        if message.state != "connected":
            return
        self.app.settle_memory()  # type: ignore[attr-defined]  # docker-py is loaded now
        pane = self.query_one(LogsPane)
        if pane.container is not None and pane.container.id in self.containers.items:
            pane.engine_ready()

    def on_snapshot(self, message: Snapshot) -> None:
        self.containers.replace_all({c.id: c for c in message.containers})
        self._set_images(message.images)
        self._after_change()
        if not self._painted:
            self._painted = True
            # Rendered is not yet written: Textual's output thread needs the interpreter for
            # a moment, and importing docker-py (next) would hold it for ~80 ms.
            self.call_after_refresh(self.set_timer, FRAME_OUT_DELAY, self._after_first_paint)

    def on_containers_changed(self, message: ContainersChanged) -> None:
        self.containers.apply_changes(message.changed, message.removed)
        self._after_change()
        self.query_one(LogsPane).containers_changed(message.changed, message.removed)

    def on_images_changed(self, message: ImagesChanged) -> None:
        self._set_images(message.images)

    def _set_images(self, images) -> None:
        usage = image_usage(self.containers.items.values())
        if usage != self.images.usage:
            self.images.usage = usage
            self.images.invalidate_cells()
        self.images.replace_all({i.id: i for i in images})
        self.query_one(ProjectView).show_project(images=images)

    def _after_change(self) -> None:
        running, total = self.containers.counts
        self.query_one(StatusLine).set_counts(
            f"{running} running / {total} containers · {len(self.images.items)} images")
        self.query_one("#containers-pane", Pane).set_subtitle(f"{running}/{total}")
        self.query_one("#images-pane", Pane).set_subtitle(str(len(self.images.items)))

    # Selection → logs ------------------------------------------------------------------------

    @on(ContainersTable.RowHighlighted, "#containers")
    def _container_highlighted(self) -> None:
        selected = self.containers.selected
        pane = self.logs_pane
        # Only the user's own moves switch the logs; an event reshuffling the list must not
        # replace what the pane shows (a finished build's output, say).
        if selected is not None and (self.containers.has_focus or
                                     (pane.container is None and not pane.keep_output)):
            pane.show_container(selected)

    @on(ContainersTable.ShowLogs)
    def _show_logs(self, event: ContainersTable.ShowLogs) -> None:
        if event.several:
            self.logs_pane.show_many(event.several, "marked containers")
        else:
            self.logs_pane.show_container(event.container, now=True)
        self.action_focus_pane("logs")

    def action_project_logs(self) -> None:
        selected = self.containers.selected
        project = selected.compose_project if selected else ""
        if not project:
            self.notify("The selected container is not part of a compose project.",
                        severity="warning")
            return
        members = [c for c in self.containers.items.values() if c.compose_project == project]
        self.logs_pane.show_many(members, f"compose project {project}")
        self.action_focus_pane("logs")

    # Logs ------------------------------------------------------------------------------------

    def action_save_logs(self) -> None:
        self.save_logs()

    def save_logs(self) -> None:
        pane = self.logs_pane
        name = pane.container.name if pane.container else (
            "build" if pane.building else "logs")
        default = Path.cwd() / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.log"

        def write(path: Path | None) -> None:
            if path is None:
                return
            try:
                count = pane.view.save(path)
            except OSError as exc:
                self.notify(str(exc), title="Not saved", severity="error")
                return
            self.notify(f"Saved {count} lines to {path}", title="Logs")

        from dockui.screens.save_dialog import SaveDialog

        self.app.push_screen(SaveDialog("Save the logs shown", default), write)

    def action_command_log(self) -> None:
        from dockui.screens.command_log_screen import CommandLogScreen

        self.app.push_screen(CommandLogScreen(self.app.command_log))

    def pane_body(self, name: str) -> Widget:
        return self.query_one(f"#{name}-pane", Pane).body
