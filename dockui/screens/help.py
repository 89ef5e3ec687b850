"""`?`: every binding of every pane, in one place."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static


def bindings_of(widget: Widget) -> list[tuple[str, str]]:
    """(keys, description) for every described binding a widget has, its own class first."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for cls in type(widget).__mro__:
        if not cls.__module__.startswith("dockui"):
            continue  # Textual's own cursor keys are not news to anyone
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = binding.key_display or binding.key
            rows.append((keys.replace(",", " / "), binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the app and of each pane."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        main = self.app.main  # type: ignore[attr-defined]
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        sections: list[tuple[str, list[Widget]]] = [("Everywhere", [self.app, main])]
        for name in ("project", "images", "containers", "logs"):
            body = main.pane_body(name)
            sections.append((f"{name.title()} pane", [body, *body.query("*")]))
        for title, widgets in sections:
            table.add_row(Text(title, style="bold underline"), "")
            done: set[str] = set()
            for widget in widgets:
                for keys, description in bindings_of(widget):
                    if keys not in done:
                        done.add(keys)
                        table.add_row(keys, description)
            table.add_row("", "")
        table.add_row("tab / shift+tab", "next / previous pane")
        table.add_row("ctrl+p", "command palette: every action")
        with VerticalScroll():
            yield Static(table)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
