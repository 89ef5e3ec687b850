"""context_summary and the .dockerignore helpers, against docker-py's own matching."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockui.engine.build_context import (
    MAX_RISKY,
    ContextSummary,
    context_matcher,
    context_summary,
    read_dockerignore,
)

FILES = {
    "Dockerfile": "FROM python:3.12-slim\n",  # 22 bytes
    "main.py": "print('hi')\n",  # 12
    "pkg/mod.py": "x = 1\n",  # 6
    ".env": "TOKEN=x\n",  # 8
    "config/.env.local": "A=1\n",  # 4
    "id_rsa": "key\n",  # 4
    "certs/server.pem": "pem\n",  # 4
    ".git/HEAD": "ref\n",  # 4
    ".git/objects/ab/cdef": "obj\n",  # 4
    ".venv/bin/python": "",  # 0
    ".venv/lib/site.py": "",  # 0
}


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def test_without_dockerignore_everything_is_sent(tmp_path: Path) -> None:
    summary = context_summary(make(tmp_path, FILES))
    assert summary.files == len(FILES)
    assert summary.size_bytes == sum(len(c) for c in FILES.values())
    assert summary.risky == (
        ".env",
        ".git",
        ".venv",
        "id_rsa",
        "certs/server.pem",
        "config/.env.local",
    )
    assert summary.risky_total == 6
    assert summary.error is None


def test_dockerignore_excludes_and_is_sent_itself(tmp_path: Path) -> None:
    ignore = "# local stuff\n\n.git\n.venv\n  .env*  \n**/.env*\n*.pem\n**/*.pem\nid_rsa*\n"
    make(tmp_path, {**FILES, ".dockerignore": ignore})
    summary = context_summary(tmp_path)
    assert summary.risky == ()
    assert summary.files == 4  # Dockerfile, main.py, pkg/mod.py, .dockerignore
    assert summary.size_bytes == 22 + 12 + 6 + len(ignore)


def test_dockerfile_is_always_sent(tmp_path: Path) -> None:
    make(tmp_path, {"Dockerfile": "FROM x\n", "build.Dockerfile": "FROM y\n", ".dockerignore": "*"})
    assert context_summary(tmp_path).files == 2  # Dockerfile and .dockerignore
    assert context_summary(tmp_path, "build.Dockerfile").files == 2


def test_negated_pattern_sends_a_file_back(tmp_path: Path) -> None:
    make(tmp_path, {".env": "", ".env.example": "", ".dockerignore": ".env*\n!.env.example\n"})
    assert context_summary(tmp_path).risky == (".env.example",)


def test_risky_list_is_capped(tmp_path: Path) -> None:
    make(tmp_path, {f".env.{i:02}": "" for i in range(MAX_RISKY + 5)})
    summary = context_summary(tmp_path)
    assert len(summary.risky) == MAX_RISKY
    assert summary.risky_total == MAX_RISKY + 5
    assert summary.risky[0] == ".env.00"


def test_symlinks_and_empty_dirs_are_not_counted_as_files(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": "abc"})
    (tmp_path / "empty").mkdir()
    (tmp_path / "link.py").symlink_to(tmp_path / "main.py")
    assert context_summary(tmp_path) == ContextSummary(files=1, size_bytes=3)


def test_ignored_folder_is_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {".dockerignore": ".venv\n", "main.py": "", ".venv/lib/a.py": ""})
    real = os.listdir
    walked: list[str] = []

    def listdir(path: str) -> list[str]:
        walked.append(os.path.relpath(path, tmp_path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    assert context_summary(tmp_path).files == 2
    assert not any(p.startswith(".venv") for p in walked)


def test_unreadable_folder_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, {"main.py": ""})

    def denied(path: str) -> list[str]:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "listdir", denied)
    summary = context_summary(tmp_path)
    assert summary.files == 0 and summary.error and "Permission denied" in summary.error


def test_read_dockerignore(tmp_path: Path) -> None:
    assert read_dockerignore(tmp_path) == []
    (tmp_path / ".dockerignore").write_text("# comment\n\n  .git  \n!keep\n*.pyc\n")
    assert read_dockerignore(tmp_path) == [".git", "!keep", "*.pyc"]


def test_context_matcher(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("docs\n*.md\n!README.md\nDockerfile\n")
    excluded = context_matcher(tmp_path)
    assert excluded("docs") and excluded("docs/index.rst") and excluded("CHANGES.md")
    assert not excluded("README.md")
    assert not excluded("Dockerfile")  # docker-py always sends the Dockerfile
    assert not excluded("main.py")
