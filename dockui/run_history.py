"""The last run options used for each image, kept between sessions.

One small JSON file in the user's config folder (``$XDG_CONFIG_HOME/dockui/run_history.json``,
``~/.config/dockui/`` by default) maps an image to the ``docker run`` line last used for it.
Variables whose name looks secret are left out of the line: secrets never reach the disk.

Pure file handling, no Textual. A missing, unreadable or damaged file is an empty history:
remembering options is a convenience and must never stop a run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from dockui.config_dir import config_file, write_json
from dockui.engine.options import RunSpec, is_secret_key

FILE_NAME = "run_history.json"
MAX_IMAGES = 100
"""Images remembered; the least recently used are forgotten first."""
VERSION = 1


def history_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the history lives: ``$XDG_CONFIG_HOME/dockui/run_history.json``.

    Args:
        environ: The environment to read ``XDG_CONFIG_HOME`` and ``HOME`` from; dockui's own
            by default.
    """
    return config_file(FILE_NAME, environ)


def line_to_store(spec: RunSpec) -> str:
    """The ``docker run`` line to remember for ``spec``: secret-looking variables dropped."""
    kept = tuple((key, value) for key, value in spec.env if not is_secret_key(key))
    return replace(spec, env=kept).to_cli(mask_secrets=False)


def load(path: Path) -> dict[str, dict[str, Any]]:
    """Image → ``{"line": ..., "used": epoch seconds}``; empty when the file is unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    images = data.get("images") if isinstance(data, dict) else None
    if not isinstance(images, dict):
        return {}
    return {image: entry for image, entry in images.items()
            if isinstance(image, str) and isinstance(entry, dict)
            and isinstance(entry.get("line"), str)}


def recall(image: str, path: Path | None = None) -> str | None:
    """The line last used to run ``image``, or None."""
    entry = load(path or history_path()).get(image)
    return entry["line"] if entry else None


def remember(image: str, spec: RunSpec, path: Path | None = None,
             now: float | None = None) -> bool:
    """Store ``spec`` as the last options used for ``image``.

    Returns:
        Whether it was written (False when the config folder cannot be written).
    """
    path = path or history_path()
    images = load(path)
    images[image] = {"line": line_to_store(spec), "used": time.time() if now is None else now}
    newest = sorted(images.items(), key=lambda item: _used(item[1]), reverse=True)
    try:
        _write(path, {"version": VERSION, "images": dict(newest[:MAX_IMAGES])})
    except OSError:
        return False
    return True


def _used(entry: Mapping[str, Any]) -> float:
    used = entry.get("used")
    return float(used) if isinstance(used, int | float) else 0.0


def _write(path: Path, data: dict[str, Any]) -> None:
    write_json(path, data)
