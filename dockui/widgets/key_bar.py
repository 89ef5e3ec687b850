"""The bottom line: the keys that work where the focus is, help's and the palette's."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import ActiveBinding
from textual.widget import Widget

PALETTE_SEPARATOR = "▏"
PINNED = {"help"}
"""Actions kept at the right end, beside the palette, however many keys the pane has."""


class KeyBar(Widget):
    """Textual's Footer, drawn as one line of text.

    The Footer mounts a widget per key each time the bindings change (every focus move, every
    dialog opened or closed): about 20 ms of styling each time, far more while a log flood
    redraws. This draws the same line from the bindings when it renders, and nothing else.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1;
        color: $footer-foreground; background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground; background: $footer-description-background;
        }
        & > .key-bar--separator { color: $foreground 20%; }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled
        self._keys_of: Widget | None = None

    @property
    def keys_of(self) -> Widget | None:
        """A widget whose keys alone are shown (and work), such as help while it is open."""
        return self._keys_of

    @keys_of.setter
    def keys_of(self, widget: Widget | None) -> None:
        self._keys_of = widget
        self.refresh()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        dim = Style(dim=True)
        app = self.app
        active = self.screen.active_bindings
        if self._keys_of is not None:
            node = self._keys_of
            active = {key: ActiveBinding(node, binding, True, "")
                      for key, binding in node._bindings if binding.description}
        left, right = Text(end=""), Text(end="")
        left_spans: list[tuple[int, int, str, bool]] = []
        right_spans: list[tuple[int, int, str, bool]] = []
        shown: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in shown:
                continue
            shown.add(binding.action)
            pinned = binding.action in PINNED
            line, spans = (right, right_spans) if pinned else (left, left_spans)
            start = len(line)
            extra = Style() if enabled else dim
            line.append(f" {app.get_key_display(binding)} ", key_style + extra)
            line.append(f"{binding.description} ", description_style + extra)
            spans.append((start, len(line), binding.key, enabled))
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            right.append(PALETTE_SEPARATOR, self.get_component_rich_style("key-bar--separator"))
            start = len(right)
            right.append(app.get_key_display(binding), key_style)
            right.append(f" {binding.description} ", description_style)
            right_spans.append((start, len(right), binding.key, enabled))
        width = self.size.width
        room = max(width - len(right), 0)
        if len(left) > room:  # the pane's last keys give way; help lists them all
            left.truncate(max(room - 1, 0))
            left.append("…", description_style)
            left_spans = [span for span in left_spans if span[1] < room]
        left.truncate(room, pad=True)
        self._spans = left_spans + [(start + room, end + room, key, enabled)
                                    for start, end, key, enabled in right_spans]
        left.append_text(right)
        left.no_wrap, left.overflow = True, "crop"
        return left

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
