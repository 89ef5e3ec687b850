"""Prune stopped containers or dangling images: a preview of exactly what goes, then that."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from dockui.engine.errors import EngineError
from dockui.engine.format import format_size
from dockui.engine.models import ContainerInfo, ImageInfo
from dockui.screens.confirm import ConfirmScreen


def preview_table(rows: list[tuple[str, str, int]]) -> Table:
    """(name, detail, bytes) rows with their total."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(style="dim")
    table.add_column(justify="right")
    for name, detail, size in rows:
        table.add_row(name, detail, format_size(size))
    table.add_row("", Text("frees", style="bold"),
                  Text(format_size(sum(size for *_, size in rows)), style="bold"))
    return table


class PruneActions:
    """Mixed into the main screen (command palette actions)."""

    def action_prune_containers(self) -> None:
        self.engine_call(["docker", "container", "ls", "-a", "--filter", "status=exited"],
                         lambda e: e.stopped_containers_with_size(), "",
                         self._confirm_prune_containers)

    def _confirm_prune_containers(self, found: list[tuple[ContainerInfo, int]]) -> None:
        if not found:
            self.notify("No stopped containers.", title="Prune")
            return
        rows = [(c.name, c.status, size) for c, size in found]

        def answer(ok: bool | None) -> None:
            if ok:
                self.run_worker(lambda: self._remove_all(
                    [(c.name, c.id) for c, _ in found], "container"),
                    group="prune", thread=True, exit_on_error=False)

        self.app.push_screen(ConfirmScreen(f"Remove {len(found)} stopped container(s)?",
                                           preview_table(rows), yes="Remove"), answer)

    def action_prune_images(self) -> None:
        dangling: list[ImageInfo] = [i for i in self.images.items.values() if i.dangling]
        if not dangling:
            self.notify("No dangling images.", title="Prune")
            return
        rows = [(i.short_id, "<none>:<none>", i.size) for i in dangling]

        def answer(ok: bool | None) -> None:
            if ok:
                self.run_worker(lambda: self._remove_all(
                    [(i.short_id, i.id) for i in dangling], "image"),
                    group="prune", thread=True, exit_on_error=False)

        self.app.push_screen(ConfirmScreen(f"Remove {len(dangling)} dangling image(s)?",
                                           preview_table(rows), yes="Remove"), answer)

    def _remove_all(self, targets: list[tuple[str, str]], kind: str) -> None:
        # Remove exactly what the preview listed (not `docker prune`, which takes whatever
        # is stopped at that later moment).
        app: Any = self.app
        engine = app.engine
        removed, failed = 0, []
        for name, object_id in targets:
            argv = ["docker", "rm" if kind == "container" else "rmi", name]
            try:
                if kind == "container":
                    engine.remove_container(object_id)
                else:
                    engine.remove_image(object_id)
            except EngineError as exc:
                failed.append(f"{name}: {exc}")
                app.call_from_thread(app.command_log.add, argv, False, str(exc))
                continue
            removed += 1
            app.call_from_thread(app.command_log.add, argv, True, "")
        text = f"Removed {removed} {kind}(s)"
        if failed:
            text += "; failed: " + "; ".join(failed[:3])
        app.call_from_thread(app.notify, text, title="Prune",
                             severity="warning" if failed else "information")
