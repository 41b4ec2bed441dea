"""Steps shared by the snapshot tests: reach a screen over the demo cloud, then hold still.

The demo history is fixed by --seed and --clock-origin and the app's clock is fixed, so no
wall-clock time reaches a picture. The batch browser is filtered to the days before the origin
day (the demo's live batches are created on it), which never change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from support.app import loaded_rows, on_screen, wait_for

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
    await pilot.press("slash", *f"until:{HISTORY_END}", "enter")
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
    await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
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
