"""Project pane actions: build, generate a Dockerfile, clean requirements."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import work

from dockui.engine.errors import EngineError
from dockui.messages import BuildEnded, BuildProgress
from dockui.project.scan import scan_project
from dockui.screens.confirm import ConfirmScreen
from dockui.widgets.project_pane import ProjectView

if TYPE_CHECKING:  # docker-py comes with them: imported at the first build
    from dockui.engine.build import Build, BuildSpec

BATCH_SECONDS = 0.05
"""Build output is posted to the UI at most this often: a chatty build must not flood it."""


class ProjectActions:
    """Mixed into the main screen."""

    project_dir: Path
    _build: Build | None = None

    # Scan ------------------------------------------------------------------------------------

    def action_rescan(self) -> None:
        self.scan_project()

    @work(thread=True, exclusive=True, group="project", exit_on_error=False)
    def scan_project(self) -> None:
        from dockui.project.findings import find_issues  # dockerfile-parse: off the start-up path

        info = scan_project(self.project_dir)
        findings = find_issues(info)
        view = self.query_one(ProjectView)
        self.app.call_from_thread(view.show_project, info, None, findings)

    # Build -----------------------------------------------------------------------------------

    def action_build(self) -> None:
        if self._build is not None:
            self.notify("A build is running: escape in the Logs pane cancels it.",
                        severity="warning")
            return
        view = self.query_one(ProjectView)
        info = view.info or scan_project(self.project_dir)
        if not info.dockerfiles:
            self.notify("This folder has no Dockerfile: press g in the Project pane to "
                        "generate one.", severity="warning", timeout=6)
            return
        from dockui.screens.build_dialog import BuildDialog

        self.app.push_screen(BuildDialog(info, f"{view.image_name}:latest"), self._start_build)

    def _start_build(self, spec: BuildSpec | None) -> None:
        if spec is None:
            return
        engine = self.app.engine
        if engine is None:
            self.notify("No engine: the build can start once dockui is connected.",
                        severity="error")
            return
        from dockui.engine.build import Build

        self._build = Build(engine.api, spec)
        self.logs_pane.start_build(spec)
        self.action_focus_pane("logs")
        self.run_build(self._build)

    def action_cancel_build(self) -> None:
        if self._build is not None:
            self._build.cancel()

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def run_build(self, build: Build) -> None:
        from dockui.engine.build import BuildCancelled, BuildFailed

        batch: list = []
        last = time.monotonic()
        outcome = BuildEnded(ok=False, spec=build.spec)
        try:
            for record in build:
                batch.append(record)
                now = time.monotonic()
                if now - last >= BATCH_SECONDS or record.kind == "done":
                    self.post_message(BuildProgress(batch))
                    batch, last = [], now
                if record.kind == "done":
                    outcome = BuildEnded(ok=True, spec=build.spec, image_id=record.image_id)
        except BuildFailed as exc:
            outcome = BuildEnded(ok=False, spec=build.spec, failure=exc.failure,
                                 message=str(exc))
        except BuildCancelled:
            outcome = BuildEnded(ok=False, spec=build.spec, message="build cancelled",
                                 cancelled=True)
        except EngineError as exc:
            outcome = BuildEnded(ok=False, spec=build.spec, message=str(exc))
        finally:
            if batch:
                self.post_message(BuildProgress(batch))
        outcome.elapsed = time.monotonic() - build.started
        self.post_message(outcome)

    def on_build_progress(self, message: BuildProgress) -> None:
        self.logs_pane.build_records(message.records)

    def on_build_ended(self, message: BuildEnded) -> None:
        self._build = None
        self.logs_pane.end_build(message)
        if message.ok:
            tags = ", ".join(message.spec.tags)
            self.notify(f"Built {tags} in {message.elapsed:.1f} s", title="Build done")
            self.select_image(message.image_id, message.spec.tags[0])
            self.scan_project()
        elif message.cancelled:
            self.notify("Build cancelled", severity="warning")
        else:
            self.notify(message.message, title="Build failed", severity="error", timeout=10)

    # Generate --------------------------------------------------------------------------------

    def action_generate(self) -> None:
        from rich.syntax import Syntax

        from dockui.project.generate import plan_generation, write_generated

        plan = plan_generation(self.project_dir)
        if not plan:
            self.notify("This folder already has a Dockerfile and a .dockerignore: dockui "
                        "never overwrites them.", severity="warning", timeout=6)
            return
        parts = []
        for name, content in plan:
            parts.append(Text(f"\n{name}", style="bold"))
            lexer = "docker" if name == "Dockerfile" else "text"
            parts.append(Syntax(content, lexer, theme="ansi_dark", background_color="default"))
        body = Group(Text("Preview: nothing is written until you say yes.", style="dim"),
                     *parts)

        def write(ok: bool | None) -> None:
            if not ok:
                return
            try:
                written = write_generated(self.project_dir, plan)
            except (OSError, ValueError) as exc:
                self.notify(str(exc), title="Nothing written", severity="error")
                return
            self.notify("Wrote " + ", ".join(p.name for p in written), title="Generated")
            self.scan_project()

        names = " and ".join(name for name, _ in plan)
        self.app.push_screen(ConfirmScreen(f"Write {names}?", body, yes="Write",
                                           danger=False), write)

    # Requirements ------------------------------------------------------------------------------

    def action_clean_requirements(self) -> None:
        self.freeze_requirements()

    @work(thread=True, exclusive=True, group="freeze", exit_on_error=False)
    def freeze_requirements(self) -> None:
        from dockui.project.requirements import FreezeError, find_project_venv, freeze_from_venv

        venv = find_project_venv(self.project_dir)
        if venv is None:
            self.app.call_from_thread(
                self.notify, "No virtualenv (.venv, venv or env) in the project folder.",
                severity="warning")
            return
        try:
            text = freeze_from_venv(venv)
        except FreezeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._confirm_requirements, text)

    def _confirm_requirements(self, text: str) -> None:
        from rich.syntax import Syntax

        target = self.project_dir / "requirements.txt"
        verb = "Replace" if target.exists() else "Write"

        def write(ok: bool | None) -> None:
            if ok:
                try:
                    target.write_text(text)
                except OSError as exc:
                    self.notify(str(exc), severity="error")
                    return
                self.notify("Wrote requirements.txt", title="Requirements")
                self.scan_project()

        body = Syntax(text or "# (no packages)", "text", theme="ansi_dark",
                      background_color="default")
        self.app.push_screen(ConfirmScreen(f"{verb} requirements.txt?", body, yes=verb,
                                           danger=target.exists()), write)
