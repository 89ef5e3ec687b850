"""requirements.txt that builds anywhere, from the project's own virtualenv.

``pip freeze`` in a conda or locally built environment writes lines such as
``numpy @ file:///home/conda/feedstock_root/...``: paths that exist only on that machine, so
``pip install -r requirements.txt`` fails inside the image. ``pip list --format=freeze``
always writes plain ``name==version`` pins instead.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

VENV_PYTHONS = (".venv/bin/python", "venv/bin/python", "env/bin/python")
# Packages `pip freeze` leaves out by default: they come with the interpreter or image.
_TOOLING = frozenset({"pip", "setuptools", "wheel", "distribute"})
# "name @ file:///..." (PEP 508 direct reference) or a bare "file:" requirement.
_FILE_URL = re.compile(r"^\s*(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*@\s*)?file:", re.I)


class FreezeError(RuntimeError):
    """The virtualenv's pip could not list its packages."""


def file_url_lines(text: str) -> list[int]:
    """Return the 1-based numbers of requirement lines that point at a local ``file:`` URL.

    Args:
        text: The contents of a requirements file.
    """
    return [n for n, line in enumerate(text.splitlines(), start=1) if _FILE_URL.match(line)]


def find_project_venv(path: str | os.PathLike[str]) -> Path | None:
    """Return the Python of the project's virtualenv (``.venv``, ``venv`` or ``env``), if any.

    The path is returned as found, not resolved: a venv's ``python`` is a symlink to the base
    interpreter, and following it would lose the venv's packages.

    Args:
        path: The project folder.
    """
    for candidate in VENV_PYTHONS:
        python = Path(path) / candidate
        if python.is_file() and os.access(python, os.X_OK):
            return python
    return None


def freeze_from_venv(venv_python: str | os.PathLike[str], timeout: float = 60.0) -> str:
    """List a virtualenv's packages as portable ``name==version`` requirements.

    Runs ``<python> -m pip list --format=freeze --exclude-editable``: unlike ``pip freeze``
    it never writes ``@ file://`` references, and editable installs (usually the project
    itself) are left out. pip, setuptools and wheel are dropped as ``pip freeze`` does.

    Args:
        venv_python: The virtualenv's ``python``.
        timeout: Seconds to wait for pip.

    Returns:
        The requirements text, one pin per line, ending with a newline.

    Raises:
        FreezeError: The interpreter is missing, has no pip, failed or timed out.
    """
    cmd = [
        os.fspath(venv_python),
        *("-m", "pip", "list", "--format=freeze", "--exclude-editable"),
        *("--disable-pip-version-check", "--no-input"),
    ]
    try:
        done = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
            env={**os.environ, "PIP_NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FreezeError(f"could not run {cmd[0]}: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise FreezeError(f"pip list failed: {reason[0]}")
    return _clean_freeze(done.stdout)


def _clean_freeze(output: str) -> str:
    """Keep ``name==version`` lines, minus packaging tools and any local file reference."""
    kept = []
    for line in output.splitlines():
        line = line.strip()
        name = re.split(r"[=<>!~@\s\[]", line, maxsplit=1)[0]
        if not line or _FILE_URL.match(line) or name.lower() in _TOOLING:
            continue
        kept.append(line)
    return "".join(f"{line}\n" for line in kept)
