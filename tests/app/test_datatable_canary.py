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
from textual.coordinate import Coordinate
from textual.widgets import DataTable

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


def general_path(table: DiffTable, row: int, column: int, width: int, cursor: bool) -> Any:
    """The cell as DataTable itself draws it (its own `_render_cell`, not DiffTable's)."""
    table._cell_render_cache.clear()
    style = table.get_component_styles("datatable--even-row").rich_style
    return DataTable._render_cell(table, row, column, style, width, cursor=cursor)


async def test_the_fast_cell_path_draws_what_datatable_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every kind of cell the screens write (plain, styled, with spans, wide characters, exactly
    filling its column, under the cursor, cut to "…" by sync) is the same list of segments,
    with the same styles (mouse metadata included), as DataTable's general path gives; the
    cells the fast path leaves alone take the general path."""
    cells: list[str | Text] = [
        "ab12cd34",
        Text("RUNNING", style="bold green"),
        Text.assemble("6 ", ("▰▰", "green"), ("▰", "red"), " 4✓"),
        Text("実験ジョブ"),
        Text("exactly10!"),
        Text("a very long error message that is cut", overflow="ellipsis"),
        Text(""),
        Text("two\nlines"),  # not one line: the general path
        Text.assemble(("E", "red"), "rr", style="bold"),  # a style under spans: the general path
    ]
    columns = [(f"c{i}", f"C{i}", 10) for i in range(len(cells))]
    app = TableApp(columns)
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(DiffTable)
        table.sync([("r0", cells), ("r1", cells)])
        await pilot.pause()
        style = table.get_component_styles("datatable--even-row").rich_style
        general = DataTable._render_cell
        slow: list[int] = []

        def counted(self: Any, row: int, column: int, *args: Any, **kwargs: Any) -> Any:
            slow.append(column)
            return general(self, row, column, *args, **kwargs)

        compared = 0
        for row in (0, 1):
            for column in range(len(cells)):
                for cursor in (False, True):
                    table._cell_render_cache.clear()
                    with monkeypatch.context() as patch:
                        patch.setattr(DataTable, "_render_cell", counted)
                        fast = table._render_cell(row, column, style, 12, cursor=cursor)
                    assert fast == general_path(table, row, column, 12, cursor), (row, column)
                    compared += 1
        assert compared == 2 * len(cells) * 2
        assert set(slow) == {7, 8}


async def test_the_row_path_draws_the_lines_datatable_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A body row drawn a row at a time is DataTable's own line (its general cell path
    throughout): under the cursor, hovered, neither, the header, and a row with a cell the
    fast path leaves alone (which then takes DataTable's path for the whole row)."""
    plain: list[str | Text] = ["ab12cd34", Text("RUNNING", style="bold green"), Text("")]
    spans: list[str | Text] = [
        Text.assemble("6 ", ("▰▰", "green"), ("▰", "red"), " 4✓"),
        Text("実験ジョブ"),
        Text("exactly10!"),
    ]
    mixed: list[str | Text] = ["x", Text("two\nlines"), Text("y")]  # not one line
    columns = [(f"c{i}", f"C{i}", 10) for i in range(3)]
    app = TableApp(columns)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(DiffTable)
        table.sync([("r0", plain), ("r1", spans), ("r2", plain)])
        await pilot.pause()
        base = table.rich_style
        general_rows: list[int] = []
        general_line = DataTable._render_line_in_row

        def counted(self: Any, row_key: Any, *args: Any, **kwargs: Any) -> Any:
            index = self._row_locations.get(row_key)
            general_rows.append(-1 if index is None else index)
            return general_line(self, row_key, *args, **kwargs)

        def both(row_key: Any, cursor: Any, hover: Any) -> tuple[Any, Any]:
            table._row_render_cache.clear()
            table._cell_render_cache.clear()
            with monkeypatch.context() as patch:
                patch.setattr(DataTable, "_render_line_in_row", counted)
                fast = table._render_line_in_row(row_key, 0, base, cursor, hover)
            table._row_render_cache.clear()
            table._cell_render_cache.clear()
            with monkeypatch.context() as patch:
                patch.setattr(DiffTable, "_render_cell", DataTable._render_cell)
                general = DataTable._render_line_in_row(table, row_key, 0, base, cursor, hover)
            return fast, general

        keys = [table._row_locations.get_key(i) for i in range(3)]
        compared = 0
        for shown in (False, True):  # the hover cursor shows after the mouse moved
            table._show_hover_cursor = shown
            for index, key in enumerate(keys):
                for cursor in (Coordinate(index, 0), Coordinate(5, 0)):
                    for hover in (Coordinate(index, 1), Coordinate(7, 0)):
                        fast, general = both(key, cursor, hover)
                        assert fast == general, (shown, index, cursor, hover)
                        compared += 1
        assert compared == 24 and not general_rows  # every body row took the row path
        fast, general = both(table._header_row_key, Coordinate(0, 0), Coordinate(0, 0))
        assert fast == general and general_rows == [-1]  # the header: DataTable's path
        table.sync([("r0", plain), ("r1", mixed), ("r2", plain)])
        await pilot.pause()
        general_rows.clear()
        fast, general = both(table._row_locations.get_key(1), Coordinate(1, 0), Coordinate(0, 0))
        assert fast == general and general_rows == [1]


