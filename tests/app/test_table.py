"""DiffTable writes nothing when nothing changed and repaints one row when one row changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from pasqal_tui.tui.widgets.pager import PageState
from pasqal_tui.tui.widgets.table import DiffTable

COLUMNS = [("id", "Id", 4), ("status", "Status", 8)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = DiffTable()
        table.setup_columns(COLUMNS)
        yield table


def rows(statuses: list[str]) -> list[tuple[str, list[str | Text]]]:
    return [(f"r{i}", [f"r{i}", Text(s, style="bold")]) for i, s in enumerate(statuses)]


async def test_sync_repaints_only_changed_rows() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DiffTable)
        assert table.sync(rows(["PENDING"] * 5)) == 5
        table.move_cursor(row=3)
        await pilot.pause()
        assert table.sync(rows(["PENDING"] * 5)) == 0
        refreshed: list[int] = []
        original = table.refresh_row

        def spy(index: int) -> DiffTable:
            refreshed.append(index)
            return original(index)

        table.refresh_row = spy  # type: ignore[method-assign]
        assert table.sync(rows(["PENDING", "PENDING", "RUNNING", "PENDING", "PENDING"])) == 1
        assert refreshed == [2]
        assert table.get_row_by_id("r2")[1] == Text("RUNNING", style="bold")
        assert table.cursor_row == 3


async def test_new_rows_keep_the_cursor_on_the_same_id() -> None:
    app = TableApp()
    async with app.run_test():
        table = app.query_one(DiffTable)
        table.sync(rows(["DONE"] * 4))
        table.move_cursor(row=2)
        shifted = [("new", ["new", "PENDING"]), *rows(["DONE"] * 4)]
        table.sync(shifted)
        assert table.current_id() == "r2"


def test_pager_label_and_bounds() -> None:
    state = PageState(offset=100, limit=100, total=2345)
    assert state.label(100).startswith("101\u2013200 of 2,345")
    assert state.next() == 200 and state.previous() == 0 and state.last() == 2300
    assert PageState(offset=2300, limit=100, total=2345).next() is None
    assert PageState(total=0).label(0) == "no results"


async def test_pages_of_other_sizes_reuse_and_trim_slots() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DiffTable)
        table.sync(rows(["DONE"] * 5))
        table.move_cursor(row=4)
        other = [(f"p{i}", [f"p{i}", Text("ERROR")]) for i in range(3)]
        assert table.sync(other, keep_cursor=False) == 3
        await pilot.pause()
        assert table.row_count == 3 and table.row_ids == ["p0", "p1", "p2"]
        assert table.current_id() == "p0"
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == ["p0", "p1", "p2"]
        longer = [(f"q{i}", [f"q{i}", Text("DONE")]) for i in range(6)]
        assert table.sync(longer) == 6
        assert table.row_count == 6 and table.get_row_by_id("q5")[0] == Text("q5")


async def test_rows_prepared_before_a_resize_are_cut_to_the_new_widths() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(DiffTable)
        long = [("r0", ["r0", "A STATUS LONGER THAN EIGHT"])]
        prepared = table.prepare(long)
        assert prepared.cut[0][1][1].plain == "A STATU…"  # cut at 8 cells
        table.reset_columns([("id", "Id", 4), ("status", "Status", 12)])
        await pilot.pause()
        table.sync(prepared)
        assert table.get_row_by_id("r0")[1].plain == "A STATUS LO…"  # cut anew, at 12
        assert table.sync(table.prepare(long)) == 0  # the same rows: nothing to repaint
