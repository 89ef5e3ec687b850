"""Look at a project folder: which Docker and Python files it has, and how it starts.

The scan is shallow on purpose (the top level, plus one level down for Dockerfiles) so it
stays instant on any folder, and it never descends into ``.git``, virtualenvs or
``node_modules``. Nothing here raises on an unreadable file: it is treated as absent.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

try:  # tomllib is 3.11+; on 3.10 pyproject.toml is simply not read.
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - depends on the interpreter
    tomllib = None  # type: ignore[assignment]

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox"}
)
DOCKERFILE_GLOBS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile")
REQUIREMENT_NAMES = ("pyproject.toml", "setup.py", "Pipfile", "poetry.lock")
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
SCRIPT_CANDIDATES = ("main.py", "app.py", "src/main.py", "src/app.py", "__main__.py")

# (major, minor) -> end-of-life date (ISO), from https://devguide.python.org/versions/.
PYTHON_EOL = {
    (2, 7): "2020-01-01",
    (3, 0): "2009-06-27",
    (3, 1): "2012-04-09",
    (3, 2): "2016-02-20",
    (3, 3): "2017-09-29",
    (3, 4): "2019-03-18",
    (3, 5): "2020-09-30",
    (3, 6): "2021-12-23",
    (3, 7): "2023-06-27",
    (3, 8): "2024-10-07",
    (3, 9): "2025-10-31",
    (3, 10): "2026-10-31",
    (3, 11): "2027-10-31",
    (3, 12): "2028-10-31",
    (3, 13): "2029-10-31",
    (3, 14): "2030-10-31",
}


@dataclass(frozen=True)
class PythonEntry:
    """How a Python project starts, as the ``CMD`` of an image would start it."""

    kind: Literal["script", "module", "console"]
    """``script``: ``python <target>``; ``module``: ``python -m <target>``; ``console``: a
    ``[project.scripts]`` command, available once the project is pip-installed."""
    target: str
    """A relative ``.py`` path, a module name or a console script name."""
    source: str
    """The file the entry was found from, relative to the project (for display)."""
    pythonpath: str | None = None
    """A folder to put on ``PYTHONPATH`` for ``-m`` to find the module (src layouts)."""

    @property
    def argv(self) -> list[str]:
        """The exec-form command that starts the app, e.g. ``["python", "main.py"]``."""
        if self.kind == "script":
            return ["python", self.target]
        if self.kind == "module":
            return ["python", "-m", self.target]
        return [self.target]

    def __str__(self) -> str:
        return " ".join(self.argv)


@dataclass(frozen=True)
class ProjectInfo:
    """What a shallow look at a project folder found. All paths are relative to ``path``."""

    path: Path
    name: str
    """The folder's own name."""
    dockerfiles: tuple[str, ...] = ()
    """``Dockerfile`` first when present, then ``Dockerfile.*``, ``*.Dockerfile`` and the same
    one folder down (``docker/Dockerfile``)."""
    dockerignore: bool = False
    requirements: tuple[str, ...] = ()
    """``requirements*.txt``, ``pyproject.toml``, ``setup.py``, ``Pipfile``, ``poetry.lock``."""
    compose_files: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    """``.env`` and ``.env.*``: they may hold secrets and should stay out of the image."""
    python_entry: PythonEntry | None = None
    is_python: bool = False

    @property
    def dockerfile(self) -> str | None:
        """The Dockerfile a plain ``docker build .`` would use, else the first one found."""
        return self.dockerfiles[0] if self.dockerfiles else None


def scan_project(path: str | os.PathLike[str]) -> ProjectInfo:
    """Scan a project folder; never raises for unreadable or missing files.

    Args:
        path: The project folder.
    """
    root = Path(path)
    names = _readable_files(root)
    requirements = sorted(n for n in names if _is_requirements_txt(n))
    requirements += [n for n in REQUIREMENT_NAMES if n in names]
    entry = detect_entry(root)
    return ProjectInfo(
        path=root,
        name=Path(os.path.abspath(root)).name,
        dockerfiles=_find_dockerfiles(root, names),
        dockerignore=".dockerignore" in names,
        requirements=tuple(requirements),
        compose_files=tuple(n for n in COMPOSE_NAMES if n in names),
        env_files=tuple(sorted(n for n in names if n == ".env" or n.startswith(".env."))),
        python_entry=entry,
        is_python=bool(requirements) or entry is not None or _has_python_files(root, names),
    )


