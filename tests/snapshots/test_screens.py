"""How the main screens look, at 80x24 and 160x48, against the seeded demo cloud.

The demo history is fixed by --seed and --clock-origin and the app's clock is fixed, so no
wall-clock time reaches a picture. The demo also has live batches (created on the origin day,
run by the server at start-up): the batch browser is filtered to the days before, which never
change. Look at a new SVG before accepting it (pytest --snapshot-update).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui.support import loaded_rows, make_app, wait_for

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.job import JobScreen
from pasqal_tui.tui.screens.jobs import JobsScreen

SIZES = [(80, 24), (160, 48)]
HISTORY_END = "2026-03-01"

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def settle(pilot: Pilot[Any]) -> None:
    """No worker running, no toast left, no cursor blinking: a still picture."""
    app = pilot.app
    await wait_for(pilot, lambda: not [w for w in app.workers if w.is_running], what="workers")
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


async def history(pilot: Pilot[Any]) -> BatchesScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("slash")
    await pilot.press("tab", "tab", "tab", "tab", *HISTORY_END, "enter")
    screen = app.screen
    assert isinstance(screen, BatchesScreen)
    await wait_for(pilot, lambda: screen.filters.end_date is not None and not screen.stale)
    await wait_for(
        pilot, lambda: all(b.created_at.isoformat() < "2026-03-02" for b in screen.items)
    )
    return screen


async def errored_jobs(pilot: Pilot[Any]) -> JobsScreen:
    app = pilot.app
    screen = await history(pilot)
    target = max(screen.items, key=lambda b: (b.jobs_count_per_status.get("ERROR", 0), b.id))
    screen.table.move_to_id(target.id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded_rows(app) > 0)
    jobs = app.screen
    assert isinstance(jobs, JobsScreen)
    await pilot.press("4")
    await wait_for(pilot, lambda: jobs.filters.status is not None and loaded_rows(app) > 0)
    await wait_for(pilot, lambda: all(j.status.value == "ERROR" for j in jobs.items))
    return jobs


def run(step: Callable[[Pilot[Any]], Awaitable[object]]) -> Step:
    async def before(pilot: Pilot[Any]) -> None:
        await step(pilot)
        await settle(pilot)

    return before


async def login(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#environment"), what="the form")
    await pilot.press(*"ada@example.com")
    await pilot.press("tab", *"hunter2")


async def job_detail(pilot: Pilot[Any]) -> None:
    await errored_jobs(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, JobScreen))
    await wait_for(pilot, lambda: pilot.app.screen.loaded, what="the full job")


async def done_job_detail(pilot: Pilot[Any]) -> None:
    app = pilot.app
    screen = await history(pilot)
    target = next(b for b in screen.items if b.jobs_count == 5000)
    screen.table.move_to_id(target.id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, JobsScreen) and loaded_rows(app) > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen.results_loaded)
    await pilot.press("r")


async def help_over_batches(pilot: Pilot[Any]) -> None:
    await history(pilot)
    await pilot.press("question_mark")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app("http://127.0.0.1:9", env="preprod")
    assert snap_compare(app, terminal_size=size, run_before=run(login))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_batch_browser(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(history))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_job_table_errors(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(errored_jobs))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_job_detail_error(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(job_detail))


def test_job_detail_histogram(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run(done_job_detail))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(help_over_batches))
