"""`?`: every binding of every pane, in one place."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from dockui.widgets.key_bar import KeyBar

LINE_ROOM = 200
"""Cells a line of help may take: more than any key and its description need."""


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


class HelpPanel(ScrollView, can_focus=False):
    """The keys, over the panes until escape, `q` or `?`.

    A panel of the main screen, not a screen of its own: a screen to open meant a whole new
    frame to draw, and closing it a redraw of every pane; during a log flood that took most of
    a 0.1 s key press. It does not take the focus either (in Textual that redraws the whole
    screen): while it is open the app hands it every key. Its lines are drawn from strips
    made once, as the bindings never change while the app runs.
    """

    DEFAULT_CSS = """
    HelpPanel {
        layer: help; visibility: hidden; overflow-y: scroll;
        width: 80; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = "Keys"
        self.text: Text | None = None
        self._style = Style()
        self._lines: list[Strip] = []
        self._width = 0  # of the lines shown (the scroll bar's column aside)

    @property
    def is_open(self) -> bool:
        return self.styles.visibility == "visible"

    def prepare(self) -> None:
        """Make the lines now, so that opening help has only to draw them.

        Made once, unwrapped (they are shorter than help is wide; in a narrower terminal they
        scroll sideways), in the panel's colours of the moment (a theme may change them).
        """
        if self.text is None:
            self.text = _help_text(self.screen)
        style = self.rich_style
        if style != self._style or not self._lines:
            console = self.app.console
            options = console.options.update(width=LINE_ROOM, no_wrap=True, overflow="crop")
            self._style = style
            self._lines = [Strip(line).apply_style(style)
                           for line in console.render_lines(self.text, options, pad=False)]
            self.refresh()  # lines drawn before (in other colours) are stale

    def open(self) -> None:
        self.prepare()
        # Sized here, not in prepare: sized while hidden, it was not drawn when it first
        # opened at 80x24 (its lines came only as it scrolled).
        self.virtual_size = Size(max((line.cell_length for line in self._lines), default=0),
                                 len(self._lines))
        self.scroll_home(animate=False)
        self.styles.visibility = "visible"  # not a class: no style sheet to apply again
        self.screen.query_one(KeyBar).keys_of = self

    async def take_key(self, key: str) -> None:
        """A key pressed while help is open (the app hands them all here): its own, or none."""
        bindings = self._bindings.key_to_bindings.get(key)
        if bindings:
            await self.run_action(bindings[0].action)

    def action_close(self) -> None:
        if self.is_open:
            self.styles.visibility = "hidden"
            self.screen.query_one(KeyBar).keys_of = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._width = self.scrollable_content_region.width  # once a frame, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        # Called for every line of every frame help is in: nothing here asks the styles.
        scroll_x, scroll_y = self.scroll_offset
        width = self._width
        row = scroll_y + y
        if row >= len(self._lines):
            return Strip.blank(width, self._style)
        return self._lines[row].crop_extend(scroll_x, scroll_x + width, self._style)


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
