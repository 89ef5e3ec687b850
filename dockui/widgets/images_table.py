"""The Images list: one row per tag, dangling images marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

from dockui.engine.models import ImageInfo
from dockui.list_cells import DANGLING, IMAGE_COLUMNS, image_cells, image_rows
from dockui.widgets.resource_table import Cells, ResourceTable, as_text


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

    COLUMNS = IMAGE_COLUMNS

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
        return image_rows(items)

    def cells_for(self, key: str, image: ImageInfo) -> Cells:
        return tuple(map(as_text, image_cells(key, image, self.usage.get(image.id, 0))))

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
