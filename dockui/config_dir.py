"""Where dockui keeps its own small files: ``$XDG_CONFIG_HOME/dockui/``."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def config_file(name: str, environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/dockui/<name>``; ``XDG_CONFIG_HOME`` defaults to ``~/.config``.

    A relative ``XDG_CONFIG_HOME`` is ignored, as the XDG spec says; ``~`` is ``HOME``.
    """
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    if config and Path(config).is_absolute():
        base = Path(config)
    else:
        home = env.get("HOME", "")
        base = (Path(home) if home else Path.home()) / ".config"
    return base / "dockui" / name


def write_json(path: Path, data: Any, indent: int | str = 2, sort_keys: bool = True) -> None:
    """Write ``data`` as JSON atomically: a crash leaves the old file, never half a new one.

    The file is readable by the user only (``mkstemp``), in a folder created as 0700.

    Raises:
        OSError: The folder or file cannot be written.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=indent, sort_keys=sort_keys)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
