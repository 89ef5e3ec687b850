"""find_issues: each finding fires on a folder with the problem and not on one without."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockui.project.findings import SEVERITY_ORDER, Finding, find_issues
from dockui.project.scan import scan_project

TODAY = "2026-06-01"  # fixed, so end-of-life answers do not change with the calendar
GOOD_DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home app
USER app
CMD ["python", "main.py"]
"""
BLOG_DOCKERFILE = """\
FROM python:3.7
MAINTAINER Jane <jane@example.com>
WORKDIR ./docker_demo
ADD . .
RUN pip install -r requirements.txt
CMD python ./src/main.py
"""


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def issues(root: Path, files: dict[str, str]) -> list[Finding]:
    return find_issues(scan_project(make(root, files)), today=TODAY)


def codes(root: Path, files: dict[str, str]) -> set[str]:
    return {f.code for f in issues(root, files)}


def only(root: Path, files: dict[str, str], code: str) -> Finding:
    found = [f for f in issues(root, files) if f.code == code]
    assert len(found) == 1, found
    return found[0]


def good(**extra: str) -> dict[str, str]:
    """A clean project; ``extra`` adds or replaces files (``Dockerfile=...``)."""
    files = {
        "Dockerfile": GOOD_DOCKERFILE,
        ".dockerignore": ".git\n.venv\n.env\n",
        "requirements.txt": "flask==3.0.3\n",
        "main.py": "print('hi')\n",
    }
    files.update(extra)
    return files


def dockerfile(*lines: str) -> dict[str, str]:
    """A clean project whose Dockerfile is ``lines`` (plus a USER, unless given)."""
    return good(Dockerfile="\n".join(lines) + "\n")


def test_clean_project_has_no_findings(tmp_path: Path) -> None:
    assert issues(tmp_path, good()) == []


def test_blog_post_project(tmp_path: Path) -> None:
    files = {
        "Dockerfile": BLOG_DOCKERFILE,
        "requirements.txt": "flask==3.0.3\nnumpy @ file:///home/conda/feedstock/numpy\n",
        "src/main.py": "",
        ".env": "TOKEN=x\n",
    }
    found = issues(tmp_path, files)
    assert {f.code for f in found} == {
        "pip-freeze-file-url",
        "no-dockerignore",
        "env-in-context",
        "add-instead-of-copy",
        "maintainer-deprecated",
        "copy-before-install",
        "runs-as-root",
        "base-image-eol",
        "shell-form-cmd",
        "workdir-relative",
    }
    ranks = [SEVERITY_ORDER[f.severity] for f in found]
    assert ranks == sorted(ranks)
    for f in found:
        assert f.title and f.why and f.fix and f.file
        assert f.severity in SEVERITY_ORDER


# --- requirements -----------------------------------------------------------------------


def test_pip_freeze_file_url(tmp_path: Path) -> None:
    reqs = "flask==3.0.3\nnumpy @ file:///home/conda/feedstock_root/numpy\nrequests==2.32\n"
    f = only(tmp_path, good(**{"requirements.txt": reqs}), "pip-freeze-file-url")
    assert (f.severity, f.file, f.line) == ("error", "requirements.txt", 2)
    assert "pip list --format=freeze" in f.fix


def test_pip_freeze_file_url_in_other_requirements_file(tmp_path: Path) -> None:
    files = good(**{"requirements-dev.txt": "pytest @ file:///tmp/pytest-8.whl\n"})
    assert only(tmp_path, files, "pip-freeze-file-url").file == "requirements-dev.txt"


def test_pip_freeze_utf16_from_powershell(tmp_path: Path) -> None:
    make(tmp_path, good())
    text = "flask==3.0.3\r\nnumpy @ file:///C:/conda/numpy\r\n"
    (tmp_path / "requirements.txt").write_bytes(text.encode("utf-16"))
    found = find_issues(scan_project(tmp_path), today=TODAY)
    assert [f.code for f in found] == ["pip-freeze-file-url"]


