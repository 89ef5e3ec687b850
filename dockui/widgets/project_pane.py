"""The Project pane: the folder being packaged and what it holds for packaging."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from dockui.engine.format import format_age, format_size
from dockui.engine.models import ImageInfo
from dockui.project.scan import ProjectInfo, default_image_name


class ProjectView(Static, can_focus=True):
    """A summary of the project folder; the pane's keys (build, generate) act on it."""

    DEFAULT_CSS = """
    ProjectView { height: 1fr; padding: 0 1; overflow-y: auto; }
    """

    def __init__(self, path: Path, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.path = path
        self.info: ProjectInfo | None = None
        self.images: list[ImageInfo] = []

    @property
    def image_name(self) -> str:
        """The repository this project's images are tagged with by default."""
        return default_image_name(self.path)

    def show_project(self, info: ProjectInfo | None = None,
             images: Iterable[ImageInfo] | None = None) -> None:
        """Redraw with new scan results and/or the engine's images."""
        if info is not None:
            self.info = info
        if images is not None:
            prefix = self.image_name + ":"
            self.images = [i for i in images if any(t.startswith(prefix) for t in i.tags)]
        self.update(render_project(self.path, self.info, self.images))


def render_project(path: Path, info: ProjectInfo | None, images: list[ImageInfo]) -> Text:
    """The pane's text: pure, so that it is easy to test."""
    text = Text()
    text.append(path.name or str(path), style="bold")
    text.append(f"  {path}\n", style="dim")
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
    return text
