"""The docker CLI's config file, read without docker-py (start-up must not wait for it)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path


def current_context_name(environ: Mapping[str, str] | None = None) -> str:
    """The config's ``currentContext`` ("default" when unset or unreadable).

    The folder is ``$DOCKER_CONFIG`` or ``~/.docker``, as for the CLI and docker-py.
    """
    env = os.environ if environ is None else environ
    folder = env.get("DOCKER_CONFIG") or str(Path.home() / ".docker")
    try:
        config = json.loads((Path(folder) / "config.json").read_text())
    except (OSError, ValueError):
        return "default"
    name = config.get("currentContext") if isinstance(config, dict) else None
    return name if isinstance(name, str) and name else "default"
