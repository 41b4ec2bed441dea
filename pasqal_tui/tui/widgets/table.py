"""A DataTable that applies new data as a diff, repainting only the rows that changed.

``DataTable.update_cell`` refreshes the whole widget (about 15 KiB per tick at 160x45 over SSH);
a changed row repainted alone costs a few hundred bytes, and an unchanged page costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Cell = str | Text
Row = tuple[str, Sequence[Cell]]


class DiffTable(DataTable[Cell]):
    """Rows keyed by resource id; :meth:`sync` keeps cursor and scroll across updates."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", id="table.down", show=False),
        Binding("k", "cursor_up", "Up", id="table.up", show=False),
        Binding("g", "scroll_top", "Top", id="table.top", show=False),
        Binding("G", "scroll_bottom", "Bottom", id="table.bottom", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]

    def setup_columns(self, columns: Sequence[tuple[str, str, int | None]]) -> None:
        """(key, label, width) triples; fixed widths keep the layout still across pages."""
        for key, label, width in columns:
            self.add_column(label, key=key, width=width)

    @property
    def row_ids(self) -> list[str]:
        return [str(row.key.value) for row in self.ordered_rows]

    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        row = self.ordered_rows[min(self.cursor_row, self.row_count - 1)]
        return str(row.key.value)

    def sync(self, rows: Sequence[Row], *, keep_cursor: bool = True) -> int:
        """Apply ``rows``; return how many rows were repainted (0: nothing was written)."""
        # Plain strings would be parsed as console markup on every render: pass Text instead.
        rows = [
            (key, [c if isinstance(c, Text) else Text(c) for c in cells]) for key, cells in rows
        ]
        new_ids = [key for key, _ in rows]
        if new_ids == self.row_ids:
            return self._patch(rows)
        cursor_id = self.current_id() if keep_cursor else None
        cursor_index = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if rows:
            if cursor_id in new_ids:
                target = new_ids.index(cursor_id)
            elif keep_cursor:
                target = min(cursor_index, len(rows) - 1)
            else:
                target = 0
            self.move_cursor(row=target, animate=False, scroll=True)
        return len(rows)

    def move_to_id(self, row_id: str) -> bool:
        ids = self.row_ids
        if row_id not in ids:
            return False
        self.move_cursor(row=ids.index(row_id), animate=False, scroll=True)
        return True

    def _patch(self, rows: Sequence[Row]) -> int:
        columns: list[ColumnKey] = list(self.columns)
        changed = 0
        for index, (key, cells) in enumerate(rows):
            row_key = RowKey(key)
            # Private state, on purpose: the public update_cell repaints the whole table.
            current = self._data[row_key]
            dirty = False
            for column, value in zip(columns, cells, strict=False):
                if current.get(column) != value:
                    current[column] = value
                    dirty = True
            if dirty:
                changed += 1
                self._update_count += 1
                self.refresh_row(index)
        return changed
