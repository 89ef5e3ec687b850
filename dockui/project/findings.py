"""Problems a newcomer's project is likely to have, each explained and with a fix.

Every check is aimed at a mistake that breaks a build, leaks a secret or makes an image slow
or fragile: ``pip freeze`` file URLs, a missing ``.dockerignore``, ``COPY . .`` before the
dependency install, an end-of-life base image, a typo such as ``COPY. /app``... Dockerfiles
are read with :mod:`dockerfile_parse`, the same parser other Docker tooling uses.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dockerfile_parse import DockerfileParser

from dockui.engine.build_context import context_matcher
from dockui.project.requirements import file_url_lines
from dockui.project.scan import ProjectInfo, python_eol, read_text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

KNOWN_INSTRUCTIONS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
    "WORKDIR",
)  # fmt: skip
# Files named like secrets that are meant to be committed and shared.
ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
HEAVY_DIRS = (".git", ".venv", "venv", "node_modules")
KEY_NAMES = re.compile(r"^(id_rsa.*|id_ed25519.*|id_ecdsa.*|.*\.pem|.*\.key)$")
# ADD unpacks local tar archives; for those ADD is the right instruction.
ARCHIVE_SUFFIX = re.compile(r"\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz)$", re.I)
BROAD_SOURCES = frozenset({".", "./", "*", "./*"})
# A RUN that installs the project's dependencies from a lock or requirements file.
DEPS_INSTALL = re.compile(
    r"pip3?\s+install\b[^;&|]*\s(-r|--requirement)[\s=]|\bpipenv\s+install\b|"
    r"\bpoetry\s+install\b|\buv\s+sync\b|\buv\s+pip\s+(install|sync)\b[^;&|]*\s-r\s"
)
HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


@dataclass(frozen=True)
class Finding:
    """One problem in the project, explained for someone new to Docker."""

    code: str
    """A short stable id, e.g. ``pip-freeze-file-url``."""
    severity: Severity
    """``error``: the build or the app will fail or leak secrets; ``warning``: it works but
    is slow, fragile or unsafe; ``info``: a suggestion."""
    title: str
    why: str
    """Why it matters."""
    fix: str
    """What to do about it."""
    file: str
    """The file concerned, relative to the project."""
    line: int | None = None
    """1-based line in ``file``, when one line is to blame."""


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction as :class:`DockerfileParser` reports it."""

    name: str
    """Upper-cased instruction word, as parsed (``COPY.`` for the typo ``COPY. /app``)."""
    line: int
    """1-based line where it starts."""
    value: str
    """Everything after the instruction word, continuation lines joined."""
    word: str
    """The instruction word as written."""
    image: str | None = None
    """For FROM: the image with ``ARG`` defaults substituted ("" when unresolved)."""


def find_issues(info: ProjectInfo, today: str | None = None) -> list[Finding]:
    """Check a scanned project and return its problems, errors first.

    Args:
        info: The project, from :func:`dockui.project.scan.scan_project`.
        today: ISO date for the end-of-life checks; defaults to the real date.
    """
    parsed = {df: parse_dockerfile(info.path / df) for df in info.dockerfiles}
    copies_all = any(_broad_copies(instrs) for instrs in parsed.values())
    findings = [*_requirements_findings(info), *_context_findings(info, copies_all)]
    for dockerfile, instructions in parsed.items():
        findings += dockerfile_findings(dockerfile, instructions, today)
    if not info.dockerfiles and info.is_python:
        findings.append(_no_dockerfile())
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.file, f.line or 0))


def parse_dockerfile(path: Path) -> list[Instruction]:
    """Parse a Dockerfile into instructions; an unreadable file gives none.

    Heredoc bodies (``RUN <<EOF ... EOF``) are skipped: the parser does not know them and
    would report each of their lines as an instruction.
    """
    text = read_text(path)
    if text is None:
        return []
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    structure = parser.structure
    images = iter(parser.parent_images)  # one per FROM, ARG defaults substituted
    instructions: list[Instruction] = []
    pending: list[str] = []
    for item in structure:
        name = item["instruction"]
        image = next(images, "") if name == "FROM" else None
        if pending:  # inside a heredoc body: wait for its terminator line
            if item["content"].strip() == pending[0]:
                pending.pop(0)
            continue
        if name == "COMMENT":
            continue
        word = item["content"].split(maxsplit=1)[0] if item["content"].strip() else name
        instructions.append(Instruction(name, item["startline"] + 1, item["value"], word, image))
        if name in ("RUN", "COPY", "ADD"):
            pending = HEREDOC.findall(item["value"])
    return instructions


