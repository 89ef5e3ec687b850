"""`t` in Images: add a tag to an image."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dockui.engine.reference import reference_error
from dockui.screens.form import FieldError, FormScreen


class TagDialog(FormScreen[str]):
    """Asks for the new reference, e.g. ``127.0.0.1:5000/app:1.0``."""

    def __init__(self, current: str, suggestion: str) -> None:
        super().__init__()
        self.current = current
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="form") as form:
            form.border_title = f"Tag {self.current}"
            yield Label("New tag ([registry/]name[:tag])")
            yield Input(self.suggestion, id="tag")
            yield FieldError(id="err-tag")
            with Horizontal(classes="buttons"):
                yield Button("Tag", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def check(self) -> dict[str, str]:
        problem = reference_error(self.query_one(Input).value.strip())
        return {"tag": problem} if problem else {}

    def result(self) -> str:
        return self.query_one(Input).value.strip()

    def on_input_submitted(self) -> None:
        self.action_submit()
