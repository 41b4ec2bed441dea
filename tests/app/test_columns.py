"""Columns size to the terminal: ids and times keep their width, the flexible columns (tags,
device, error text, variables) take the rest, and a cut text ends with "…"."""

from __future__ import annotations

from typing import Any

from support.app import batch_list, cell_text, loaded_rows, make_app, screen_named, wait_for

from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.tui.widgets.table import flex_widths

COLUMNS = [("id", "Id", 8), ("error", "Error", 10), ("tags", "Tags", 5), ("device", "Dev", 9)]


def test_flexible_columns_share_the_spare_width_capped_ones_first() -> None:
    flex = {"error": (3, 0), "tags": (1, 0), "device": (1, 12)}
    # 8+10+5+9 = 32, padding 8, scrollbar 1: 41 cells; 60 leaves 19: device +3, then 12 : 4.
    assert flex_widths(COLUMNS, flex, 60) == [8, 22, 9, 12]
    assert flex_widths(COLUMNS, flex, 41) == [8, 10, 5, 9]  # no spare: as given
    assert flex_widths(COLUMNS, flex, 30) == [8, 10, 5, 9]  # never below the given widths


def column(screen: Any, key: str) -> tuple[int, list[str]]:
    index = [str(k.value) for k in screen.table.columns].index(key)
    width = screen.table.column_widths()[index]
    return width, [cell_text(row[index]) for row in (screen.table.get_row_at(i) for i in
                   range(screen.table.row_count))]  # fmt: skip


async def test_a_cut_tag_list_ends_with_an_ellipsis_at_80_and_is_whole_at_160(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        batches = await batch_list(pilot)
        tags = {b.id: ", ".join(user_tags(b.tags)) for b in batches.items}
        width, cells = column(batches, "tags")
        cut = [
            (full, cell)
            for full, cell in zip([tags[i] for i in batches.table.row_ids], cells, strict=True)
            if len(full) > width
        ]
        assert cut, "the demo has tag lists longer than the 80-column layout's Tags column"
        for full, cell in cut:
            assert len(cell) == width and cell.endswith("\u2026"), (full, cell)
            assert full.startswith(cell[:-1])
        _, devices = column(batches, "device")
        assert "EMU_FRESNEL" in devices  # a whole device name at 80 columns

        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: not batches.narrow, what="the wide layout")
        width, cells = column(batches, "tags")
        assert width > 40  # the spare width went to the tags
        assert not any(c.endswith("\u2026") for c in cells)
        assert sorted(cells) == sorted(tags[i] for i in batches.table.row_ids)
        assert sum(w + 2 for w in batches.table.column_widths()) + 1 == 160

        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        error_width, _ = column(jobs, "error")
        variables_width, _ = column(jobs, "variables")
        assert error_width > 36 and variables_width > 20  # both grew, the error text most
        assert sum(w + 2 for w in jobs.table.column_widths()) + 1 == 160


async def test_the_errored_jobs_view_keeps_the_error_text_wide_at_80_columns(
    demo_cloud: Any,
) -> None:
    """At 80 columns the errored-jobs view drops the times and batch count (they are in the
    group's own screen) so the error text is readable; at 160 every column is back."""
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await batch_list(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: screen_named(app, "ErrorsScreen") and app.screen.groups)
        view = app.screen
        table = view.query_one("#errors")
        keys = [str(k.value) for k in table.columns]
        assert keys == ["jobs", "runs", "message", "devices", "resubmitted"]
        index = keys.index("message")
        width = table.column_widths()[index]
        assert width >= 38 and sum(w + 2 for w in table.column_widths()) + 1 == 80
        messages = [cell_text(table.get_row_at(i)[index]) for i in range(table.row_count)]
        full = [g.message for g in view.groups]
        assert any(m.endswith("\u2026") for m in messages)
        for shown, whole in zip(messages, full, strict=True):
            assert shown == whole or (len(shown) == width and whole.startswith(shown[:-1]))

        await pilot.resize_terminal(160, 48)
        await wait_for(pilot, lambda: len(table.columns) == 8, what="the wide layout")
        assert [str(k.value) for k in table.columns][-2:] == ["first", "last"]
        assert table.row_count == len(view.groups)
