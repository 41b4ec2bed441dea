"""Server-side pages through the demo batch of 5,000 jobs; marks survive paging and refresh."""

from __future__ import annotations

from typing import Any

from support.app import batch_list, cell_text, loaded_rows, make_app, on_screen, wait_for

from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.pager import Pager


def pager_text(screen: object) -> str:
    return str(screen.query_one(Pager).render())  # type: ignore[attr-defined]


async def test_pages_through_5000_jobs(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        batches = await batch_list(pilot)
        big = next(b for b in batches.items if b.jobs_count == 5000)
        batches.table.move_to_id(big.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        assert pager_text(jobs).startswith("1\u2013100 of 5,000")
        first_page = jobs.table.row_ids

        await pilot.press("space")  # mark the first row, the cursor moves down
        marked = first_page[0]
        assert jobs.marks == {marked}
        assert cell_text(jobs.table.get_row_at(0)[0]) == "●"

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 100 and jobs.table.row_count == 100)
        assert pager_text(jobs).startswith("101\u2013200 of 5,000")
        assert not set(jobs.table.row_ids) & set(first_page)

        await pilot.press("right_curly_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 4900 and jobs.table.row_count == 100)
        assert pager_text(jobs).startswith("4,901\u20135,000 of 5,000")

        await pilot.press("left_curly_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 0 and jobs.table.row_ids == first_page)
        assert jobs.marks == {marked}
        assert cell_text(jobs.table.get_row_at(0)[0]) == "●"

        app.refresh_loop.refresh_now()  # a forced refresh rewrites nothing and keeps the mark
        await wait_for(pilot, lambda: not list(app.workers), what="the refresh")
        assert cell_text(jobs.table.get_row_at(0)[0]) == "●"
        assert jobs.table.row_ids == first_page

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 100)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 0 and jobs.table.row_ids == first_page)
        assert "1 marked" in pager_text(jobs)


def refresh_ticks(app: Any) -> list[float]:
    """Each tick of the live refresh loop from now on, seen as the next tick it schedules."""
    ticks: list[float] = []
    set_timer = app.set_timer

    def spy(delay: float, callback: Any = None, **kwargs: Any) -> Any:
        if getattr(callback, "__name__", "") == "_tick":
            ticks.append(delay)
        return set_timer(delay, callback, **kwargs)

    app.set_timer = spy
    return ticks


async def test_pause_stops_refresh_and_says_so(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url, refresh=2.0)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("p")
        assert app.refresh_loop.paused
        assert "live refresh paused (p)" in pager_text(screen)
        loads: list[object] = []
        original = screen.request_page
        screen.request_page = lambda *a, **k: (loads.append(a), original(*a, **k))  # type: ignore[method-assign]
        ticks = refresh_ticks(app)
        await wait_for(pilot, lambda: len(ticks) >= 2, what="two refresh ticks")
        assert loads == []  # both ticks came while paused, and neither loaded a page
        await pilot.press("p")
        assert "paused" not in pager_text(screen)
        await wait_for(pilot, lambda: loads, what="the refresh to resume")
