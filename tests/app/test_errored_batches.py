"""Errored batches are first-class: a batch whose jobs failed stays DONE, so the batch table
says "N✗" beside the bar, and the ERROR key (4) shows ERROR batches and those with errored jobs."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from support.app import cell_text, make_app, wait_for
from support.snapshots import HISTORY_END, history

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.ops.queries import errored_batches, has_errors
from pasqal_tui.tui.screens.base import table_width
from pasqal_tui.tui.screens.batches import BatchesScreen, errored_note
from pasqal_tui.tui.widgets.pager import Pager
from pasqal_tui.tui.widgets.status import short_count


def test_short_counts_fit_four_characters_and_never_round_up() -> None:
    cases = {3: "3", 999: "999", 1000: "1k", 1250: "1.2k", 9999: "9.9k", 56_789: "56k",
             999_999: "999k", 1_250_000: "1.2M", 12_345_678: "12M"}  # fmt: skip
    assert {n: short_count(n) for n in cases} == cases


def jobs_cells(screen: BatchesScreen) -> dict[str, str]:
    column = [key for key, _, _ in screen.columns].index("jobs")
    return {
        row_id: cell_text(screen.table.get_row_by_id(row_id)[column])
        for row_id in screen.table.row_ids
    }


def pager_line(screen: BatchesScreen) -> str:
    return str(screen.query_one(Pager).render())


async def check_error_key(screen: BatchesScreen, pilot: Any, size: tuple[int, int]) -> None:
    everything = list(screen.items)
    errored = [b for b in everything if has_errors(b)]
    done_with_errors = [b for b in errored if b.status.value == "DONE"]
    assert done_with_errors and len(errored) < len(everything)  # the demo has both kinds

    width = dict((key, size) for key, _, size in screen.columns)["jobs"]
    cells = jobs_cells(screen)
    for batch in everything:
        count = batch.jobs_count_per_status.get("ERROR", 0)
        text = cells[batch.id]
        assert text == screen.jobs_cell(batch).plain and len(text) <= width, (size, text)
        if count:  # the errored jobs as a count, not only as a red segment
            assert f" {count}\u2717" in text, (size, text)
        else:
            assert "\u2717" not in text, (size, text)

    await pilot.press("4")
    await wait_for(pilot, lambda: screen.errored and not screen.stale, what="the ERROR key")
    await wait_for(pilot, lambda: [b.id for b in screen.items] == [b.id for b in errored])
    assert screen.state.total == len(errored)
    assert "ERROR or with errored jobs" in pager_line(screen)
    assert screen.filters.end_date is not None  # the other filters still apply
    await pilot.press("4")  # again: every batch
    await wait_for(pilot, lambda: len(screen.items) == len(everything), what="all batches")
    assert "errored" not in pager_line(screen)


async def test_error_key_and_err_counts_at_80_and_160_columns(demo_cloud: Any) -> None:
    for size in ((80, 24), (160, 48)):
        app = make_app(demo_cloud.base_url)
        async with app.run_test(size=size) as pilot:
            screen = await history(pilot)
            assert screen.narrow == (size[0] == 80)
            assert table_width(screen.columns) <= size[0]
            assert screen.table.virtual_size.width <= screen.table.scrollable_content_region.width
            await check_error_key(screen, pilot, size)


async def test_errored_batches_reads_at_most_what_it_is_told(demo_cloud: Any) -> None:
    env = environments.local(demo_cloud.base_url)
    end = datetime.fromisoformat(HISTORY_END).replace(tzinfo=timezone.utc)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        filters = BatchFilters(end_date=end, status=["DONE"])  # the status is not the API's
        full = await errored_batches(client, filters, offset=0, limit=100)
        assert full.complete and full.read == full.total
        assert full.page.items and all(has_errors(b) for b in full.page.items)
        assert errored_note(full) == "ERROR or with errored jobs"
        second = await errored_batches(client, filters, offset=2, limit=2)
        assert [b.id for b in second.page.items] == [b.id for b in full.page.items[2:4]]
        assert second.page.total == full.page.total
        few = await errored_batches(client, filters, offset=0, limit=100, max_batches=10)
        assert (few.read, few.total, few.complete) == (10, full.total, False)
        assert errored_note(few) == (
            f"ERROR or with errored jobs, in the newest 10 of {full.total} batches"
        )
