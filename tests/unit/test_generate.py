"""Entry/version detection, Dockerfile and .dockerignore generation, requirements from a venv."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dockui.engine.build_context import context_matcher
from dockui.project.findings import find_issues
from dockui.project.generate import (
    detect_entry,
    detect_python_version,
    generate_dockerfile,
    generate_dockerignore,
    plan_generation,
    write_generated,
)
from dockui.project.requirements import (
    FreezeError,
    file_url_lines,
    find_project_venv,
    freeze_from_venv,
)
from dockui.project.scan import PythonEntry, scan_project

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
SCRIPTS_PYPROJECT = """\
[project]
name = "mycli"
requires-python = ">=3.11"
dependencies = ["click"]

[project.scripts]
other = "mycli.other:main"
mycli = "mycli.cli:main"
"""


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


# --- detect_entry ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "argv"),
    [
        ({"main.py": "", "app.py": ""}, ["python", "main.py"]),
        ({"app.py": "", "src/main.py": ""}, ["python", "app.py"]),
        ({"src/main.py": "", "src/app.py": ""}, ["python", "src/main.py"]),
        ({"src/app.py": ""}, ["python", "src/app.py"]),
        ({"__main__.py": ""}, ["python", "__main__.py"]),
        ({"mypkg/__init__.py": "", "mypkg/__main__.py": ""}, ["python", "-m", "mypkg"]),
        ({"src/mypkg/__main__.py": ""}, ["python", "-m", "mypkg"]),
        ({"pyproject.toml": SCRIPTS_PYPROJECT}, ["mycli"]),
    ],
)
def test_detect_entry(tmp_path: Path, files: dict[str, str], argv: list[str]) -> None:
    entry = detect_entry(make(tmp_path, files))
    assert entry is not None and entry.argv == argv


def test_detect_entry_src_layout_package_needs_pythonpath(tmp_path: Path) -> None:
    entry = detect_entry(make(tmp_path, {"src/mypkg/__main__.py": ""}))
    assert entry == PythonEntry("module", "mypkg", "src/mypkg/__main__.py", "src")


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"lib.py": ""},
        {"venv/__main__.py": ""},  # a virtualenv is not the project's package
        {"my-pkg/__main__.py": ""},  # not importable with -m
        {"pyproject.toml": "[project]\nname = 'x'\n"},
        {"pyproject.toml": "not [valid toml"},
    ],
)
def test_detect_entry_none(tmp_path: Path, files: dict[str, str]) -> None:
    assert detect_entry(make(tmp_path, files)) is None


# --- detect_python_version ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "version"),
    [
        ({".python-version": "3.11.4\n"}, "3.11"),
        ({".python-version": "3.8\n"}, "3.8"),  # the user's explicit choice wins
        ({"pyproject.toml": '[project]\nrequires-python = ">=3.12"\n'}, "3.12"),
        ({"pyproject.toml": '[project]\nrequires-python = "~=3.13.0"\n'}, "3.13"),
        ({"pyproject.toml": '[project]\nrequires-python = ">=3.12, <4"\n'}, "3.12"),
        ({"pyproject.toml": '[project]\nrequires-python = "==3.11.*"\n'}, "3.11"),
        ({"pyproject.toml": '[project]\nrequires-python = ">=3.6,<3.9"\n'}, "3.6"),  # no choice
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, RUNNING),
        ({".python-version": "system\n"}, RUNNING),
        ({}, RUNNING),
    ],
)
def test_detect_python_version(tmp_path: Path, files: dict[str, str], version: str) -> None:
    assert detect_python_version(make(tmp_path, files)) == version


def test_end_of_life_lower_bound_moves_to_a_supported_version(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": '[project]\nrequires-python = ">=3.8"\n'})
    version = detect_python_version(tmp_path)
    assert version not in ("3.8", "3.9")
    assert tuple(map(int, version.split("."))) >= (3, 10)


def test_end_of_life_bound_respects_upper_bound(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": '[project]\nrequires-python = ">=3.8,<3.12"\n'})
    assert detect_python_version(tmp_path) in ("3.10", "3.11")


# --- generate_dockerfile -----------------------------------------------------------------


def assert_in_order(text: str, *parts: str) -> None:
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions), parts


def test_generate_for_main_py_with_requirements(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": "", "requirements.txt": "flask==3.0.3\n"})
    text = generate_dockerfile(tmp_path)
    assert_in_order(
        text,
        f"ARG BASE_IMAGE=python:{RUNNING}-slim\n",
        "FROM ${BASE_IMAGE}\n",
        "PYTHONDONTWRITEBYTECODE=1",
        "PYTHONUNBUFFERED=1",
        "WORKDIR /app\n",
        "useradd --create-home --uid 10001 app",
        "COPY requirements.txt .\n",
        "RUN pip install --no-cache-dir -r requirements.txt\n",
        "COPY . .\n",
        "USER app\n",
        'CMD ["python", "main.py"]\n',
    )
    assert "pip install --no-cache-dir ." not in text


def test_generate_for_src_main_py(tmp_path: Path) -> None:
    make(tmp_path, {"src/main.py": "", ".python-version": "3.12\n"})
    text = generate_dockerfile(scan_project(tmp_path))
    assert "ARG BASE_IMAGE=python:3.12-slim\n" in text
    assert 'CMD ["python", "src/main.py"]' in text
    assert "pip install" not in text  # nothing to install


def test_generate_for_pyproject_scripts(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": SCRIPTS_PYPROJECT, "mycli/cli.py": ""})
    text = generate_dockerfile(tmp_path)
    assert "ARG BASE_IMAGE=python:3.11-slim" in text
    assert_in_order(text, "COPY . .\n", "RUN pip install --no-cache-dir .\n", 'CMD ["mycli"]\n')
    assert "requirements.txt" not in text


def test_generate_for_requirements_and_console_script(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": SCRIPTS_PYPROJECT, "requirements.txt": "click==8.1\n"})
    text = generate_dockerfile(tmp_path)
    assert_in_order(
        text,
        "RUN pip install --no-cache-dir -r requirements.txt\n",
        "COPY . .\n",
        "RUN pip install --no-cache-dir --no-deps .\n",
        'CMD ["mycli"]\n',
    )


def test_generate_for_src_layout_module(tmp_path: Path) -> None:
    make(tmp_path, {"src/mypkg/__main__.py": ""})
    text = generate_dockerfile(tmp_path)
    assert_in_order(text, "ENV PYTHONPATH=/app/src\n", 'CMD ["python", "-m", "mypkg"]\n')


def test_generate_without_entry_point_leaves_a_note(tmp_path: Path) -> None:
    make(tmp_path, {"lib.py": ""})
    text = generate_dockerfile(tmp_path)
    assert "no entry point" in text and 'CMD ["python", "main.py"]' in text


def test_generate_with_base_image(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": ""})
    text = generate_dockerfile(tmp_path, base_image="python:3.13-alpine")
    assert "ARG BASE_IMAGE=python:3.13-alpine\n" in text
    assert "adduser -D -u 10001 app" in text  # the Alpine fallback for useradd


@pytest.mark.parametrize(
    "files",
    [
        {"main.py": "", "requirements.txt": "flask==3.0.3\n"},
        {"src/main.py": ""},
        {"pyproject.toml": SCRIPTS_PYPROJECT},
        {"pyproject.toml": SCRIPTS_PYPROJECT, "requirements.txt": "click==8.1\n"},
        {"src/mypkg/__main__.py": "", "setup.py": ""},
    ],
)
def test_generated_files_raise_no_warnings(tmp_path: Path, files: dict[str, str]) -> None:
    # Secrets and a local venv too: the generated .dockerignore must keep them out.
    make(tmp_path, {**files, ".env": "TOKEN=x\n", ".venv/bin/python": "", ".git/HEAD": ""})
    write_generated(tmp_path, plan_generation(tmp_path))
    found = find_issues(scan_project(tmp_path))
    assert [f for f in found if f.severity in ("error", "warning")] == []


# --- generate_dockerignore -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        (".venv", True),
        ("venv", True),
        (".git", True),
        (".env", True),
        (".env.production", True),
        ("server.pem", True),
        ("id_rsa", True),
        ("pkg/__pycache__", True),
        ("pkg/mod.pyc", True),
        ("node_modules", True),
        (".env.example", False),
        ("main.py", False),
        ("requirements.txt", False),
        ("pyproject.toml", False),
        ("src/pkg/mod.py", False),
        ("Dockerfile", False),
    ],
)
def test_generated_dockerignore(tmp_path: Path, path: str, excluded: bool) -> None:
    (tmp_path / ".dockerignore").write_text(generate_dockerignore())
    assert context_matcher(tmp_path)(path) is excluded


# --- plan_generation / write_generated -----------------------------------------------------


def test_plan_generation_for_a_new_project(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": ""})
    plan = dict(plan_generation(tmp_path))
    assert set(plan) == {"Dockerfile", ".dockerignore"}
    assert plan[".dockerignore"] == generate_dockerignore()


def test_plan_generation_never_includes_existing_files(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": "", ".dockerignore": "mine\n"})
    assert [rel for rel, _ in plan_generation(tmp_path)] == ["Dockerfile"]
    make(tmp_path, {"Dockerfile": "mine\n"})
    assert plan_generation(tmp_path) == []


def test_plan_generation_respects_other_dockerfiles(tmp_path: Path) -> None:
    make(tmp_path, {"main.py": "", "docker/Dockerfile": "FROM python:3.12-slim\n"})
    assert [rel for rel, _ in plan_generation(tmp_path)] == [".dockerignore"]


def test_write_generated_writes_files(tmp_path: Path) -> None:
    written = write_generated(tmp_path, [("Dockerfile", "FROM x\n"), (".dockerignore", "")])
    assert written == [tmp_path / "Dockerfile", tmp_path / ".dockerignore"]


def test_write_generated_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("mine\n")
    with pytest.raises(FileExistsError):
        write_generated(tmp_path, [("Dockerfile", "FROM x\n"), (".dockerignore", "theirs\n")])
    assert (tmp_path / ".dockerignore").read_text() == "mine\n"
    assert not (tmp_path / "Dockerfile").exists()  # all or nothing


def test_write_generated_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        write_generated(tmp_path, [("Dockerfile", "FROM x\n")])
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("rel", ["/etc/passwd", "../Dockerfile", "", "."])
def test_write_generated_stays_in_the_project(tmp_path: Path, rel: str) -> None:
    with pytest.raises(ValueError):
        write_generated(tmp_path / "p", [(rel, "x")])


# --- requirements --------------------------------------------------------------------------


def test_file_url_lines() -> None:
    text = (
        "flask==3.0.3\n"
        "numpy @ file:///home/conda/feedstock_root/numpy\n"
        "pkg[extra] @ file:///C:/wheels/pkg.whl\n"
        "file:///tmp/local.whl\n"
        "# numpy @ file:///comment\n"
        "requests @ https://example.com/requests.tar.gz\n"
    )
    assert file_url_lines(text) == [2, 3, 4]


def test_freeze_from_venv_gives_plain_pins() -> None:
    text = freeze_from_venv(Path(sys.executable))
    lines = text.splitlines()
    assert "@ file" not in text
    assert any(line.startswith("textual==") for line in lines)
    assert all("==" in line for line in lines)
    names = {line.split("==")[0].lower() for line in lines}
    assert not names & {"pip", "setuptools", "dockui"}  # tooling and the editable project


def test_freeze_from_venv_errors(tmp_path: Path) -> None:
    with pytest.raises(FreezeError):
        freeze_from_venv(tmp_path / "no-python")
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'No module named pip' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(FreezeError, match="No module named pip"):
        freeze_from_venv(fake)


@pytest.mark.parametrize(
    ("venvs", "found"),
    [
        ((), None),
        (("env",), "env/bin/python"),
        (("venv", "env"), "venv/bin/python"),
        ((".venv", "venv"), ".venv/bin/python"),
    ],
)
def test_find_project_venv(tmp_path: Path, venvs: tuple[str, ...], found: str | None) -> None:
    for venv in venvs:
        python = tmp_path / venv / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.write_text("")
        python.chmod(0o755)
    assert find_project_venv(tmp_path) == (tmp_path / found if found else None)


def test_find_project_venv_keeps_the_symlink(tmp_path: Path) -> None:
    link = tmp_path / ".venv" / "bin" / "python"
    link.parent.mkdir(parents=True)
    link.symlink_to(sys.executable)
    assert find_project_venv(tmp_path) == link
