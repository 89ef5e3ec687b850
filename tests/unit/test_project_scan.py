"""scan_project and default_image_name on small fixture folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from docker.utils.build import match_tag

from dockui.project.scan import ProjectInfo, default_image_name, scan_project


def make(root: Path, files: dict[str, str]) -> Path:
    """Create ``files`` (relative path -> content) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def test_empty_folder(tmp_path: Path) -> None:
    info = scan_project(tmp_path)
    assert info == ProjectInfo(path=tmp_path, name=tmp_path.name)
    assert info.dockerfile is None
    assert not info.is_python


def test_finds_docker_python_and_env_files(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "Dockerfile.dev": "FROM python:3.12\n",
            "prod.Dockerfile": "FROM python:3.12\n",
            "docker/Dockerfile": "FROM python:3.12\n",
            "Dockerfile": "FROM python:3.12\n",
            ".dockerignore": ".git\n",
            "requirements.txt": "flask\n",
            "requirements-dev.txt": "pytest\n",
            "pyproject.toml": "[project]\nname = 'x'\n",
            "setup.py": "",
            "Pipfile": "",
            "poetry.lock": "",
            "compose.yaml": "",
            "docker-compose.yml": "",
            ".env": "A=1\n",
            ".env.prod": "A=2\n",
            "main.py": "",
            "README.md": "",
        },
    )
    info = scan_project(tmp_path)
    assert info.dockerfiles == (
        "Dockerfile",
        "Dockerfile.dev",
        "prod.Dockerfile",
        "docker/Dockerfile",
    )
    assert info.dockerfile == "Dockerfile"
    assert info.dockerignore
    assert info.requirements == (
        "requirements-dev.txt",
        "requirements.txt",
        "pyproject.toml",
        "setup.py",
        "Pipfile",
        "poetry.lock",
    )
    assert info.compose_files == ("compose.yaml", "docker-compose.yml")
    assert info.env_files == (".env", ".env.prod")
    assert info.python_entry is not None and str(info.python_entry) == "python main.py"
    assert info.is_python


def test_never_looks_into_venv_git_or_node_modules(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".venv/Dockerfile": "",
            "venv/Dockerfile": "",
            ".git/Dockerfile": "",
            "node_modules/Dockerfile": "",
            "deep/er/Dockerfile": "",
        },
    )
    assert scan_project(tmp_path).dockerfiles == ()


@pytest.mark.parametrize(
    ("files", "is_python"),
    [
        ({"tool.py": ""}, True),
        ({"src/lib.py": ""}, True),
        ({"requirements.txt": ""}, True),
        ({"pkg/__main__.py": ""}, True),
        ({"index.js": "", "package.json": "{}"}, False),
    ],
)
def test_is_python(tmp_path: Path, files: dict[str, str], is_python: bool) -> None:
    assert scan_project(make(tmp_path, files)).is_python is is_python


def test_unreadable_file_counts_as_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"Dockerfile": "FROM python:3.12\n", "requirements.txt": "flask\n"})
    real_access = os.access
    # Tests run as root, for whom chmod 000 changes nothing: fake the permission check.
    monkeypatch.setattr(
        os, "access", lambda p, mode: Path(p).name != "Dockerfile" and real_access(p, mode)
    )
    info = scan_project(tmp_path)
    assert info.dockerfiles == ()
    assert info.requirements == ("requirements.txt",)


def test_unreadable_folder_does_not_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"Dockerfile": "", "main.py": ""})

    def denied(path: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", denied)
    info = scan_project(tmp_path)
    assert info.dockerfiles == ()
    assert info.name == tmp_path.name


def test_missing_folder_does_not_raise(tmp_path: Path) -> None:
    info = scan_project(tmp_path / "gone")
    assert info.name == "gone" and not info.is_python


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("My Project_1", "my-project_1"),
        ("demo", "demo"),
        ("docker_demo", "docker_demo"),
        ("Café Über", "cafe-uber"),
        ("a..b", "a-b"),
        ("a__b", "a__b"),
        ("a___b", "a-b"),
        ("--x--", "x"),
        ("v1.2", "v1.2"),
        ("日本", "app"),
        ("!!!", "app"),
    ],
)
def test_default_image_name(tmp_path: Path, folder: str, expected: str) -> None:
    name = default_image_name(tmp_path / folder)
    assert name == expected
    assert match_tag(name)  # docker-py's own reference check


def test_default_image_name_of_root_is_app() -> None:
    assert default_image_name("/") == "app"


def test_default_image_name_is_length_capped(tmp_path: Path) -> None:
    name = default_image_name(tmp_path / ("x" * 300))
    assert len(name) <= 128 and match_tag(name)
