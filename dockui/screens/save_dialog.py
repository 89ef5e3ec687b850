"""ctrl+s in Logs: save what is shown to a file (path editable)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dockui.screens.form import FieldError, FormScreen


class SaveDialog(FormScreen[Path]):
    """Asks where to write; refuses a folder that does not exist."""

    def __init__(self, title: str, default: Path) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="form") as form:
            form.border_title = self.title_text
            yield Label("File")
            yield Input(str(self.default), id="path")
            yield FieldError(id="err-path")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _path(self) -> Path:
        return Path(os.path.expanduser(self.query_one(Input).value.strip()))

    def check(self) -> dict[str, str]:
        value = self.query_one(Input).value.strip()
        if not value:
            return {"path": "a file name is needed"}
        path = self._path()
        if path.is_dir():
            return {"path": f"{path} is a folder: add a file name"}
        if not path.absolute().parent.is_dir():
            return {"path": f"the folder {path.absolute().parent} does not exist"}
        return {}

    def result(self) -> Path:
        return self._path()

    def on_input_submitted(self) -> None:
        self.action_submit()