def test_plain_pins_and_urls_are_fine(tmp_path: Path) -> None:
    reqs = "flask==3.0.3\npkg @ https://example.com/pkg-1.0.tar.gz\n# file:///comment\n"
    assert "pip-freeze-file-url" not in codes(tmp_path, good(**{"requirements.txt": reqs}))


# --- build context --------------------------------------------------------------------


def test_no_dockerignore(tmp_path: Path) -> None:
    files = good()
    del files[".dockerignore"]
    f = only(tmp_path, files, "no-dockerignore")
    assert f.severity == "warning" and "g" in f.fix


def test_no_dockerignore_not_reported_without_dockerfile(tmp_path: Path) -> None:
    assert "no-dockerignore" not in codes(tmp_path, {"main.py": ""})


def test_env_in_context_copied_into_image_is_an_error(tmp_path: Path) -> None:
    files = good(**{".env": "TOKEN=x\n", ".dockerignore": ".git\n"})
    f = only(tmp_path, files, "env-in-context")
    assert (f.severity, f.file) == ("error", ".env")


def test_env_in_context_without_broad_copy_is_a_warning(tmp_path: Path) -> None:
    files = dockerfile("FROM python:3.12-slim", "COPY main.py .", "USER app", 'CMD ["python"]')
    files.update({".env.local": "TOKEN=x\n", ".dockerignore": ".git\n"})
    f = only(tmp_path, files, "env-in-context")
    assert (f.severity, f.file) == ("warning", ".env.local")


@pytest.mark.parametrize("ignore", [".env\n", ".env*\n", "*\n!main.py\n!requirements.txt\n"])
def test_env_excluded_by_dockerignore(tmp_path: Path, ignore: str) -> None:
    files = good(**{".env": "TOKEN=x\n", ".dockerignore": ignore})
    assert "env-in-context" not in codes(tmp_path, files)


def test_env_template_is_not_a_secret(tmp_path: Path) -> None:
    files = good(**{".env.example": "TOKEN=\n", ".dockerignore": ".git\n"})
    assert "env-in-context" not in codes(tmp_path, files)


def test_key_in_context(tmp_path: Path) -> None:
    files = good(**{"id_rsa": "-----BEGIN", "server.pem": "x", ".dockerignore": ".git\n"})
    found = [f.file for f in issues(tmp_path, files) if f.code == "key-in-context"]
    assert found == ["id_rsa", "server.pem"]
    files[".dockerignore"] = "*.pem\nid_rsa*\n"
    assert "key-in-context" not in codes(tmp_path, files)


def test_heavy_dir_in_context(tmp_path: Path) -> None:
    files = good(**{".venv/bin/python": "", ".dockerignore": "__pycache__\n"})
    f = only(tmp_path, files, "heavy-dir-in-context")
    assert ".venv" in f.title
    (tmp_path / ".dockerignore").write_text(".venv\n")
    assert "heavy-dir-in-context" not in {f.code for f in find_issues(scan_project(tmp_path))}


# --- Dockerfile instructions ----------------------------------------------------------


def test_add_instead_of_copy(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim", "ADD --chown=app . /app", "USER app", 'CMD ["python"]'
    )
    f = only(tmp_path, files, "add-instead-of-copy")
    assert f.line == 2 and "COPY --chown=app . /app" in f.fix


@pytest.mark.parametrize(
    "add",
    [
        "ADD https://example.com/tool.py /usr/local/bin/",
        "ADD vendor.tar.gz /opt/",
        'ADD ["data.tgz", "/data/"]',
        "COPY . .",
    ],
)
def test_add_of_url_or_archive_is_fine(tmp_path: Path, add: str) -> None:
    files = dockerfile("FROM python:3.12-slim", add, "USER app", 'CMD ["python"]')
    assert "add-instead-of-copy" not in codes(tmp_path, files)


def test_maintainer_deprecated(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim", "MAINTAINER Jane", "USER app", 'CMD ["python", "main.py"]'
    )
    f = only(tmp_path, files, "maintainer-deprecated")
    assert f.line == 2 and "LABEL" in f.fix


