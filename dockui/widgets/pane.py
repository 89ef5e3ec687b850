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
    Pane > FilterInput, Pane > FilterInput:focus { height: 1; border: none; padding: 0 1; }
    """

    def __init__(self, body: Widget, number: int, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.body = body
        self.number = number
        self.title = title
        self.border_title = f"[b]{number}[/] {title}"

    def compose(self) -> ComposeResult:
        line = FilterInput(placeholder="filter…  (enter: back to the list, escape: clear)")
        line.display = False
        yield line
        yield self.body

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def open_filter(self, placeholder: str | None = None) -> None:
        """Show the filter line and focus it."""
        if placeholder:
            self.filter_input.placeholder = placeholder
        self.add_class("-filtering")
        # Shown and focused now (an inline style, and not focus()'s call_later): keys typed
        # right after `/`, or pasted, would otherwise reach the list, where letters are actions.
        self.filter_input.display = True
        self.screen.set_focus(self.filter_input)

    def focus_body(self) -> None:
        """Focus the list now (not deferred: the next key typed must reach it)."""
        body = self.body
        self.screen.set_focus(getattr(body, "view", body))

    def close_filter(self) -> None:
        self.remove_class("-filtering")
        self.filter_input.display = False
        self.focus_body()

    def set_subtitle(self, text: str) -> None:
        self.border_subtitle = text

    @on(FilterInput.Cleared)
    def _cleared(self) -> None:
        self.close_filter()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if not self.filter_input.value:
            self.remove_class("-filtering")
            self.filter_input.display = False
        self.focus_body()
