"""The Images list: one row per tag, dangling images marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

from dockui.engine.format import format_age, format_size
from dockui.engine.models import ImageInfo
from dockui.widgets.resource_table import Cells, ResourceTable, dim_if

DANGLING = "<none>:<none>"


class ImagesTable(ResourceTable):
    """Images, newest first."""

    BINDINGS = [
        Binding("r", "screen.run_image", "Run"),
        Binding("b", "screen.build", "Build"),
        Binding("t", "screen.tag_image", "Tag"),
        Binding("P", "screen.push_image", "Push"),
        Binding("d", "screen.remove_image", "Remove"),
        Binding("enter", "screen.image_details", "Details"),
    ]

    COLUMNS = (
        ("tag", "Repository:Tag"),
        ("id", "ID"),
        ("size", "Size"),
        ("created", "Created"),
        ("used", "Containers"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.usage: dict[str, int] = {}
        """Image id → how many containers (any state) use it."""
        self.pending_select: tuple[str, str | None] | None = None
        """An image to put the cursor on as soon as it is listed (a build's result)."""

    def refresh_rows(self) -> None:
        super().refresh_rows()
        if self.pending_select is not None:
            image_id, tag = self.pending_select
            if (tag and self.select_key(f"{image_id}|{tag}")) or any(
                    self.select_key(k) for k in self._shown if k.startswith(image_id + "|")):
                self.pending_select = None

    def rows_for(self, items: Iterable[ImageInfo]) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = []
        for image in sorted(items, key=lambda i: (-i.created, i.tags)):
            for tag in image.tags or (DANGLING,):
                rows.append((f"{image.id}|{tag}", image))
        return rows

    def cells_for(self, key: str, image: ImageInfo) -> Cells:
        tag = key.split("|", 1)[1]
        used = self.usage.get(image.id, 0)
        return (
            dim_if(tag + ("  (dangling)" if image.dangling else ""), image.dangling,
                   "" if image.dangling else "bold"),
            dim_if(image.short_id, image.dangling),
            dim_if(format_size(image.size), image.dangling),
            dim_if(format_age(image.created), image.dangling),
            dim_if(str(used) if used else "-", not used),
        )

    def search_text(self, key: str, image: ImageInfo) -> str:
        return f"{key.split('|', 1)[1]} {image.short_id}".lower()

    def item_for_key(self, key: str) -> Any:
        return self.items.get(key.split("|", 1)[0])

    @property
    def selected_tag(self) -> str | None:
        """The tag of the row under the cursor (None for a dangling image)."""
        key = self.selected_key
        if key is None:
            return None
        tag = key.split("|", 1)[1]
        return None if tag == DANGLING else tag
