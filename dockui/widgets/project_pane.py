"""The Project pane: the folder being packaged and what it holds for packaging."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dockui.engine.format import format_age, format_size
from dockui.engine.models import ImageInfo
from dockui.paths import tilde
from dockui.project.scan import ProjectInfo, default_image_name

if TYPE_CHECKING:
    from dockui.project.findings import Finding  # dockerfile-parse: not at start-up

SEVERITY_MARKS = {"error": ("✖", "bold red"), "warning": ("▲", "yellow"), "info": ("●", "cyan")}


class ProjectView(VerticalScroll, can_focus=True):
    """A summary of the project folder; the pane's keys (build, generate) act on it."""

    DEFAULT_CSS = """
    ProjectView { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    """
    BINDINGS = [
        Binding("b", "screen.build", "Build"),
        Binding("g", "screen.generate", "Generate Dockerfile"),
        Binding("R", "screen.rescan", "Re-read folder"),
    ]

    def __init__(self, path: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.info: ProjectInfo | None = None
        self.images: list[ImageInfo] = []
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield Static(render_project(self.path, None, []), id="project-text")

    @property
    def image_name(self) -> str:
        """The repository this project's images are tagged with by default."""
        return default_image_name(self.path)

    def show_project(self, info: ProjectInfo | None = None,
                     images: Iterable[ImageInfo] | None = None,
                     findings: list[Finding] | None = None) -> None:
        """Redraw with new scan results and/or the engine's images."""
        if info is not None:
            self.info = info
        if findings is not None:
            self.findings = findings
        if images is not None:
            prefix = self.image_name + ":"
            self.images = [i for i in images if any(t.startswith(prefix) for t in i.tags)]
        text = render_project(self.path, self.info, self.images, self.findings)
        self.query_one("#project-text", Static).update(text)


def render_project(path: Path, info: ProjectInfo | None, images: list[ImageInfo],
                   findings: list[Finding] = ()) -> Text:  # type: ignore[assignment]
    """The pane's text: pure, so that it is easy to test."""
    text = Text()
    text.append(path.name or str(path), style="bold")
    text.append(f"  {tilde(path)}\n", style="dim")
    if info is None:
        text.append("reading the folder…", style="dim")
        return text

    def row(label: str, value: str, style: str = "") -> None:
        text.append(f"{label:<14}", style="dim")
        text.append(f"{value}\n", style=style)

    if info.dockerfiles:
        row("Dockerfile", ", ".join(info.dockerfiles), "green")
    else:
        hint = "none — press g to generate one" if info.is_python else "none"
        row("Dockerfile", hint, "yellow")
    row(".dockerignore", "yes" if info.dockerignore else "none (the whole folder is sent)",
        "" if info.dockerignore else "yellow")
    if info.requirements:
        row("Dependencies", ", ".join(info.requirements))
    if info.python_entry:
        row("Entry point", info.python_entry)
    if info.compose_files:
        row("Compose", ", ".join(info.compose_files))
    if info.env_files:
        row("Env files", ", ".join(info.env_files) + "  ⚠ may hold secrets", "yellow")
    if images:
        text.append("\nImages built from it\n", style="bold")
        for image in images[:8]:
            tags = ", ".join(t for t in image.tags if t.startswith(default_image_name(path)))
            text.append(f"  {tags}", style="cyan")
            text.append(f"  {format_size(image.size)}  {format_age(image.created)}\n",
                        style="dim")
    if findings:
        text.append(f"\nFindings ({len(findings)})\n", style="bold")
        for finding in findings:
            mark, style = SEVERITY_MARKS.get(finding.severity, ("·", ""))
            where = f"{finding.file}:{finding.line}" if finding.line else finding.file
            text.append(f"{mark} ", style=style)
            text.append(finding.title, style="bold" if finding.severity == "error" else "")
            text.append(f"  {where}\n", style="dim")
            text.append(f"  why: {finding.why}\n", style="dim")
            text.append(f"  fix: {finding.fix}\n", style="green")
    elif info.dockerfiles:
        text.append("\n✔ no findings in the Dockerfile and folder\n", style="green")
    return text
