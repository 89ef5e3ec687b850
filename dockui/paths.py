"""Paths as a user reads them: the home folder as ``~``."""

from __future__ import annotations

import os
from pathlib import Path


def tilde(path: str | os.PathLike[str], home: str | os.PathLike[str] | None = None) -> str:
    """``path`` with the home folder written ``~`` (``/home/ann/app`` → ``~/app``)."""
    text = str(path)
    base = str(Path.home() if home is None else home).rstrip("/")
    if not base or base == "/":
        return text
    if text == base:
        return "~"
    if text.startswith(base + "/"):
        return "~" + text[len(base):]
    return text
