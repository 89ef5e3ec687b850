"""`e`: a shell inside a container, on the real terminal, through docker-py."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from typing import Any

from textual.app import SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dockui.engine.errors import describe_error
from dockui.engine.models import ContainerInfo
from dockui.screens.confirm import ConfirmScreen
from dockui.screens.form import FieldError, FormScreen


class CommandDialog(FormScreen[list[str]]):
    """Asks for a command to run in a container instead of its shell (e.g. ``python``)."""

    def __init__(self, container: ContainerInfo) -> None:
        super().__init__()
        self.container = container

    def compose(self) -> Any:
        with Vertical(classes="form") as form:
            form.border_title = f"Run a command in {self.container.name}"
            yield Label("Command (split as a shell would, never run through a shell)")
            yield Input(placeholder="e.g. python", id="command")
            yield FieldError(id="err-command")
            with Horizontal(classes="buttons"):
                yield Button("Run", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def check(self) -> dict[str, str]:
        from dockui.engine.options import OptionError, split_command

        text = self.query_one(Input).value
        if not text.strip():
            return {"command": "type a command, e.g. python or cat /etc/os-release"}
        try:
            split_command(text)
        except OptionError as exc:
            return {"command": str(exc)}
        return {}

    def result(self) -> list[str]:
        from dockui.engine.options import split_command

        return split_command(self.query_one(Input).value)

    def on_input_submitted(self) -> None:
        self.action_submit()


class ExecActions:
    """Mixed into the main screen."""

    def exec_shell(self, container: ContainerInfo, cmd: list[str] | None = None) -> None:
        """Give the terminal to a shell (or ``cmd``) in ``container``; come back when it ends."""
        from dockui.engine.exec_session import (
            ContainerNotRunning,
            ContainerPaused,
            ExecError,
            NoShellError,
            run_shell,
        )

        app: Any = self.app
        engine = app.engine
        if engine is None:
            self.notify("Not connected to an engine.", severity="error")
            return
        if container.state not in ("running", "restarting"):
            self._offer_start(container, cmd)
            return
        argv = ["docker", "exec", "-it", container.name, *(cmd or ["sh"])]
        try:
            try:
                with app.suspend():
                    code = run_shell(engine.api, container.id, cmd)
            finally:
                # The window may have been resized while the shell had it: now resumed,
                # Textual must look at its size again.
                os.kill(os.getpid(), signal.SIGWINCH)
        except SuspendNotSupported:
            self.notify("A shell needs a real terminal: not available here (a browser or a "
                        "test). Use docker exec -it in a terminal.", severity="warning")
            return
        except ContainerNotRunning:
            self._offer_start(container, cmd)
            return
        except (NoShellError, ContainerPaused, ExecError) as exc:
            app.command_log.add(argv, False, str(exc))
            self.notify(str(exc), title="No shell", severity="error", timeout=8)
            return
        except Exception as exc:  # the engine went away mid-session, or refused
            app.command_log.add(argv, False, describe_error(exc))
            self.notify(describe_error(exc), title="Exec failed", severity="error", timeout=8)
            return
        app.command_log.add(argv, code == 0, f"exit code {code}")
        self.notify(f"Shell in {container.name} exited with code {code}",
                    severity="information" if code == 0 else "warning")

    def _offer_start(self, container: ContainerInfo, cmd: list[str] | None) -> None:
        def answer(ok: bool | None) -> None:
            if ok:
                self.engine_call(["docker", "start", container.name],
                                 lambda e: e.start(container.id), f"Started {container.name}",
                                 lambda _: self.exec_shell(replace(container, state="running"),
                                                           cmd))

        self.app.push_screen(ConfirmScreen(
            f"{container.name} is not running", f"Start it to open a shell? ({container.status})",
            yes="Start", danger=False), answer)

    def action_exec_command(self) -> None:
        container = self.containers.selected
        if container is None:
            self.notify("Select a container first.", severity="warning")
            return
        self.app.push_screen(CommandDialog(container),
                             lambda cmd: cmd and self.exec_shell(container, cmd))
