"""The line that names the engine dockui is connected to."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from dockui.engine.models import EngineInfo

_MARKS = {"connected": ("●", "green"), "connecting": ("◌", "yellow"), "down": ("✖", "red")}


class StatusLine(Static):
    """One line: connection state, host, engine version, trust, and counts."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.state = "connecting"
        self.message = ""
        self.info: EngineInfo | None = None
        self.trust = ""
        self.counts = ""

    def set_engine(self, state: str, message: str, info: EngineInfo | None = None,
                   trust: str = "") -> None:
        self.state, self.message, self.trust = state, message, trust
        if info is not None:
            self.info = info
        self._redraw()

    def set_counts(self, text: str) -> None:
        self.counts = text
        self._redraw()

    def _redraw(self) -> None:
        mark, colour = _MARKS.get(self.state, ("?", ""))
        line = Text()
        line.append(f"{mark} ", style=f"bold {colour}")
        if self.state == "connected" and self.info:
            line.append(self.info.host, style="bold")
            line.append(f"  Docker {self.info.version} (API {self.info.api_version})")
            if self.trust:
                line.append(f"  {self.trust}", style="yellow" if "not" in self.trust
                            or "unencrypted" in self.trust else "green")
            if self.counts:
                line.append(f"  ·  {self.counts}", style="dim")
        else:
            line.append(self.message)
        self.update(line)
