"""A DataTable keyed by object id that applies engine updates as small diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.widgets import DataTable, _data_table

from dockui.list_cells import FIRST_ROWS, Cell

_measure = _data_table.measure


def _measure_cell(console: Any, renderable: Any, default: int, **kwargs: Any) -> int:
    # DataTable measures every new cell through console.options, which asks the OS for the
    # terminal size each time: 2,000 rows took 0.5 s. A one-line Text knows its width.
    if isinstance(renderable, Text) and "\n" not in renderable.plain:
        return renderable.cell_len
    return _measure(console, renderable, default, **kwargs)


_data_table.measure = _measure_cell  # type: ignore[assignment]

Cells = tuple[Any, ...]
FILL_CHUNK = 500
"""Rows added per frame after that, so 2,000 containers do not hold up the first frame."""


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
        self._filled = 0
        """How many of ``_shown`` are rows of the table yet (the rest are added frame by frame)."""
        self._fill_generation = 0

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
            self._update_changed(cells)  # compares with the old cells
            self._cells = cells
        else:
            self._cells = cells
            self._rebuild(keys)
        self._made_from = dict(rows)

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        super()._update_dimensions(new_rows)
        # DataTable measures new rows when idle, but forgets the rows it drew before only
        # for rows of automatic height: a frame drawn in between kept showing every column
        # as wide as its header.
        self._clear_caches()
        self.refresh()

    def invalidate_cells(self) -> None:
        """Forget the cached cells (something they show besides the item itself changed)."""
        self._made_from = {}

    def _update_changed(self, cells: dict[str, Cells]) -> None:
        columns = [key for key, _ in self.COLUMNS]
        filled = set(self._shown[:self._filled]) if self._filled < len(self._shown) else None
        with self.app.batch_update():
            for key, row in cells.items():
                old = self._cells.get(key)
                if old is row or old == row or (filled is not None and key not in filled):
                    continue  # unchanged, or not added yet (it will be, from the new cells)
                for index, value in enumerate(row):
                    if old is None or old[index] != value:
                        self.update_cell(key, columns[index], value)

    def _rebuild(self, keys: list[str]) -> None:
        selected = self.selected_key
        at = keys.index(selected) if selected in self._cells else None
        self._fill_generation += 1
        with self.app.batch_update():
            self.clear()
            self._shown, self._filled = keys, 0
            self._fill_to(max(FIRST_ROWS, at + 1 if at is not None else 0))
            if at is not None:
                self.move_cursor(row=at, animate=False)
        if self._filled < len(keys):
            generation = self._fill_generation
            self.call_after_refresh(lambda: self._fill_later(generation))

    def _fill_to(self, count: int) -> None:
        """Add the rows of ``_shown`` up to ``count``."""
        for key in self._shown[self._filled:count]:
            self.add_row(*self._cells[key], key=key)
        self._filled = max(self._filled, min(count, len(self._shown)))

    def _fill_later(self, generation: int) -> None:
        if generation != self._fill_generation:
            return  # rebuilt since: that rebuild fills its own rows
        with self.app.batch_update():
            self._fill_to(self._filled + FILL_CHUNK)
        if self._filled < len(self._shown):
            self.call_after_refresh(lambda: self._fill_later(generation))

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
            index = self._shown.index(key)
            if index >= self._filled:
                self._fill_to(index + 1)
            self.move_cursor(row=index, animate=False)
            return True
        return False


def as_text(cell: Cell) -> Text:
    """A cell of :mod:`dockui.list_cells` as the table shows it."""
    text, style, dim = cell
    return Text(text, style=f"{style} dim".strip() if dim else style, no_wrap=True)
