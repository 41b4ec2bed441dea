"""A DataTable that applies new data as a diff, repainting only the rows that changed.

``DataTable.update_cell`` refreshes the whole widget (about 15 KiB per tick at 160x45 over SSH);
a changed row repainted alone costs a few hundred bytes, and an unchanged page costs nothing.

With fixed column widths, rows live in numbered slots and a new page rewrites the slots' cells:
no clear, no re-measuring of a hundred rows, no relayout of the screen. Resource ids are kept
beside the slots, so callers only ever see ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Cell = str | Text
Row = tuple[str, Sequence[Cell]]


def _slot(index: int) -> str:
    return f"slot-{index}"


class DiffTable(DataTable[Cell]):
    """Rows named by resource id; :meth:`sync` keeps cursor and scroll across updates.

    Its motion keys are the app's, shared by every table (:mod:`pasqal_tui.tui.navigation`)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._ids: list[str] = []

    def setup_columns(self, columns: Sequence[tuple[str, str, int | None]]) -> None:
        """(key, label, width) triples; fixed widths keep the layout still across pages."""
        for key, label, width in columns:
            self.add_column(label, key=key, width=width)

    def reset_columns(self, columns: Sequence[tuple[str, str, int | None]]) -> None:
        """Start over with other columns (a terminal resized across a layout threshold)."""
        self.clear(columns=True)
        self._ids = []
        self.setup_columns(columns)

    @property
    def row_ids(self) -> list[str]:
        return list(self._ids)

    @property
    def _slotted(self) -> bool:
        """Slots need fixed widths: an auto-width column must be re-measured on new rows."""
        return bool(self.columns) and not any(c.auto_width for c in self.columns.values())

    def current_id(self) -> str | None:
        if not self._ids:
            return None
        return self._ids[min(self.cursor_row, len(self._ids) - 1)]

    def id_at(self, index: int) -> str:
        return self._ids[index]

    def get_row_by_id(self, row_id: str) -> list[Cell]:
        return self.get_row_at(self._ids.index(row_id))

    def move_to_id(self, row_id: str) -> bool:
        if row_id not in self._ids:
            return False
        self.move_cursor(row=self._ids.index(row_id), animate=False, scroll=True)
        return True

    def sync(self, rows: Sequence[Row], *, keep_cursor: bool = True) -> int:
        """Apply ``rows``; return how many rows were repainted (0: nothing was written)."""
        # Plain strings would be parsed as console markup on every render: pass Text instead.
        rows = [(key, [c if isinstance(c, Text) else Text(c) for c in row]) for key, row in rows]
        new_ids = [key for key, _ in rows]
        old_ids = self._ids
        cursor_id = self.current_id() if keep_cursor else None
        cursor_index = self.cursor_row
        if self._slotted:
            changed = self._resize(rows) + self._patch(rows)
        elif new_ids == old_ids:
            changed = self._patch(rows)
        else:
            self.clear()
            for key, cells in rows:
                self.add_row(*cells, key=key)
            changed = len(rows)
        self._ids = new_ids
        if rows and new_ids != old_ids:
            if cursor_id in new_ids:
                target = new_ids.index(cursor_id)
            elif keep_cursor:
                target = min(cursor_index, len(rows) - 1)
            else:
                target = 0
            self.move_cursor(row=target, animate=False, scroll=True)
        return changed

    def _key(self, index: int, row_id: str) -> RowKey:
        return RowKey(_slot(index) if self._slotted else row_id)

    def _resize(self, rows: Sequence[Row]) -> int:
        """Add or drop slots at the end so there is one per row; return rows added."""
        count = self.row_count
        for index in range(count - 1, len(rows) - 1, -1):
            self.remove_row(_slot(index))
        for index in range(count, len(rows)):
            self.add_row(*rows[index][1], key=_slot(index))
        return max(0, len(rows) - count)

    def _patch(self, rows: Sequence[Row]) -> int:
        columns: list[ColumnKey] = list(self.columns)
        changed = 0
        for index, (key, cells) in enumerate(rows):
            row_key = self._key(index, key)
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
