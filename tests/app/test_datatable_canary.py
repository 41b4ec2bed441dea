"""Canary for the private DataTable state DiffTable relies on (pyproject pins Textual 8.x).

DiffTable.sync writes cells straight into ``DataTable._data[row_key][column_key]`` and bumps
``DataTable._update_count``, which is part of the keys of DataTable's render caches. If a Textual
release renames either or keys its caches differently, a patched cell would not be drawn (the
old line stays in the cache): these tests fail then, before a user sees a stale status.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from pasqal_tui.tui.widgets.table import DiffTable

FIXED = [("id", "Id", 4), ("status", "Status", 9)]  # fixed widths: rows live in slots
AUTO = [("id", "Id", None), ("status", "Status", None)]  # auto widths: rows keyed by id


class TableApp(App[None]):
    def __init__(self, columns: list[tuple[str, str, int | None]]) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        table = DiffTable()
        table.setup_columns(self.columns)
        yield table


def rows(statuses: list[str]) -> list[tuple[str, list[str | Text]]]:
    return [(f"r{i}", [f"r{i}", Text(s)]) for i, s in enumerate(statuses)]


def drawn(table: DiffTable, index: int) -> str:
    """The line the table renders for row ``index`` (line 0 is the header)."""
    return table.render_line(index + 1).text


@pytest.mark.parametrize("columns", [FIXED, AUTO], ids=["slots", "ids"])
async def test_a_patched_cell_is_drawn(columns: Any) -> None:
    app = TableApp(columns)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DiffTable)
        table.sync(rows(["PENDING", "PENDING", "PENDING"]))
        await pilot.pause()
        assert "PENDING" in drawn(table, 1)  # drawn once: the line is now in the render cache
        assert table.sync(rows(["PENDING", "RUNNING", "PENDING"])) == 1
        await pilot.pause()
        assert "RUNNING" in drawn(table, 1) and "PENDING" not in drawn(table, 1)
        assert "PENDING" in drawn(table, 0) and "PENDING" in drawn(table, 2)
        assert "RUNNING" in app.export_screenshot()  # and so does the screen
