"""80 columns: the batch and job tables fit without horizontal scrolling, and nothing is lost
when the terminal is wide again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from support.app import batch_list, cell_text, loaded_rows, make_app, screen_named, wait_for

from pasqal_tui.core.clock import relative
from pasqal_tui.tui.screens.base import table_width
from pasqal_tui.tui.screens.jobs import JobsScreen

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_compact_relative_times_fit_four_cells() -> None:
    cases = {
        timedelta(seconds=20): "now",
        timedelta(minutes=54): "54m",
        timedelta(hours=17, minutes=59): "17h",
        timedelta(days=3, hours=5): "3d",
        timedelta(days=999): "999d",
        timedelta(days=1200): "3y",
    }
    for age, expected in cases.items():
        assert relative(NOW - age, NOW, compact=True) == expected
    assert relative(NOW + timedelta(minutes=5), NOW, compact=True) == "+5m"
    assert relative(NOW - timedelta(days=3), NOW) == "3 d ago"  # the wide form is unchanged


def drawn_width(screen: Any) -> int:
    """The table's columns as drawn (flexible ones widened), as table_width counts them."""
    widths = screen.table.column_widths()
    return table_width([(str(i), "", w) for i, w in enumerate(widths)])


def keys(screen: Any) -> list[str]:
    return [str(key.value) for key in screen.table.columns]


async def test_batch_and_job_tables_fit_80_columns_and_widen_back(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        batches = await batch_list(pilot)
        assert batches.narrow
        # the device and tags columns take what is left, once the table has its width
        await wait_for(pilot, lambda: drawn_width(batches) == 80, what="batch columns at 80")
        assert batches.table.virtual_size.width <= batches.table.scrollable_content_region.width
        assert "parent" not in keys(batches)
        created = cell_text(batches.table.get_row_at(0)[keys(batches).index("created")])
        assert len(created) <= 4

        assert batches.table.move_to_id(batches.items[3].id)
        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: not batches.narrow, what="the wide layout")
        assert keys(batches)[-3:] == ["open", "tags", "parent"]
        assert batches.table.current_id() == batches.items[3].id  # the cursor stayed put
        created = cell_text(batches.table.get_row_at(0)[keys(batches).index("created")])
        assert created.endswith(" ago")

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: batches.narrow, what="the narrow layout")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen) and jobs.narrow
        await wait_for(pilot, lambda: drawn_width(jobs) == 80, what="job columns at 80")
        assert jobs.table.virtual_size.width <= jobs.table.scrollable_content_region.width
        assert "error" in keys(jobs) and "ended" in keys(jobs)