def dockerfile_findings(
    dockerfile: str, instructions: list[Instruction], today: str | None = None
) -> list[Finding]:
    """All checks that need only the Dockerfile itself.

    Args:
        dockerfile: The Dockerfile's path relative to the project (for the findings).
        instructions: From :func:`parse_dockerfile`.
        today: ISO date for the end-of-life checks.
    """
    if not instructions:
        return []
    checks: list[Callable[[str, list[Instruction]], Iterable[Finding]]] = [
        _unknown_instructions,
        _maintainer,
        _relative_workdir,
        _add_instead_of_copy,
        _copy_before_install,
        _runs_as_root,
        _shell_form_commands,
        _missing_from,
    ]
    findings = [f for check in checks for f in check(dockerfile, instructions)]
    findings += _base_images(dockerfile, instructions, today)
    return findings


# --- requirements and build context ---------------------------------------------------


def _requirements_findings(info: ProjectInfo) -> Iterable[Finding]:
    """``name @ file:///...`` lines, as ``pip freeze`` writes in conda or local builds."""
    for name in info.requirements:
        if not name.endswith(".txt"):
            continue
        lines = file_url_lines(read_text(info.path / name) or "")
        if lines:
            yield Finding(
                code="pip-freeze-file-url",
                severity="error",
                title=f"{name} points at {_count(len(lines), 'local file')} (pip freeze)",
                why=(
                    "Lines like `pkg @ file:///...` name a path that exists only on your "
                    "machine (pip freeze writes them for conda or locally built packages). "
                    "Inside the image that path does not exist, so `pip install -r` fails "
                    "and the build stops."
                ),
                fix=(
                    f"Regenerate it with `pip list --format=freeze > {name}`, which always "
                    "writes plain `name==version` pins, or replace each such line by "
                    "`name==version`."
                ),
                file=name,
                line=lines[0],
            )


def _context_findings(info: ProjectInfo, copies_all: bool) -> list[Finding]:
    """Secrets and heavy folders that ``docker build`` would send (or a missing ignore file)."""
    if not info.dockerfiles:
        return []
    excluded = context_matcher(info.path, info.dockerfile or "Dockerfile")
    top = _top_level_names(info.path)
    findings = [] if info.dockerignore else [_no_dockerignore()]
    secrets = [n for n in info.env_files if n not in ENV_TEMPLATES]
    secrets += sorted(n for n in top if KEY_NAMES.match(n))
    findings += [_secret_in_context(n, copies_all) for n in secrets if not excluded(n)]
    heavy = [d for d in HEAVY_DIRS if d in top and not excluded(d)]
    if heavy and info.dockerignore:
        findings.append(_heavy_dirs(heavy))
    return findings


def _no_dockerignore() -> Finding:
    return Finding(
        code="no-dockerignore",
        severity="warning",
        title="No .dockerignore",
        why=(
            "Without it `docker build` sends the whole folder to the engine, including "
            "`.git`, virtualenvs and `.env` files: builds are slow, `COPY . .` puts all of "
            "it in the image, and any change to any file invalidates the cache."
        ),
        fix=(
            "Create a .dockerignore listing what the image does not need (.git, .venv, "
            "__pycache__, .env...). Press g to generate one."
        ),
        file=".dockerignore",
    )


