"""dockui's own settings (how much log to fetch and keep): ``…/dockui/settings.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from dockui.config_dir import config_file, write_json

TAIL_RANGE = (0, 100_000)
"""Lines of history a container's log starts with."""
KEEP_RANGE = (1_000, 1_000_000)
"""Lines the Logs pane keeps before the oldest drop off (memory: about 0.3 kB a line)."""


@dataclass(frozen=True)
class LogSettings:
    """How much of a container's log the Logs pane fetches and keeps."""

    tail: int = 500
    keep: int = 20_000


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    return config_file("settings.json", environ)


def parse_count(text: str, bounds: tuple[int, int]) -> int:
    """A whole number within ``bounds``.

    Raises:
        ValueError: With a message that says what would be right.
    """
    low, high = bounds
    value = text.strip().replace(",", "").replace("_", "")
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"a whole number from {low:,} to {high:,}")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"from {low:,} to {high:,}")
    return number


def load_settings(path: Path) -> LogSettings:
    """The saved settings; the defaults for anything missing, unreadable or out of range."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LogSettings()
    logs = data.get("logs") if isinstance(data, dict) else None
    if not isinstance(logs, dict):
        return LogSettings()
    values = {}
    for key, bounds in (("tail", TAIL_RANGE), ("keep", KEEP_RANGE)):
        value = logs.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and \
                bounds[0] <= value <= bounds[1]:
            values[key] = value
    return LogSettings(**values)


def save_settings(path: Path, settings: LogSettings) -> None:
    """Write the settings (atomically: a crash leaves the old ones).

    Raises:
        OSError: The folder or file cannot be written.
    """
    write_json(path, {"logs": asdict(settings)})
