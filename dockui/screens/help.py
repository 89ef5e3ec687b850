"""`?`: every binding of every pane, in one place."""

from __future__ import annotations

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


def _two_columns(rows: list[tuple[str, str]], titles: set[str]) -> Text:
    """Keys and what they do, as one Text: it shows at once where a Table takes a while."""
    width = max(len(keys) for keys, _ in rows if keys not in titles) + 2
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for index, (keys, description) in enumerate(rows):
        if index:
            text.append("\n")
        if keys in titles and not description:
            text.append(keys, style="bold underline")
        else:
            text.append(keys.ljust(width), style="bold cyan")
            text.append(description)
    return text


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the app and of each pane."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        main = self.app.main  # type: ignore[attr-defined]
        sections: list[tuple[str, list[Widget]]] = [("Everywhere", [self.app, main])]
        for name in ("project", "images", "containers", "logs"):
            body = main.pane_body(name)
            sections.append((f"{name.title()} pane", [body, *body.query("*")]))
        rows: list[tuple[str, str]] = []
        for title, widgets in sections:
            rows.append((title, ""))
            done: set[str] = set()
            for widget in widgets:
                for keys, description in bindings_of(widget):
                    if keys not in done:
                        done.add(keys)
                        rows.append((keys, description))
            rows.append(("", ""))
        rows += [("tab / shift+tab", "next / previous pane"),
                 ("ctrl+p", "command palette: every action")]
        with VerticalScroll():
            yield Static(_two_columns(rows, {title for title, _ in sections}))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