def default_image_name(path: str | os.PathLike[str]) -> str:
    """Turn a folder's name into a valid Docker repository name.

    Lowercase ASCII letters and digits, with runs of anything else folded into one ``-``
    (``_``, ``__`` and ``.`` between letters are kept, as Docker allows them).

    Examples: ``"My Project_1"`` -> ``"my-project_1"``; ``"Café"`` -> ``"cafe"``; a name
    with nothing usable -> ``"app"``.
    """
    name = Path(os.path.abspath(path)).name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9._-]+", "-", ascii_name.lower())
    # Docker allows one of ".", "_", "__" or any run of "-" between alphanumerics.
    slug = re.sub(r"[._-]{2,}", _fold_separators, slug)
    slug = slug.strip("._-")[:128].rstrip("._-")
    return slug or "app"


def detect_entry(path: str | os.PathLike[str]) -> PythonEntry | None:
    """Find how the project starts.

    Tried in order: ``main.py``, ``app.py``, ``src/main.py``, ``src/app.py``,
    ``__main__.py``, a package with ``__main__.py`` (top level, then under ``src/``), then the
    first ``[project.scripts]`` entry of ``pyproject.toml`` (skipped on Python 3.10).

    Args:
        path: The project folder.
    """
    root = Path(path)
    for candidate in SCRIPT_CANDIDATES:
        if _is_readable_file(root / candidate):
            return PythonEntry("script", candidate, candidate)
    return _package_entry(root) or _console_entry(root)


def detect_python_version(path: str | os.PathLike[str]) -> str:
    """Pick the ``major.minor`` Python version the image should use.

    ``.python-version`` wins (the user chose it). Otherwise ``requires-python`` from
    ``pyproject.toml`` gives its lower bound, moved up to the oldest still-supported version
    when the bound itself is end-of-life and the upper bounds allow it. Otherwise the
    version running dockui.

    Args:
        path: The project folder.
    """
    root = Path(path)
    pinned = _python_version_file(root)
    if pinned:
        return pinned
    spec = _load_pyproject(root).get("project", {}).get("requires-python")
    if isinstance(spec, str):
        chosen = _version_for_spec(spec)
        if chosen:
            return chosen
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def python_eol(version: tuple[int, int], today: str | None = None) -> str | None:
    """Return the end-of-life date (ISO) of a Python version if it has passed, else None.

    Args:
        version: ``(major, minor)``.
        today: An ISO date to compare with; defaults to the real date.
    """
    today = today or dt.date.today().isoformat()
    eol = PYTHON_EOL.get(version)
    if eol is None and version[0] < 3:
        return "2020-01-01"  # any Python 2
    return eol if eol is not None and eol <= today else None


def read_text(path: Path) -> str | None:
    """Read a small text file, decoding leniently; None when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        # PowerShell's `pip freeze > requirements.txt` writes UTF-16 with a BOM.
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _load_pyproject(root: Path) -> dict[str, Any]:
    """Parse ``pyproject.toml``; an empty dict when absent, unreadable, invalid or on 3.10."""
    text = read_text(root / "pyproject.toml") if tomllib is not None else None
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _fold_separators(match: re.Match[str]) -> str:
    """Keep a run of separators Docker accepts (``__`` or dashes), else make it one dash."""
    run = match.group(0)
    return run if run == "__" or set(run) == {"-"} else "-"


def _listdir(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder, or none when it cannot be read."""
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError:
        return []


def _is_readable_file(path: Path) -> bool:
    """A regular file (or a link to one) that this process may read."""
    try:
        return path.is_file() and os.access(path, os.R_OK)
    except OSError:
        return False


def _readable_files(folder: Path) -> set[str]:
    """Names of the readable regular files directly in ``folder``."""
    return {e.name for e in _listdir(folder) if _is_readable_file(Path(e.path))}


