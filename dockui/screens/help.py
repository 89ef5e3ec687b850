"""`?`: every binding of every pane, in one place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


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


class HelpText(ScrollView, can_focus=True):
    """The keys, drawn line by line from strips made once per width (the text never changes
    while the app runs): opening help during a log flood costs a layout, not a render."""

    def __init__(self, text: Text, strips: dict[int, list[Strip]]) -> None:
        super().__init__()
        self.text = text
        self._strips = strips  # shared by every HelpScreen of the app

    def _lines(self) -> list[Strip]:
        width = self.scrollable_content_region.width
        lines = self._strips.get(width)
        if lines is None:
            console = self.app.console
            options = console.options.update_width(max(width, 1))
            base = self.rich_style  # the panel's own colours under the text's
            lines = self._strips[width] = [
                Strip(line).apply_style(base)
                for line in console.render_lines(self.text, options, pad=False)]
        return lines

    def on_resize(self) -> None:
        lines = self._lines()
        self.virtual_size = Size(max((line.cell_length for line in lines), default=0),
                                 len(lines))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        lines = self._lines()
        width = self.scrollable_content_region.width
        row = scroll_y + y
        if row >= len(lines):
            return Strip.blank(width, self.rich_style)
        return lines[row].crop_extend(scroll_x, scroll_x + width, self.rich_style)


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the app and of each pane."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background; }
    HelpScreen > HelpText {
        width: 80; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        main = self.app.main  # type: ignore[attr-defined]
        made = getattr(main, "help_text", None)  # the bindings never change: made once
        if made is None:
            made = main.help_text = (_help_text(main), {})
        yield HelpText(*made)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


def _help_text(main: Widget) -> Text:
    sections: list[tuple[str, list[Widget]]] = [("Everywhere", [main.app, main])]
    for name in ("project", "images", "containers", "logs"):
        body = main.pane_body(name)  # type: ignore[attr-defined]
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
    return _two_columns(rows, {title for title, _ in sections})
