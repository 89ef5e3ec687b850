"""`o` in Logs: how many lines of history to fetch, and how many to keep."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from dockui.screens.form import FieldError, FormScreen
from dockui.settings import KEEP_RANGE, TAIL_RANGE, LogSettings, parse_count

FIELDS = {"tail": TAIL_RANGE, "keep": KEEP_RANGE}


class LogOptionsDialog(FormScreen[LogSettings]):
    """Two numbers, saved in dockui's settings file."""

    def __init__(self, current: LogSettings) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form") as form:
            form.border_title = "Log lines"
            yield Label("Lines of history when a container is chosen (docker logs --tail)")
            yield Input(str(self.current.tail), id="tail")
            yield FieldError(id="err-tail")
            yield Label("Lines kept; older ones drop off with a marker (about 0.3 kB each)")
            yield Input(str(self.current.keep), id="keep")
            yield FieldError(id="err-keep")
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#tail", Input).focus()

    def check(self) -> dict[str, str]:
        errors = {}
        for field, bounds in FIELDS.items():
            try:
                parse_count(self.query_one(f"#{field}", Input).value, bounds)
            except ValueError as exc:
                errors[field] = str(exc)
        return errors

    def result(self) -> LogSettings:
        return LogSettings(**{field: parse_count(self.query_one(f"#{field}", Input).value, bounds)
                              for field, bounds in FIELDS.items()})

    def on_input_submitted(self) -> None:
        self.action_submit()