def _secret_in_context(name: str, copies_all: bool) -> Finding:
    code = "env-in-context" if name.startswith(".env") else "key-in-context"
    where = (
        "and `COPY . .` bakes it into the image, where anyone who pulls the image can read it"
        if copies_all
        else "to the Docker engine with every build, one COPY away from ending up in the image"
    )
    return Finding(
        code=code,
        severity="error" if copies_all else "warning",
        title=f"{name} is sent with the build context",
        why=f"{name} may hold passwords or keys. It is not in .dockerignore, so it goes {where}.",
        fix=(
            f"Add `{name}` to .dockerignore (and `.env*` with `!.env.example` for the "
            "family). Pass settings at run time instead: `docker run --env-file .env ...`."
        ),
        file=name,
    )


def _heavy_dirs(names: list[str]) -> Finding:
    listed = ", ".join(names)
    return Finding(
        code="heavy-dir-in-context",
        severity="warning",
        title=f".dockerignore does not exclude {listed}",
        why=(
            f"{listed} can hold thousands of files the image does not need. They are sent "
            "with every build, and a copied host virtualenv does not even work in the image."
        ),
        fix=f"Add {', '.join(f'`{n}`' for n in names)} to .dockerignore, one per line.",
        file=".dockerignore",
    )


def _no_dockerfile() -> Finding:
    return Finding(
        code="no-dockerfile",
        severity="info",
        title="No Dockerfile yet",
        why="A Dockerfile is the recipe `docker build` follows to package this project.",
        fix="Press g to generate a Dockerfile and .dockerignore for this Python project.",
        file="Dockerfile",
    )


# --- Dockerfile checks ---------------------------------------------------------------------


