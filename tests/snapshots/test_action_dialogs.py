"""How the action screens look: the create form with a validation error, the rebatch plan, the
errored-jobs view (lineages: a job and its copies once), a group plan that skips a job already
resubmitted. Against the seeded demo cloud, fixed clock; only reads (nothing is sent).
Look at a new SVG before accepting it (pytest --snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.app import loaded_rows, make_app, on_screen, wait_for
from support.snapshots import HISTORY_END, history, run
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pasqal_tui.tui.screens.create_batch import CreateBatchScreen
from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen
from pasqal_tui.tui.screens.dialogs.rebatch import RebatchScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.job_editor import JobRow

ROOT = Path(__file__).resolve().parents[2]


async def create_form_error(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen))
    form = app.screen
    await pilot.press(*"examples/rabi.json", "enter")
    await wait_for(pilot, lambda: form.query(JobRow), what="the job editor")
    runs, omega, duration = form.query_one(JobRow).query(Input)
    runs.value, omega.value, duration.value = "0", "1.5", "200"
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: "editor row 1" in str(form.query_one("#cb-error").render()))


async def rebatch_plan(pilot: Pilot[Any]) -> None:
    """Two marked rows of the most errored batch, statuses narrowed to ERROR: the plan counts
    what the API matches, names the marked job the filter leaves out, and skips the marked
    ERROR job whose rebatch copy is DONE (nothing left for `y`)."""
    app = pilot.app
    screen = await history(pilot)
    mixed = [b for b in screen.items if b.jobs_count_per_status.get("DONE", 0)]
    target = max(mixed, key=lambda b: (b.jobs_count_per_status.get("ERROR", 0), b.id))
    screen.table.move_to_id(target.id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
    jobs = app.screen
    assert isinstance(jobs, JobsScreen)
    done = next(j for j in jobs.items if j.status.value == "DONE")
    failed = next(j for j in jobs.items if j.status.value == "ERROR")
    for job in (done, failed):
        jobs.table.move_to_id(job.id)
        await pilot.press("space")
    await pilot.press("r")
    await wait_for(pilot, lambda: on_screen(app, RebatchScreen))
    dialog = app.screen
    dialog.query_one("#rb-status", Input).value = "error"
    dialog.query_one("#rb-status", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Filters:" in str(dialog.query_one("#rebatch-plan").render()))


async def errors_view(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("e")
    await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
    view = app.screen
    await pilot.press("slash", *f"until:{HISTORY_END}", "enter")
    await wait_for(pilot, lambda: view.end is not None and view.report and "between" in str(
        view.query_one("#errors-scope").render()))  # fmt: skip


async def group_plan_with_skipped_jobs(pilot: Pilot[Any]) -> None:
    """The demo's hardware-failed job was rebatched and its copy is DONE: the group's plan
    has nothing left for `y` and names the copy; only `A` would resubmit it."""
    app = pilot.app
    await errors_view(pilot)
    view = app.screen
    assert isinstance(view, ErrorsScreen)
    row = next(i for i, g in enumerate(view.groups) if g.message.startswith("QPU calibration"))
    view.query_one(DataTable).move_cursor(row=row)
    await pilot.press("r")
    await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="the plan")


def test_create_form_validation_error(
    snap_compare: Any, demo_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the form shows the relative path as typed
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run(create_form_error))


def test_rebatch_plan(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run(rebatch_plan))


def test_errors_view(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run(errors_view))


def test_group_plan_with_skipped_jobs(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run(group_plan_with_skipped_jobs))