def test_copy_before_install(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim",
        "WORKDIR /app",
        "COPY . .",
        "RUN pip install --no-cache-dir \\",
        "    -r requirements.txt",
        "USER app",
        'CMD ["python", "main.py"]',
    )
    f = only(tmp_path, files, "copy-before-install")
    assert f.line == 3 and "COPY requirements.txt ." in f.fix


@pytest.mark.parametrize(
    "steps",
    [
        ("COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . ."),
        ("COPY . .", "RUN pip install --no-cache-dir ."),  # installing "." needs the source
        ("COPY --from=build /src .", "RUN pip install -r requirements.txt"),
    ],
)
def test_install_order_that_is_fine(tmp_path: Path, steps: tuple[str, ...]) -> None:
    files = dockerfile("FROM python:3.12-slim", *steps, "USER app", 'CMD ["python"]')
    assert "copy-before-install" not in codes(tmp_path, files)


@pytest.mark.parametrize(
    "lines",
    [
        ("FROM python:3.12-slim",),
        ("FROM python:3.12-slim", "USER app", "USER root"),
        ("FROM python:3.12-slim AS build", "USER app", "FROM python:3.12-slim"),
    ],
)
def test_runs_as_root(tmp_path: Path, lines: tuple[str, ...]) -> None:
    files = dockerfile(*lines, 'CMD ["python", "main.py"]')
    assert only(tmp_path, files, "runs-as-root").severity == "warning"


def test_user_in_final_stage_is_fine(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim AS build", "FROM python:3.12-slim", "USER 10001:10001", 'CMD ["x"]'
    )
    assert "runs-as-root" not in codes(tmp_path, files)


@pytest.mark.parametrize(
    "base",
    [
        "FROM python:3.7",
        "FROM python:2.7-slim",
        "FROM python:2",
        "FROM docker.io/library/python:3.8-alpine AS app",
        "FROM --platform=linux/amd64 python:3.9-slim-bookworm",
        "ARG PY=python:3.6\nFROM ${PY}",
    ],
)
def test_base_image_eol(tmp_path: Path, base: str) -> None:
    files = dockerfile(base, "USER app", 'CMD ["python"]')
    f = only(tmp_path, files, "base-image-eol")
    assert f.severity == "warning" and "3.12" in f.fix


def test_base_image_eol_follows_the_calendar(tmp_path: Path) -> None:
    make(tmp_path, dockerfile("FROM python:3.10-slim", "USER app", 'CMD ["python"]'))
    info = scan_project(tmp_path)
    assert not find_issues(info, today="2026-06-01")
    assert [f.code for f in find_issues(info, today="2026-11-01")] == ["base-image-eol"]


@pytest.mark.parametrize("base", ["FROM python", "FROM python:latest", "FROM ubuntu"])
def test_base_image_unpinned(tmp_path: Path, base: str) -> None:
    files = dockerfile(base, "USER app", 'CMD ["python"]')
    assert only(tmp_path, files, "base-image-unpinned").line == 1


@pytest.mark.parametrize(
    "lines",
    [
        ("FROM python:3.12-slim",),
        ("FROM python@sha256:" + "a" * 64,),
        ("FROM python:3",),
        ("FROM python:3.12-slim AS Build", "FROM build"),
        ("FROM scratch",),
        ("ARG BASE", "FROM ${BASE}"),
    ],
)
def test_base_image_that_is_fine(tmp_path: Path, lines: tuple[str, ...]) -> None:
    files = dockerfile(*lines, "USER app", 'CMD ["python"]')
    assert not codes(tmp_path, files) & {"base-image-unpinned", "base-image-eol"}


@pytest.mark.parametrize(
    ("line", "code", "fix"),
    [
        ("CMD python main.py", "shell-form-cmd", 'CMD ["python", "main.py"]'),
        ("ENTRYPOINT python -m app", "shell-form-cmd", 'ENTRYPOINT ["python", "-m", "app"]'),
        ("CMD ['python', 'main.py']", "cmd-invalid-json", 'CMD ["python", "main.py"]'),
    ],
)
def test_shell_form_command(tmp_path: Path, line: str, code: str, fix: str) -> None:
    files = dockerfile("FROM python:3.12-slim", "USER app", line)
    f = only(tmp_path, files, code)
    assert f.line == 3 and fix in f.fix


