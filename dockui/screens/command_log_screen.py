"""`L`: every action dockui took, as docker CLI lines; saves as a shell script."""

from __future__ import annotations

import time
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dockui.command_log import CommandLog
from dockui.screens.save_dialog import SaveDialog


class CommandLogScreen(ModalScreen[None]):
    """The command log, newest last."""

    DEFAULT_CSS = """
    CommandLogScreen { align: center middle; }
    CommandLogScreen > VerticalScroll {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,q,L", "close", "Close"),
        Binding("ctrl+s", "save", "Save as a script"),
    ]

    def __init__(self, log: CommandLog) -> None:
        super().__init__()
        self.log = log

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        for entry in self.log.entries:
            mark = Text("✔", style="green") if entry.ok else Text("✖", style="red")
            line = Text(entry.line)
            if not entry.ok:
                line.append(f"\n  {entry.result}", style="red")
            table.add_row(time.strftime("%H:%M:%S", time.localtime(entry.when)), mark, line)
        if not self.log.entries:
            table.add_row("", "", Text("Nothing yet: actions you take appear here as the "
                                       "docker commands that do the same.", style="dim"))
        with VerticalScroll() as scroll:
            scroll.border_title = "Command log  (ctrl+s saves it as a shell script)"
            yield Static(table)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        default = Path.cwd() / f"dockui-commands-{time.strftime('%Y%m%d-%H%M%S')}.sh"

        def write(path: Path | None) -> None:
            if path is None:
                return
            try:
                path.write_text(self.log.as_script())
                path.chmod(0o755)
            except OSError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"Saved {path}", title="Command log")

        self.app.push_screen(SaveDialog("Save the command log", default), write)
