"""`b`: the build form, with the build context's size and what it would leak."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from dockui.engine.build import BuildSpec, timestamp_tag
from dockui.engine.build_context import context_summary
from dockui.engine.format import format_size
from dockui.engine.reference import reference_error
from dockui.project.scan import ProjectInfo
from dockui.screens.form import FieldError, FormScreen

PROJECT_LABEL = "dockui.project"
"""Label on images built by dockui: which folder they came from."""


def parse_build_args(text: str, environ: dict[str, str]) -> tuple[list[tuple[str, str]], str]:
    """``KEY=VALUE KEY2`` → pairs (a bare KEY takes dockui's environment, as the CLI does)."""
    pairs: list[tuple[str, str]] = []
    for item in text.split():
        key, eq, value = item.partition("=")
        if not key or not (key[0].isalpha() or key[0] == "_") or \
                not all(ch.isalnum() or ch == "_" for ch in key):
            return [], f"{item!r}: a build arg is KEY=VALUE, e.g. BASE_IMAGE=python:3.12-slim"
        if not eq:
            if key not in environ:
                return [], f"{key} has no value and is not set in dockui's environment"
            value = environ[key]
        pairs.append((key, value))
    return pairs, ""


class BuildDialog(FormScreen[BuildSpec]):
    """Tags, Dockerfile, build args, target, no-cache, pull; shows the docker build line."""

    def __init__(self, info: ProjectInfo, default_tag: str) -> None:
        super().__init__()
        self.info = info
        self.default_tag = default_tag
        self.stamp = timestamp_tag()

    def compose(self) -> ComposeResult:
        dockerfiles = list(self.info.dockerfiles) or ["Dockerfile"]
        with VerticalScroll(classes="form") as form:
            form.border_title = f"Build {self.info.name}"
            yield Static("Build context: measuring…", id="context")
            target = getattr(self.app, "target", None)
            if target is not None and target.transport != "unix":
                yield Static(Text(
                    f"⚠ The engine is remote ({target.host}): the build context and the "
                    "registry credentials docker-py holds are sent to it.", style="yellow"),
                    id="remote-note")
            yield Label("Tags (-t): one or more, separated by spaces")
            yield Input(self.default_tag, id="tags")
            yield FieldError(id="err-tags")
            yield Checkbox("Also tag with a timestamp (YYYYMMDDHHMMSS)", id="stamp")
            yield Label("Dockerfile (-f)")
            yield Select([(d, d) for d in dockerfiles], value=dockerfiles[0], allow_blank=False,
                         id="dockerfile")
            yield Label("Build args (--build-arg): KEY=VALUE, separated by spaces")
            yield Input(id="args", placeholder="e.g. BASE_IMAGE=python:3.12-slim")
            yield FieldError(id="err-args")
            yield Label("Target stage (--target)")
            yield Input(id="target", placeholder="the last stage")
            with Horizontal(classes="buttons"):
                yield Checkbox("No cache (--no-cache)", id="nocache")
                yield Checkbox("Pull the base image (--pull)", id="pull")
            yield Static(id="preview", classes="preview")
            with Horizontal(classes="buttons"):
                yield Button("Build", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#tags", Input).focus()
        self.update_preview()
        self.measure_context()

    @work(thread=True, exclusive=True, group="build-context", exit_on_error=False)
    def measure_context(self) -> None:
        summary = context_summary(self.info.path, self._dockerfile())
        text = Text()
        text.append("Build context: ", style="dim")
        text.append(f"{summary.files} files, {format_size(summary.size_bytes)}")
        if summary.risky:
            names = ", ".join(summary.risky[:6])
            more = f" and {summary.risky_total - 6} more" if summary.risky_total > 6 else ""
            text.append(f"\n⚠ would send {names}{more}: add them to .dockerignore",
                        style="bold yellow")
        if summary.error:
            text.append(f"\n{summary.error}", style="yellow")
        self.app.call_from_thread(self.query_one("#context", Static).update, text)

    def _dockerfile(self) -> str:
        value = self.query_one("#dockerfile", Select).value
        return value if isinstance(value, str) else "Dockerfile"

    def _tags(self) -> list[str]:
        tags = self.query_one("#tags", Input).value.split()
        if self.query_one("#stamp", Checkbox).value and tags:
            repo = tags[0].rsplit(":", 1)[0] if ":" in tags[0].rsplit("/", 1)[-1] else tags[0]
            tags.append(f"{repo}:{self.stamp}")
        return tags

    def check(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        tags = self.query_one("#tags", Input).value.split()
        if not tags:
            errors["tags"] = f"at least one tag, e.g. {self.default_tag}"
        for tag in tags:
            problem = reference_error(tag)
            if problem:
                errors["tags"] = problem
                break
        _, args_error = parse_build_args(self.query_one("#args", Input).value, dict(os.environ))
        if args_error:
            errors["args"] = args_error
        return errors

    def result(self) -> BuildSpec:
        args, _ = parse_build_args(self.query_one("#args", Input).value, dict(os.environ))
        return BuildSpec(
            path=str(self.info.path),
            tags=tuple(self._tags()),
            dockerfile=self._dockerfile(),
            build_args=tuple(args),
            target=self.query_one("#target", Input).value.strip(),
            no_cache=self.query_one("#nocache", Checkbox).value,
            pull=self.query_one("#pull", Checkbox).value,
            labels=((PROJECT_LABEL, str(self.info.path)),),
        )

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        if self.check():
            preview.update(Text("docker build …  (fix the fields marked above)", style="dim"))
        else:
            preview.update(Text("$ " + self.result().to_cli()))
