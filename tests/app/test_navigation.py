"""One set of motion keys for every table and list (j/k, arrows, g/G, Home/End, Ctrl+D/U,
PgUp/PgDn), listed in help, and never stealing a letter typed into a field."""

from __future__ import annotations

from typing import Any

from support.app import batch_list, make_app, on_screen, open_from_batch_list, wait_for
from textual.widgets import DataTable, Input

from pasqal_tui.tui.navigation import TABLE_MOVES
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.devices import DevicesScreen
from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen
from pasqal_tui.tui.screens.error_group import ErrorGroupScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen
from pasqal_tui.tui.screens.help import HelpScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.screens.workloads import WorkloadsScreen
from pasqal_tui.tui.widgets.table import DiffTable


def test_no_table_screen_gives_a_motion_key_another_meaning() -> None:
    motion = {key for keys, _, _ in TABLE_MOVES for key in keys.split(",")}
    screens = (BatchesScreen, JobsScreen, ErrorsScreen, ErrorGroupScreen, DevicesScreen,
               WorkloadsScreen)  # fmt: skip
    for screen in screens:
        bound = set(screen._merge_bindings().key_to_bindings)  # type: ignore[attr-defined]
        assert not bound & motion, screen.__name__


def cursor(screen: Any) -> int:
    table = screen.query_one(DataTable)
    return int(table.cursor_row)


async def test_every_motion_key_on_the_batch_browser(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await batch_list(pilot)
        last = len(screen.items) - 1
        assert last > 20  # more rows than the terminal shows
        steps = [
            ("j", 1), ("down", 2), ("k", 1), ("up", 0), ("G", last), ("g", 0),
            ("end", last), ("home", 0),
        ]  # fmt: skip
        for key, row in steps:
            await pilot.press(key)
            await wait_for(pilot, lambda row=row: cursor(screen) == row, what=f"{key} -> {row}")
        for down, up in (("ctrl+d", "ctrl+u"), ("pagedown", "pageup")):
            await pilot.press(down)
            await wait_for(pilot, lambda: cursor(screen) > 5, what=down)
            await pilot.press(up)
            await wait_for(pilot, lambda: cursor(screen) == 0, what=up)

        # The filter line gets the letters and Home/End (they narrow the rows, not move the
        # cursor); Esc clears it and the cursor is back on the row it was on.
        await pilot.press("G", "slash")
        await wait_for(pilot, lambda: isinstance(app.focused, Input), what="the filter line")
        await pilot.press(*"jkgG", "home", "x", "end", "y")
        field = app.focused
        assert isinstance(field, Input) and field.value == "xjkgGy"
        await pilot.press("escape")
        await wait_for(pilot, lambda: cursor(screen) == last, what="the cursor back on its row")

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: on_screen(app, HelpScreen), what="help")
        rows = {row[2]: (row[0], row[1]) for row in app.screen.rows}  # type: ignore[attr-defined]
        assert rows["table.down"] == ("j ↓", "Next row")
        assert rows["table.up"] == ("k ↑", "Previous row")
        assert rows["table.top"] == ("g home", "First row")
        assert rows["table.bottom"] == ("G end", "Last row")
        assert set(rows["table.page_down"][0].split()) == {"^d", "pgdn"}
        assert set(rows["table.page_up"][0].split()) == {"^u", "pgup"}


async def test_errors_view_and_group_move_with_the_same_keys(demo_cloud: Any) -> None:
    """`e`, `jjjj`, `r`: the plan is the fifth group's, not the first's."""
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        view = await open_errors(pilot)
        assert len(view.groups) >= 5
        await pilot.press("j", "j", "j", "j")
        assert cursor(view) == 4
        fifth = view.groups[4]
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="the plan")
        body = str(app.screen.query_one("#confirm-body").render())
        assert body.startswith(f"Error: {fifth.message}")  # the fifth group's, not the first's
        for batch_id in fifth.batches:
            assert f"{batch_id[:8]} " in body
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is view)
        await pilot.press("G")
        assert cursor(view) == len(view.groups) - 1
        await pilot.press("home")
        assert cursor(view) == 0

        group = max(view.groups, key=lambda g: g.count)
        view.query_one(DataTable).move_cursor(row=view.groups.index(group))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, ErrorGroupScreen), what="the group")
        jobs = app.screen
        assert len(jobs.jobs) >= 2  # type: ignore[attr-defined]
        await pilot.press("j")
        assert cursor(jobs) == 1
        await pilot.press("end")
        assert cursor(jobs) == len(jobs.jobs) - 1  # type: ignore[attr-defined]
        await pilot.press("g")
        assert cursor(jobs) == 0


async def test_device_list_moves_and_the_sheet_keeps_its_keys(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:  # the sheet scrolls: it takes the focus
        screen = await open_from_batch_list(pilot, "D", DevicesScreen)
        table = screen.query_one(DiffTable)
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("k", "k")
        assert table.cursor_row == table.row_count - 3
        active = {b.binding.id for b in screen.active_bindings.values()}
        assert {"table.down", "table.top"} <= active
        await pilot.press("tab")  # the sheet: the table keys are not offered there
        await wait_for(pilot, lambda: not isinstance(app.focused, DataTable))
        active = {b.binding.id for b in screen.active_bindings.values()}
        assert "table.down" not in active
        await pilot.press("j", "g")
        assert table.cursor_row == table.row_count - 3


async def open_errors(pilot: Any) -> ErrorsScreen:
    app = pilot.app
    await batch_list(pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
    screen = app.screen
    assert isinstance(screen, ErrorsScreen)
    return screen
