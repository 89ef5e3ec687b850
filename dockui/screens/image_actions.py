"""Images pane actions: tag, remove (or untag), details."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from dockui.engine.format import format_age, format_size
from dockui.engine.models import ImageInfo
from dockui.screens.confirm import ConfirmScreen
from dockui.screens.details import DetailsScreen
from dockui.screens.tag_dialog import TagDialog
from dockui.widgets.images_table import ImagesTable


class ImageActions:
    """Mixed into the main screen."""

    def _selected_image(self) -> tuple[ImageInfo, str | None] | None:
        table = self.query_one(ImagesTable)
        image = table.selected
        if image is None:
            self.notify("No image selected.", severity="warning")
            return None
        return image, table.selected_tag

    def select_image(self, image_id: str, tag: str | None = None) -> None:
        """Put the Images cursor on ``image_id`` (its ``tag`` row when given)."""
        table = self.query_one(ImagesTable)
        if tag and table.select_key(f"{image_id}|{tag}"):
            return
        for key in table._shown:
            if key.startswith(image_id + "|"):
                table.select_key(key)
                return
        table.pending_select = (image_id, tag)

    def action_tag_image(self) -> None:
        selected = self._selected_image()
        if selected is None:
            return
        image, tag = selected
        name = tag or image.short_id
        repo = name.rsplit(":", 1)[0] if tag else "myimage"

        def done(reference: str | None) -> None:
            if reference:
                self.engine_call(["docker", "tag", name, reference],
                                 lambda e: e.tag_image(image.id, reference),
                                 f"Tagged {name} as {reference}")

        self.app.push_screen(TagDialog(name, f"{repo}:"), done)

    def action_remove_image(self) -> None:
        selected = self._selected_image()
        if selected is None:
            return
        image, tag = selected
        users = [c.name for c in self.containers.items.values()
                 if c.image_id == image.id]
        untag = tag is not None and len(image.tags) > 1
        target = tag if tag else image.short_id
        if untag:
            title = f"Remove the tag {tag}?"
            others = ", ".join(t for t in image.tags if t != tag)
            body = Text(f"The image keeps its other tags: {others}.")
        else:
            title = f"Remove the image {target}?"
            body = Text(f"{format_size(image.size)}, created {format_age(image.created)}.")
        force = False
        if users and not untag:
            body.append(f"\nUsed by {len(users)} container(s): {', '.join(users[:5])}. "
                        "Removing it anyway (force) leaves them without a named image.",
                        style="yellow")
            force = True

        def done(ok: bool | None) -> None:
            if not ok:
                return
            argv = ["docker", "rmi", *(["--force"] if force else []), target]
            self.engine_call(argv,
                             lambda e: e.remove_image(tag if tag else image.id, force=force),
                             f"Removed {target}")

        self.app.push_screen(ConfirmScreen(title, body, yes="Remove"), done)

    def action_image_details(self) -> None:
        selected = self._selected_image()
        if selected is None:
            return
        image, _ = selected

        def show(history: list[tuple[str, int, float]]) -> None:
            self.app.push_screen(DetailsScreen(f"Image {image.short_id}",
                                               image_details(image, history)))

        self.engine_call(["docker", "history", image.short_id],
                         lambda e: e.image_history(image.id), "", show)


def image_details(image: ImageInfo, history: list[tuple[str, int, float]]) -> Table:
    """Tags, size, created, labels and layers of one image."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    table.add_row("ID", image.id)
    table.add_row("Tags", ", ".join(image.tags) or "<none> (dangling)")
    table.add_row("Size", format_size(image.size))
    table.add_row("Created", format_age(image.created))
    for key, value in image.labels:
        table.add_row("Label", f"{key}={value}")
    table.add_row("", "")
    table.add_row(Text("Layers", style="bold"), "")
    for created_by, size, _created in history:
        command = created_by.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ")
        table.add_row(format_size(size), Text(command, overflow="fold"))
    return table
