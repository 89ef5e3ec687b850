"""A titled, numbered pane with an optional filter line above its body."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class FilterInput(Input):
    """The `/` line: typing narrows, enter goes back to the list, escape clears."""

    BINDINGS = [Binding("escape", "clear_filter", "Clear", show=True)]

    class Cleared(Message):
        """Escape was pressed: the filter is gone."""

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())


class Pane(Vertical):
    """One of the four panes: a border titled ``N Title`` around a body widget."""

    DEFAULT_CSS = """
    Pane { border: round $panel-lighten-2; height: 1fr; }
    Pane:focus-within { border: round $accent; }
    Pane > FilterInput { display: none; height: 1; border: none; padding: 0 1; }
    Pane.-filtering > FilterInput { display: block; }
    """

    def __init__(self, body: Widget, number: int, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.body = body
        self.number = number
        self.title = title
        self.border_title = f"[b]{number}[/] {title}"

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="filter…  (enter: back to the list, escape: clear)")
        yield self.body

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def open_filter(self, placeholder: str | None = None) -> None:
        """Show the filter line and focus it."""
        if placeholder:
            self.filter_input.placeholder = placeholder
        self.add_class("-filtering")
        self.filter_input.focus()

    def close_filter(self) -> None:
        self.remove_class("-filtering")
        self.body.focus()

    def set_subtitle(self, text: str) -> None:
        self.border_subtitle = text

    @on(FilterInput.Cleared)
    def _cleared(self) -> None:
        self.close_filter()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if not self.filter_input.value:
            self.remove_class("-filtering")
        self.body.focus()