async def test_a_draw_takes_the_tables_style_and_columns_of_that_moment() -> None:
    """DiffTable holds its Rich style and columns through one draw only (DataTable asks for
    them on every line): restyled or with other columns, the next draw and every later
    question get the new ones."""
    from textual.dom import DOMNode

    app = TableApp(FIXED)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DiffTable)
        table.styles.height = 6  # lines below the rows: drawn in the table's own style
        table.sync(rows(["PENDING"]))
        await pilot.pause()
        before = table.rich_style
        assert before == DOMNode.rich_style.fget(table)  # type: ignore[attr-defined]
        table.styles.background = "#ff0000"
        assert table.rich_style == DOMNode.rich_style.fget(table)  # type: ignore[attr-defined]
        await pilot.pause()
        after = table.rich_style
        assert after != before and after == DOMNode.rich_style.fget(table)  # type: ignore[attr-defined]
        assert after.bgcolor is not None and after.bgcolor != before.bgcolor
        below = table.render_lines(table.region.reset_offset)[-1]  # a line with no row
        assert {s.style.bgcolor for s in below if s.style} == {after.bgcolor}
        table.reset_columns([*FIXED, ("runs", "Runs", 4)])
        assert [c.label.plain for c in table.ordered_columns] == ["Id", "Status", "Runs"]
        table.sync([("r0", ["r0", Text("DONE"), "12"])])
        await pilot.pause()
        assert "Runs" in table.render_lines(table.region.reset_offset)[0].text


async def test_a_new_generation_drops_the_old_renders_without_leaving_a_ring() -> None:
    """Every entry of DataTable's render caches is keyed by ``_update_count``: once a sync
    bumps it, DiffTable empties them (a page of a big batch left ~60,000 dead objects in them
    that every full cyclic collection walked), link by link, so that what they held is freed
    at once rather than left as a ring for the cyclic collector."""
    app = TableApp(FIXED)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DiffTable)
        table.sync(rows(["PENDING", "RUNNING", "DONE"]))
        await pilot.pause()
        caches = [
            table._row_render_cache,
            table._cell_render_cache,
            table._row_renderable_cache,
            table._line_cache,
        ]
        links = [link for cache in caches for link in cache._cache.values()]
        assert all(len(cache) for cache in caches) and links  # drawn: all four filled
        generation = table._update_count
        assert table.sync(rows(["PENDING", "DONE", "DONE"])) == 1
        assert table._update_count == generation + 1
        assert [len(cache) for cache in caches] == [0, 0, 0, 0]
        assert all(link == [] for link in links)  # each link emptied: no ring left
        await pilot.pause()
        assert "DONE" in drawn(table, 1)  # drawn anew from the emptied caches
        assert table.sync(rows(["PENDING", "DONE", "DONE"])) == 0  # nothing new: kept
        assert table._update_count == generation + 1 and len(table._line_cache)
