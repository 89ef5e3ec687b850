"""A DataTable keyed by object id that applies engine updates as small diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.widgets import DataTable, _data_table

_measure = _data_table.measure


def _measure_cell(console: Any, renderable: Any, default: int, **kwargs: Any) -> int:
    # DataTable measures every new cell through console.options, which asks the OS for the
    # terminal size each time: 2,000 rows took 0.5 s. A one-line Text knows its width.
    if isinstance(renderable, Text) and "\n" not in renderable.plain:
        return renderable.cell_len
    return _measure(console, renderable, default, **kwargs)


_data_table.measure = _measure_cell  # type: ignore[assignment]

Cells = tuple[Any, ...]


class ResourceTable(DataTable):
    """Rows keyed by id; subclasses say which rows to show, in which order, with which cells.

    Updates never rebuild what did not change: a changed row gets ``update_cell`` for its
    changed cells only; rows coming or going rebuild the table in one batch (cheaper than
    ``remove_row``, which is O(n) per call).
    """

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(key, label) pairs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.items: dict[str, Any] = {}
        self.filter_text = ""
        self._shown: list[str] = []
        self._cells: dict[str, Cells] = {}
        self._made_from: dict[str, Any] = {}
        """The item each cached row of cells was made from: unchanged items reuse them."""

    def on_mount(self) -> None:
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    # What subclasses define -------------------------------------------------------------------

    def rows_for(self, items: Iterable[Any]) -> list[tuple[str, Any]]:
        """(row key, item) pairs to show, in order."""
        raise NotImplementedError

    def cells_for(self, key: str, item: Any) -> Cells:
        """The cells of one row."""
        raise NotImplementedError

    def search_text(self, key: str, item: Any) -> str:
        """What ``/`` matches against."""
        raise NotImplementedError

    # Updates ----------------------------------------------------------------------------------

    def replace_all(self, items: dict[str, Any]) -> None:
        """Show exactly these items."""
        self.items = dict(items)
        self.refresh_rows()

    def set_filter(self, text: str) -> None:
        """Show only rows whose text contains ``text`` (case-insensitive)."""
        self.filter_text = text.strip().lower()
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Bring the table in line with ``items``, the filter and the subclass's rules."""
        rows = self.rows_for(self.items.values())
        if self.filter_text:
            rows = [(k, it) for k, it in rows if self.filter_text in self.search_text(k, it)]
        keys = [k for k, _ in rows]
        # Items are immutable and replaced when they change, so an item that is the very same
        # object as last time has the same cells: one event costs one row, not the table.
        made_from, old_cells = self._made_from, self._cells
        cells = {k: old_cells[k] if made_from.get(k) is it else self.cells_for(k, it)
                 for k, it in rows}
        if keys == self._shown:
            self._update_changed(cells)
        else:
            self._rebuild(keys, cells)
        self._cells = cells
        self._made_from = dict(rows)

    def invalidate_cells(self) -> None:
        """Forget the cached cells (something they show besides the item itself changed)."""
        self._made_from = {}

    def _update_changed(self, cells: dict[str, Cells]) -> None:
        columns = [key for key, _ in self.COLUMNS]
        with self.app.batch_update():
            for key, row in cells.items():
                old = self._cells.get(key)
                if old is row or old == row:
                    continue
                for index, value in enumerate(row):
                    if old is None or old[index] != value:
                        self.update_cell(key, columns[index], value)

    def _rebuild(self, keys: list[str], cells: dict[str, Cells]) -> None:
        selected = self.selected_key
        with self.app.batch_update():
            self.clear()
            for key in keys:
                self.add_row(*cells[key], key=key)
            self._shown = keys
            if selected in cells:
                self.move_cursor(row=keys.index(selected), animate=False)

    @property
    def selected_key(self) -> str | None:
        """The row key under the cursor, or None for an empty table."""
        if not self._shown or not (0 <= self.cursor_row < len(self._shown)):
            return None
        return self._shown[self.cursor_row]

    @property
    def selected(self) -> Any:
        """The item under the cursor, or None."""
        key = self.selected_key
        return self.item_for_key(key) if key else None

    def item_for_key(self, key: str) -> Any:
        return self.items.get(key)

    def select_key(self, key: str) -> bool:
        """Move the cursor to ``key``'s row if shown."""
        if key in self._shown:
            self.move_cursor(row=self._shown.index(key), animate=False)
            return True
        return False


def dim_if(text: str, dim: bool, style: str = "") -> Text:
    """A cell, dimmed for objects that are not running."""
    return Text(text, style=f"{style} dim".strip() if dim else style, no_wrap=True)
