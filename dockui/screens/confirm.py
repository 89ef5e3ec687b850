"""A yes/no question: `y` / `enter` accept, `n` / `escape` refuse."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be undone.

    With ``option`` set, a checkbox (e.g. "also remove its volumes") is shown, and the answer
    is read from :attr:`option_value` after dismissal.
    """

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: round $warning;
        background: $surface; padding: 1 2;
    }
    ConfirmScreen .buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen .buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]

    def __init__(self, title: str, body: str | Text = "", *, yes: str = "Yes",
                 option: str | None = None, danger: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes
        self.option = option
        self.option_value = False
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.body:
                yield Static(self.body, id="body")
            if self.option:
                yield Checkbox(self.option, id="option")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="error" if self.danger else "primary",
                             id="yes")
                yield Button("No (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        if self.option:
            self.option_value = self.query_one("#option", Checkbox).value
        self.dismiss(value)
