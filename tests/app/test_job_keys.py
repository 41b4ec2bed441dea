"""The job screen offers only the keys that apply to its job (raw samples for a DONE job, the
parent for a rebatched one, copy error for a failed one) and says why when one is pressed anyway."""

from __future__ import annotations

from typing import Any

from support.app import loaded_rows, make_app, on_screen, wait_for
from support.snapshots import errored_jobs, history

from pasqal_tui.tui.screens.job import JobScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


def offered(screen: JobScreen) -> set[str]:
    return {b.binding.action for b in screen.active_bindings.values()}


def said(app: Any, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


async def open_job(pilot: Any) -> JobScreen:
    app = pilot.app
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, JobScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, JobScreen)
    return screen


async def test_an_error_job_without_parent_offers_neither_raw_nor_parent(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await errored_jobs(pilot)
        job = await open_job(pilot)
        assert job.job.status.value == "ERROR" and not job.job.parent_id
        assert {"copy_id", "copy_error"} <= offered(job)
        assert not {"raw", "parent"} & offered(job)
        footer = " ".join(str(b.binding.description) for b in job.active_bindings.values())
        assert "Raw" not in footer.split() and "Parent job" not in footer

        await pilot.press("v")
        await wait_for(pilot, lambda: said(app, "No raw samples: the job is ERROR"), what="why r")
        await pilot.press("P")
        await wait_for(pilot, lambda: said(app, "This job has no parent job"), what="why P")
        assert app.screen is job and not job.show_raw


async def test_a_done_rebatched_job_offers_raw_and_parent(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        batches = await history(pilot)
        child = next(b for b in batches.items if b.parent_id)  # a rebatch of the demo
        batches.table.move_to_id(child.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        done = next(j for j in jobs.items if j.status.value == "DONE" and j.parent_id)
        jobs.table.move_to_id(done.id)
        job = await open_job(pilot)
        assert {"raw", "parent", "copy_id"} <= offered(job)
        assert "copy_error" not in offered(job)
        await pilot.press("Y")
        await wait_for(pilot, lambda: said(app, "This job has no error to copy"), what="why Y")
        await wait_for(pilot, lambda: job.results_loaded, what="the results")
        # No serialised_results (a job run from `runs`): no observables section at all.
        assert job.observables is None and not job.query_one("#job-observables").display
        await pilot.press("v")
        assert job.show_raw
        await pilot.press("P")
        await wait_for(pilot, lambda: on_screen(app, JobScreen) and app.screen is not job)
        assert app.screen.job.id == done.parent_id  # type: ignore[attr-defined]