def _unknown_instructions(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    for ins in instrs:
        if ins.name in KNOWN_INSTRUCTIONS:
            continue
        suggestion = _suggest_instruction(ins.word, ins.value)
        fix = (
            f"Did you mean `{suggestion}`?"
            if suggestion
            else "Check the spelling, or whether the line before misses a trailing `\\`."
        )
        yield Finding(
            code="unknown-instruction",
            severity="error",
            title=f"Unknown instruction `{ins.word}`",
            why=(
                f"Docker does not know `{ins.word}`, so the build stops at this line with "
                "'unknown instruction'."
            ),
            fix=fix,
            file=dockerfile,
            line=ins.line,
        )


def _suggest_instruction(word: str, value: str) -> str | None:
    """The line as it was probably meant, e.g. ``COPY. /app`` -> ``COPY . /app``."""
    rest = f" {value}" if value else ""
    glued = re.match(r"([A-Za-z]+)(.+)", word)
    if glued and glued.group(1).upper() in KNOWN_INSTRUCTIONS:
        # An instruction glued to its first argument: "COPY." or "RUN./setup.sh".
        return f"{glued.group(1).upper()} {glued.group(2)}{rest}"
    close = difflib.get_close_matches(word.upper(), KNOWN_INSTRUCTIONS, n=1, cutoff=0.6)
    if close:
        return f"{close[0]}{rest}"
    return None


def _maintainer(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    for ins in instrs:
        if ins.name == "MAINTAINER":
            yield Finding(
                code="maintainer-deprecated",
                severity="warning",
                title="MAINTAINER is deprecated",
                why="Docker deprecated MAINTAINER; tools read the author from labels instead.",
                fix=f'Write `LABEL org.opencontainers.image.authors="{ins.value}"` instead.',
                file=dockerfile,
                line=ins.line,
            )


def _relative_workdir(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    for ins in instrs:
        path = ins.value.strip().strip("\"'")
        if ins.name != "WORKDIR" or path.startswith(("/", "$")) or re.match(r"[A-Za-z]:", path):
            continue
        yield Finding(
            code="workdir-relative",
            severity="warning",
            title=f"WORKDIR {path} is relative",
            why=(
                "A relative WORKDIR is resolved against the previous one, which the base image "
                "chooses, so where your files land depends on the base image."
            ),
            fix=f"Use an absolute path, e.g. `WORKDIR /{path.lstrip('./') or 'app'}`.",
            file=dockerfile,
            line=ins.line,
        )


def _add_instead_of_copy(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    for ins in instrs:
        if ins.name != "ADD":
            continue
        sources = _copy_sources(ins.value)
        if not sources or any(_is_remote(s) or ARCHIVE_SUFFIX.search(s) for s in sources):
            continue
        yield Finding(
            code="add-instead-of-copy",
            severity="warning",
            title="ADD used where COPY is enough",
            why=(
                "ADD also downloads URLs and unpacks archives, so a reader (and Docker) cannot "
                "tell what it will do. For plain local files COPY says exactly that."
            ),
            fix=f"Write `COPY {ins.value.strip()}`.",
            file=dockerfile,
            line=ins.line,
        )


def _copy_before_install(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    """A ``COPY . .`` earlier in the same stage than the RUN that installs dependencies."""
    for stage in _stages(instrs):
        copy = next((i for i in stage if _is_broad_copy(i)), None)
        if copy is None:
            continue
        after = stage[stage.index(copy) + 1 :]
        if any(i.name == "RUN" and DEPS_INSTALL.search(i.value) for i in after):
            yield Finding(
                code="copy-before-install",
                severity="warning",
                title=f"`{copy.name} {copy.value.strip()}` comes before installing dependencies",
                why=(
                    "Docker reuses a cached layer only while everything before it is unchanged. "
                    "Copying all the source first means any edit re-runs the slow dependency "
                    "install."
                ),
                fix=(
                    "Copy the requirements file alone and install first, then copy the rest:\n"
                    "COPY requirements.txt .\n"
                    "RUN pip install --no-cache-dir -r requirements.txt\n"
                    "COPY . ."
                ),
                file=dockerfile,
                line=copy.line,
            )


def _runs_as_root(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    stages = _stages(instrs)
    if not stages:
        return
    users = [i.value.strip() for i in stages[-1] if i.name == "USER"]
    if users and users[-1].split(":")[0] not in ("root", "0"):
        return
    yield Finding(
        code="runs-as-root",
        severity="warning",
        title="The container runs as root",
        why=(
            "With no USER, the app runs as root inside the container: a bug or exploit in it "
            "gets full control of the container and an easier path to the host."
        ),
        fix=(
            "Create an unprivileged user and switch to it after installing packages:\n"
            "RUN useradd --create-home --uid 10001 app\n"
            "USER app"
        ),
        file=dockerfile,
        line=None,
    )


def _shell_form_commands(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    """The effective CMD and ENTRYPOINT of the final stage, if not in exec (JSON) form."""
    stages = _stages(instrs)
    final = stages[-1] if stages else instrs
    for name in ("ENTRYPOINT", "CMD"):
        last = next((i for i in reversed(final) if i.name == name), None)
        if last is None or _is_exec_form(last.value):
            continue
        looks_json = last.value.lstrip().startswith("[")
        yield Finding(
            code="cmd-invalid-json" if looks_json else "shell-form-cmd",
            severity="warning",
            title=(f"{name} is not valid JSON" if looks_json else f"{name} uses the shell form"),
            why=(
                "Exec form needs JSON: double quotes, commas. Anything else is run through "
                "`/bin/sh -c` as one string, which fails for a list like this."
                if looks_json
                else "The shell form runs your app under `/bin/sh -c`, so the shell, not your "
                "app, gets the stop signal: `docker stop` waits 10 s, then kills the app "
                "without a clean shutdown."
            ),
            fix=f"Write it in exec form: `{name} {_exec_form(last.value)}`.",
            file=dockerfile,
            line=last.line,
        )


def _missing_from(dockerfile: str, instrs: list[Instruction]) -> Iterable[Finding]:
    if any(i.name == "FROM" for i in instrs):
        return
    yield Finding(
        code="no-from",
        severity="error",
        title="No FROM instruction",
        why="Every image starts from a base image named by FROM; without it the build fails.",
        fix="Start the Dockerfile with a base image, e.g. `FROM python:3.12-slim`.",
        file=dockerfile,
        line=1,
    )


def _base_images(
    dockerfile: str, instrs: list[Instruction], today: str | None
) -> Iterable[Finding]:
    stage_names: set[str] = set()
    for ins in instrs:
        if ins.name != "FROM":
            continue
        image = ins.image or ""
        if image and image.lower() != "scratch" and image.lower() not in stage_names:
            yield from _check_image(dockerfile, ins.line, image, today)
        alias = re.search(r"\s[Aa][Ss]\s+(\S+)\s*$", ins.value)
        if alias:
            stage_names.add(alias.group(1).lower())


def _check_image(dockerfile: str, line: int, image: str, today: str | None) -> list[Finding]:
    if "$" in image:
        return []  # a build argument without a default: nothing to judge
    repo, tag, digest = _split_image(image)
    if not digest and tag in (None, "latest"):
        return [_unpinned(dockerfile, line, image, repo)]
    version = re.match(r"(\d+)(?:\.(\d+))?", tag or "")
    if repo.rsplit("/", 1)[-1] != "python" or not version:
        return []
    minor = int(version.group(2)) if version.group(2) else None
    if minor is None and int(version.group(1)) >= 3:
        return []  # "python:3" floats to the newest 3.x
    eol = python_eol((int(version.group(1)), minor or 0), today)
    return [_eol(dockerfile, line, image, repo, eol)] if eol else []


def _unpinned(dockerfile: str, line: int, image: str, repo: str) -> Finding:
    example = "python:3.12-slim" if repo.endswith("python") else f"{repo}:<version>"
    return Finding(
        code="base-image-unpinned",
        severity="warning",
        title=f"Base image {image} is not pinned to a version",
        why=(
            "No tag (or `latest`) means whatever version is newest on the day you build: the "
            "same Dockerfile gives different images over time and can break without a change."
        ),
        fix=f"Name a version, e.g. `FROM {example}`.",
        file=dockerfile,
        line=line,
    )


def _eol(dockerfile: str, line: int, image: str, repo: str, eol: str) -> Finding:
    return Finding(
        code="base-image-eol",
        severity="warning",
        title=f"Base image {image} is end-of-life",
        why=(
            f"This Python version stopped receiving security fixes on {eol}; images built on "
            "it carry known, unfixed vulnerabilities and new packages drop support for it."
        ),
        fix=f"Move to a supported version, e.g. `FROM {repo}:3.12-slim`, and re-test.",
        file=dockerfile,
        line=line,
    )


# --- helpers -------------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _top_level_names(root: Path) -> set[str]:
    try:
        return set(os.listdir(root))
    except OSError:
        return set()


def _stages(instrs: list[Instruction]) -> list[list[Instruction]]:
    """Split instructions into build stages, each starting at its FROM."""
    stages: list[list[Instruction]] = []
    for ins in instrs:
        if ins.name == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(ins)
    return stages


def _copy_args(value: str) -> list[str]:
    """The arguments of COPY/ADD without ``--flags``, from shell or JSON form."""
    value = value.strip()
    if value.startswith("["):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, list):
                return [str(a) for a in parsed]
        except ValueError:
            pass
    try:
        args = shlex.split(value)
    except ValueError:
        args = value.split()
    return [a for a in args if not a.startswith("--")]


def _copy_sources(value: str) -> list[str]:
    args = _copy_args(value)
    return args[:-1] if len(args) > 1 else []


def _is_remote(source: str) -> bool:
    return "://" in source or source.startswith("git@")


def _is_broad_copy(ins: Instruction) -> bool:
    """``COPY . .`` / ``ADD . .`` from the build context (not ``--from`` another stage)."""
    if ins.name not in ("COPY", "ADD") or "--from" in ins.value:
        return False
    return any(s in BROAD_SOURCES for s in _copy_sources(ins.value))


def _broad_copies(instrs: list[Instruction]) -> bool:
    return any(_is_broad_copy(i) for i in instrs)


def _is_exec_form(value: str) -> bool:
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, list) and all(isinstance(a, str) for a in parsed)


def _exec_form(value: str) -> str:
    """A shell-form or single-quoted command as an exec-form JSON list."""
    text = value.strip()
    if text.startswith("["):
        text = text.strip("[]").replace(",", " ")
    try:
        args = shlex.split(text)
    except ValueError:
        args = text.split()
    return json.dumps(args)


def _split_image(image: str) -> tuple[str, str | None, str | None]:
    """``registry:5000/repo:tag@sha256:..`` -> (``registry:5000/repo``, tag, digest)."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest or None
    return name, None, digest or None