def test_only_the_effective_command_counts(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim", "CMD python old.py", "USER app", 'CMD ["python", "main.py"]'
    )
    assert not codes(tmp_path, files) & {"shell-form-cmd", "cmd-invalid-json"}


@pytest.mark.parametrize(
    ("line", "word", "suggestion"),
    [
        ("COPY. /app", "COPY.", "COPY . /app"),
        ("ADD. .", "ADD.", "ADD . ."),
        ("copy. .", "copy.", "COPY . ."),
        ("COPPY . .", "COPPY", "COPY . ."),
        ("ENTRYPIONT python", "ENTRYPIONT", "ENTRYPOINT python"),
    ],
)
def test_unknown_instruction_suggests_the_near_one(
    tmp_path: Path, line: str, word: str, suggestion: str
) -> None:
    files = dockerfile("FROM python:3.12-slim", line, "USER app", 'CMD ["python"]')
    f = only(tmp_path, files, "unknown-instruction")
    assert (f.severity, f.line) == ("error", 2)
    assert word in f.title and f"`{suggestion}`" in f.fix


def test_unknown_instruction_from_a_missing_backslash(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim",
        "RUN apt-get update &&",
        "    apt-get install -y curl",
        "USER app",
        'CMD ["python"]',
    )
    f = only(tmp_path, files, "unknown-instruction")
    assert f.line == 3 and "\\" in f.fix


def test_heredoc_body_is_not_read_as_instructions(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim",
        "RUN <<EOF",
        "apt-get update",
        "echo done",
        "EOF",
        "USER app",
        'CMD ["python"]',
    )
    assert issues(tmp_path, files) == []


def test_workdir_relative(tmp_path: Path) -> None:
    files = dockerfile(
        "FROM python:3.12-slim", "WORKDIR ./docker_demo", "USER app", 'CMD ["python"]'
    )
    f = only(tmp_path, files, "workdir-relative")
    assert f.line == 2 and "WORKDIR /docker_demo" in f.fix


@pytest.mark.parametrize("workdir", ["WORKDIR /app", "WORKDIR $HOME/app", 'WORKDIR "/srv/x"'])
def test_workdir_absolute_is_fine(tmp_path: Path, workdir: str) -> None:
    files = dockerfile("FROM python:3.12-slim", workdir, "USER app", 'CMD ["python"]')
    assert "workdir-relative" not in codes(tmp_path, files)


def test_no_from(tmp_path: Path) -> None:
    files = dockerfile("RUN echo hi", "USER app", 'CMD ["python"]')
    assert only(tmp_path, files, "no-from").severity == "error"


def test_other_dockerfiles_are_checked_too(tmp_path: Path) -> None:
    files = good(**{"docker/Dockerfile.dev": 'FROM python:3.7\nUSER app\nCMD ["python"]\n'})
    assert only(tmp_path, files, "base-image-eol").file == "docker/Dockerfile.dev"


# --- no Dockerfile -----------------------------------------------------------------------


def test_no_dockerfile_in_python_project(tmp_path: Path) -> None:
    found = issues(tmp_path, {"main.py": "", "requirements.txt": "flask==3.0.3\n"})
    assert [f.code for f in found] == ["no-dockerfile"]
    assert found[0].severity == "info" and "press g" in found[0].fix.lower()


def test_no_dockerfile_not_reported_for_other_projects(tmp_path: Path) -> None:
    assert issues(tmp_path, {"index.js": ""}) == []


def test_unreadable_dockerfile_gives_no_dockerfile_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, good(Dockerfile="COPY. .\n"))
    info = scan_project(tmp_path)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "Dockerfile":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert find_issues(info, today=TODAY) == []
