"""A big list is drawn before all its rows are in, and never loses one."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App, ComposeResult

from dockui.engine.summaries import container_from_summary
from dockui.list_cells import FIRST_ROWS
from dockui.widgets.containers_table import ContainersTable
from tests.ui.conftest import wait_for


def _container(i: int):
    return container_from_summary({
        "Id": f"{i:064x}", "Names": [f"/c-{i:04d}"], "Image": "busybox", "ImageID": "sha256:1",
        "Command": "sleep 1", "Created": 1_700_000_000 + i, "State": "running",
        "Status": "Up 1 hour", "Ports": [], "Labels": {}})


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield ContainersTable()


async def test_rows_arrive_frame_by_frame_and_all_arrive():
    items = {c.id: c for c in map(_container, range(1500))}
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(ContainersTable)
        table.replace_all(items)
        assert table.row_count == FIRST_ROWS  # drawn now; the rest come after this frame
        oldest = _container(0).id  # newest first: the last row
        assert table.select_key(oldest)  # a row not added yet is added on the spot
        assert table.selected_key == oldest
        await wait_for(pilot, lambda: table.row_count == 1500, what="every row")
        assert table.selected_key == oldest
        changed = _container(7)
        table.replace_all({**items, changed.id: replace(changed, status="Exited (0)",
                                                        state="exited")})
        await pilot.pause()
        assert "Exited (0)" in [str(c) for c in table.get_row(changed.id)]