def _subdirs(folder: Path) -> list[str]:
    """Visible sub-folders worth a look: no hidden, VCS, environment or dependency folders."""
    names = []
    for entry in _listdir(folder):
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir and not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
            names.append(entry.name)
    return sorted(names)


def _is_dockerfile(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in DOCKERFILE_GLOBS)


def _find_dockerfiles(root: Path, names: set[str]) -> tuple[str, ...]:
    """Dockerfiles at the top level and one folder down, ``Dockerfile`` first."""
    found = sorted(n for n in names if _is_dockerfile(n))
    for sub in _subdirs(root):
        found += sorted(f"{sub}/{n}" for n in _readable_files(root / sub) if _is_dockerfile(n))
    # The default `docker build .` file first, then the rest in a stable order.
    return tuple(sorted(found, key=lambda p: (p != "Dockerfile", p.count("/"), p)))


def _is_requirements_txt(name: str) -> bool:
    return fnmatch.fnmatchcase(name, "requirements*.txt")


def _has_python_files(root: Path, names: set[str]) -> bool:
    """Any ``.py`` file at the top level or directly under ``src/``."""
    if any(n.endswith(".py") for n in names):
        return True
    return any(n.endswith(".py") for n in _readable_files(root / "src"))


def _package_entry(root: Path) -> PythonEntry | None:
    """A package with ``__main__.py``: top level, then under ``src/`` (src layout)."""
    for base, pythonpath in ((root, None), (root / "src", "src")):
        for sub in _subdirs(base):
            main = base / sub / "__main__.py"
            if sub.isidentifier() and _is_readable_file(main):
                source = main.relative_to(root).as_posix()
                return PythonEntry("module", sub, source, pythonpath)
    return None


def _console_entry(root: Path) -> PythonEntry | None:
    """The ``[project.scripts]`` command named like the project, else the first one."""
    project = _load_pyproject(root).get("project", {})
    scripts = project.get("scripts") if isinstance(project, dict) else None
    if not isinstance(scripts, dict) or not scripts:
        return None
    name = project.get("name")
    chosen = name if name in scripts else next(iter(scripts))
    return PythonEntry("console", str(chosen), "pyproject.toml")


def _python_version_file(root: Path) -> str | None:
    """``major.minor`` from the first line of ``.python-version`` (``3.11.4`` -> ``3.11``)."""
    text = read_text(root / ".python-version")
    match = re.match(r"\s*(\d+)\.(\d+)", text or "")
    return f"{match.group(1)}.{match.group(2)}" if match else None


_CLAUSE = re.compile(r"\s*(~=|==|!=|<=|>=|<|>)\s*(\d+)(?:\.(\d+))?")


def _version_for_spec(spec: str, today: str | None = None) -> str | None:
    """The ``major.minor`` to use for a ``requires-python`` specifier such as ``>=3.11``.

    Works at minor-version granularity, which is all an image tag needs.
    """
    clauses = []
    for part in spec.split(","):
        match = _CLAUSE.match(part)
        if match:
            op, major, minor = match.group(1), int(match.group(2)), int(match.group(3) or 0)
            clauses.append((op, (major, minor)))
    lower = [v for op, v in clauses if op in (">=", ">", "~=", "==")]
    if not lower:
        return None
    bound = max(lower)
    candidates = [v for v in sorted(PYTHON_EOL) if v >= bound and python_eol(v, today) is None]
    for version in [bound, *candidates]:
        if python_eol(version, today) is None and _satisfies(version, clauses):
            return f"{version[0]}.{version[1]}"
    return f"{bound[0]}.{bound[1]}"  # nothing supported fits: honour the project's bound


def _satisfies(version: tuple[int, int], clauses: list[tuple[str, tuple[int, int]]]) -> bool:
    """Whether a minor version meets every clause (``!=`` is ignored at this granularity)."""
    checks = {
        ">=": lambda v: version >= v,
        ">": lambda v: version >= v,  # ">3.10" still allows 3.10.1
        "<=": lambda v: version <= v,
        "<": lambda v: version < v,
        "==": lambda v: version == v,
        "~=": lambda v: version >= v and version[0] == v[0],
        "!=": lambda v: True,
    }
    return all(checks[op](v) for op, v in clauses)
