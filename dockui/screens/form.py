"""What every form shares: tab between fields, ctrl+s submits, escape closes, live checks."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

T = TypeVar("T")


class FieldError(Static):
    """The message under a field: what is wrong and what would be right."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; padding: 0 0 0 1; display: none; }
    FieldError.-shown { display: block; }
    """

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-shown")
        self.update(Text(message or ""))


class FormScreen(ModalScreen[T], Generic[T]):
    """A modal form. Subclasses implement :meth:`check` and :meth:`result`."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > .form {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FormScreen .form Label { margin-top: 1; color: $text-muted; }
    FormScreen .form Input { border: tall $panel-lighten-2; }
    FormScreen .form .preview { margin-top: 1; color: $text; background: $panel; padding: 0 1; }
    FormScreen .form .buttons { height: auto; margin-top: 1; align-horizontal: right; }
    FormScreen .form .buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "cancel", "Close"),
    ]

    def check(self) -> dict[str, str]:
        """Field id → error message, for each field that is wrong now."""
        return {}

    def result(self) -> T:
        """What the form returns once every field is valid."""
        raise NotImplementedError

    def update_preview(self) -> None:
        """Redraw whatever previews the form's result (e.g. a docker command line)."""

    def show_errors(self) -> dict[str, str]:
        errors = self.check()
        for widget in self.query(FieldError):
            field = (widget.id or "").removeprefix("err-")
            widget.show_error(errors.get(field))
        return errors

    def action_submit(self) -> None:
        errors = self.show_errors()
        if errors:
            self.point_at(*next(iter(errors.items())))
            return
        self.dismiss(self.result())

    def point_at(self, field_id: str, message: str) -> None:
        """Say what is wrong with a field, show it (:meth:`reveal`) and focus it."""
        # No markup: the message may quote what the user typed ("[::1]:80").
        self.notify(message, title="Not yet", severity="warning", timeout=4, markup=False)
        self.reveal(field_id)
        for widget in self.query(f"#{field_id}"):
            widget.focus()

    def reveal(self, field_id: str) -> None:
        """Make the field visible if the form hides it (a folded section, say)."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self, _event: Any) -> None:
        self.show_errors()
        self.update_preview()
