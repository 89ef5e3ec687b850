"""`r` in Images: the run form, then create + start, then the new container in view."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding

from dockui.engine.models import ContainerInfo
from dockui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:  # the run form and the engine calls are imported when first used
    from dockui.engine.options import RunSpec
    from dockui.engine.run import StartFailed
    from dockui.engine.service import Engine
    from dockui.screens.run_dialog import RunContext, ShowExisting

PROJECT_LABEL = "dockui.project"
"""Label on containers run by dockui: the project folder it ran them from."""
EXTRA_LABELS: dict[str, str] = {}
"""More labels for every container run from the form (the tests mark theirs)."""
SELECT_TRIES = 40
SELECT_RETRY_SECONDS = 0.25
"""A new container reaches the list through the event stream: look for it this long."""


class KeepQuestion(ConfirmScreen):
    """The "keep the created container?" question: `enter`, like `n`, answers No."""

    AUTO_FOCUS = "#no"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", priority=True),
        Binding("n,escape,enter", "answer(False)", "No", priority=True),
    ]


class RunActions:
    """Mixed into the main screen."""

    project_dir: Path

    def action_run_image(self) -> None:
        image = self.images.selected
        engine: Engine | None = self.app.engine
        if image is None:
            self.notify("No image selected.", severity="warning")
            return
        if engine is None:
            self.notify("Not connected to an engine.", severity="error")
            return
        from dockui.screens.run_dialog import RunDialog

        name = self.images.selected_tag or image.short_id
        self.app.push_screen(RunDialog(name, self._run_context(engine, name)),
                             self._run_form_closed)

    def _run_context(self, engine: Engine, image: str) -> RunContext:
        from dockui.engine.run import engine_socket_paths, list_networks
        from dockui.run_history import history_path, recall
        from dockui.screens.run_dialog import RunContext

        app: Any = self.app
        return RunContext(
            project_dir=self.project_dir,
            home=Path.home(),
            environ=app.environ,
            containers=lambda: list(self.containers.items.values()),
            networks=lambda: list_networks(engine.api),
            remote=engine.target.transport != "unix",
            sockets=engine_socket_paths(engine.target.host),
            prefill=recall(image, history_path(app.environ)),
        )

    def _run_form_closed(self, result: RunSpec | ShowExisting | None) -> None:
        from dockui.engine.options import RunSpec
        from dockui.screens.run_dialog import ShowExisting

        if isinstance(result, ShowExisting):
            if not self._select_container(result.container_id):
                self.notify(f"{result.name} is not shown in Containers: clear the filter, "
                            "or press a there to show stopped ones.", severity="warning",
                            markup=False)
        elif isinstance(result, RunSpec):
            self._run(result)

    def _run(self, spec: RunSpec) -> None:
        from dockui.run_history import history_path, remember

        app: Any = self.app
        engine = app.engine
        if engine is None:
            self.notify("Not connected to an engine: nothing was created.", severity="error")
            return
        # Secret-looking variables are left out of the history (it is a file on disk).
        remember(spec.image, spec, history_path(app.environ))
        argv = shlex.split(spec.to_cli(mask_secrets=True))
        labels = {PROJECT_LABEL: str(self.project_dir), **EXTRA_LABELS}
        self.run_container(engine, spec, argv, labels)

    @work(thread=True, group="run", exit_on_error=False)
    def run_container(self, engine: Engine, spec: RunSpec, argv: list[str],
                      labels: dict[str, str]) -> None:
        from dockui.engine.errors import EngineError
        from dockui.engine.run import StartFailed, create_and_start

        app: Any = self.app
        try:
            container_id = create_and_start(engine.api, spec, labels, self.project_dir,
                                            app.environ)
        except StartFailed as exc:
            app.call_from_thread(self._start_failed, argv, exc)
            return
        except EngineError as exc:
            app.call_from_thread(app.command_log.add, argv, False, str(exc))
            app.call_from_thread(app.notify, str(exc), title="Not created", severity="error",
                                 timeout=10, markup=False)
            return
        try:
            info = engine.container(container_id)
        except EngineError:
            info = None
        app.call_from_thread(self._started, argv, container_id, info)

    def _started(self, argv: list[str], container_id: str, info: ContainerInfo | None) -> None:
        name = info.name if info else container_id[:12]
        self.app.command_log.add(argv, True, f"started {name}")
        self.notify(f"Started {name}", title="Run", timeout=4, markup=False)
        self._select_container(container_id, tries=SELECT_TRIES)
        if info is not None:
            self.logs_pane.show_container(info, now=True)

    def _select_container(self, container_id: str, tries: int = 0) -> bool:
        """Select the container in Containers; retry while the event stream brings it."""
        if self.containers.select_key(container_id):
            self.action_focus_pane("containers")
            return True
        if tries > 0:
            self.set_timer(SELECT_RETRY_SECONDS,
                           lambda: self._select_container(container_id, tries - 1))
        return False

    def _start_failed(self, argv: list[str], exc: StartFailed) -> None:
        self.app.command_log.add(argv, False, exc.message)
        if not exc.exists:
            self.notify(f"{exc.message}\n(--rm: the engine removed the container)",
                        title="The container did not start", severity="error", timeout=15,
                        markup=False)
            return
        short = exc.container_id[:12]

        def answered(keep: bool | None) -> None:
            if keep:
                self.notify(f"Kept {short} (created, not running).", timeout=4)
                self._select_container(exc.container_id, tries=SELECT_TRIES)
                return
            from dockui.engine.run import remove_quietly

            self.engine_call(["docker", "rm", "--force", "--volumes", short],
                             lambda e: remove_quietly(e.api, exc.container_id),
                             f"Removed {short}, which did not start")

        body = Text(exc.message)
        body.append("\n\nKeep the created container? (No removes it)", style="bold")
        self.app.push_screen(KeepQuestion("The container did not start", body, yes="Keep"),
                             answered)
