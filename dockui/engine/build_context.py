"""What ``docker build`` would send as the build context, using docker-py's own rules.

docker-py tars up every file of the folder that ``.dockerignore`` does not exclude and sends
it to the engine. This module answers "how much would be sent, and does that include anything
that should not leave the machine (secrets, ``.git``, a virtualenv)?" with the very matcher
``docker.APIClient.build`` uses, so the answer cannot drift from what a build really does.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from dockui.engine.loading import load_docker

MAX_RISKY = 20
"""How many risky entries a summary lists at most; the rest only show in ``risky_total``."""

# Names that should never travel to the engine: secrets, VCS history, local environments.
RISKY_DIRS = frozenset({".git", ".venv", "venv", "node_modules"})
RISKY_FILE_GLOBS = (".env", ".env.*", "id_rsa*", "*.pem", "*.key")


@dataclass(frozen=True)
class ContextSummary:
    """The build context ``docker build`` would send for one folder and Dockerfile."""

    files: int
    """Regular files sent (directories and symlinks are not counted)."""
    size_bytes: int
    """Total size of those files, before the tar is made."""
    risky: tuple[str, ...] = ()
    """Relative paths that should not be sent, at most :data:`MAX_RISKY`; a risky directory
    is listed once, not file by file."""
    risky_total: int = 0
    """How many risky entries there are in all (``len(risky)`` may be capped)."""
    error: str | None = None
    """Why the folder could not be walked completely (e.g. permission denied), else None."""


def read_dockerignore(path: str | os.PathLike[str]) -> list[str]:
    """Return the ``.dockerignore`` patterns of a folder the way docker-py reads them.

    Lines are stripped; empty lines and lines starting with ``#`` are dropped. A missing or
    unreadable file gives no patterns.

    Args:
        path: The build context folder.
    """
    try:
        text = (Path(path) / ".dockerignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def context_matcher(
    path: str | os.PathLike[str], dockerfile: str = "Dockerfile"
) -> Callable[[str], bool]:
    """Return a predicate telling whether a relative path is left out of the build context.

    Args:
        path: The build context folder (its ``.dockerignore`` is read once, now).
        dockerfile: The Dockerfile, relative to ``path``; docker-py always sends it.

    Returns:
        A function of a ``/``-separated path relative to ``path`` that returns True when
        ``.dockerignore`` excludes it.
    """
    # docker-py appends "!<dockerfile>" so the Dockerfile is sent even if a pattern hides it.
    load_docker()  # docker-py, only when a folder is read
    from docker.utils.build import PatternMatcher

    matcher = PatternMatcher([*read_dockerignore(path), f"!{dockerfile}"])
    return matcher.matches


def context_summary(path: str | os.PathLike[str], dockerfile: str = "Dockerfile") -> ContextSummary:
    """Count what ``docker build`` would send for ``path`` and flag what it should not send.

    Excluded directories are not walked (docker-py prunes them), so a big ignored ``.venv``
    costs nothing; an un-ignored one is walked in full, as a real build would.

    Args:
        path: The build context folder.
        dockerfile: The Dockerfile, relative to ``path``.
    """
    root = os.path.abspath(path)
    try:
        load_docker()
        from docker.utils.build import exclude_paths

        # exclude_paths appends to the list it is given: hand it a fresh one.
        sent = exclude_paths(root, read_dockerignore(root), dockerfile=dockerfile)
    except OSError as exc:
        return ContextSummary(files=0, size_bytes=0, error=f"{exc.strerror}: {exc.filename}")
    files, size = _count_files(root, sent)
    risky = _risky_entries(sent)
    return ContextSummary(
        files=files,
        size_bytes=size,
        risky=tuple(risky[:MAX_RISKY]),
        risky_total=len(risky),
    )


def is_risky_name(name: str) -> bool:
    """Whether one path component names a secret, VCS folder or local environment."""
    return name in RISKY_DIRS or any(fnmatch.fnmatchcase(name, g) for g in RISKY_FILE_GLOBS)


def _count_files(root: str, relpaths: Iterable[str]) -> tuple[int, int]:
    """Return (number of regular files, their total size) among ``relpaths``."""
    files = size = 0
    for rel in relpaths:
        try:
            st = os.lstat(os.path.join(root, rel))
        except OSError:
            continue  # vanished or unreadable since the walk: a build would skip it too
        if stat.S_ISREG(st.st_mode):
            files += 1
            size += st.st_size
    return files, size


def _risky_entries(relpaths: Iterable[str]) -> list[str]:
    """Return the sorted, de-duplicated risky prefixes of ``relpaths``.

    ``.git/objects/ab/cd`` reports ``.git``; ``config/.env`` reports ``config/.env``.
    """
    found: set[str] = set()
    for rel in relpaths:
        parts = rel.replace(os.sep, "/").split("/")
        for depth, part in enumerate(parts, start=1):
            if is_risky_name(part):
                found.add("/".join(parts[:depth]))
                break
    return sorted(found, key=lambda p: (p.count("/"), p))
