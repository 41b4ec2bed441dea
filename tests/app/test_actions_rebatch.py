"""Rebatch and retry through the TUI: the plan is counted by the API, the new batch holds exactly
the chosen jobs (checked through the API: parent ids), and it opens after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.actions import (
    JOB,
    audit_lines,
    batch,
    cloud_fixture,  # noqa: F401  (the module's own cloud)
    jobs_of,
    make_batch,
    open_jobs,
    planning,
    settled,
)
from support.app import make_app, on_screen, wait_for
from support.localcloud import wait_until

from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen, ConfirmScreen
from pasqal_tui.tui.screens.dialogs.rebatch import RebatchScreen
from pasqal_tui.tui.screens.jobs import JobsScreen

BAD_MISSING = {"runs": 30, "variables": {"omega": 3.1}}
BAD_SHORT = {"runs": 40, "variables": {"omega": 3.1, "duration": 5}}


async def errored_batch(cloud: Any) -> str:
    """An emulator batch with 2 DONE and 2 ERROR jobs, finished."""
    bid = await make_batch(cloud.base_url, "EMU_FREE", [JOB, BAD_MISSING, JOB, BAD_SHORT])
    wait_until(lambda: settled(cloud, bid))
    return bid


def rebatch_plan_text(app: Any) -> str:
    return str(app.screen.query_one("#rebatch-plan").render())


async def test_rebatch_from_the_error_filter(cloud: Any, xdg_dirs: Path) -> None:
    bid = await errored_batch(cloud)
    errored = [j["id"] for j in jobs_of(cloud, bid) if j["status"] == "ERROR"]
    assert len(errored) == 2
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        await pilot.press("4")  # only ERROR
        await wait_for(pilot, lambda: jobs.state.total == 2, what="the ERROR filter")
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, RebatchScreen))
        dialog = app.screen
        assert dialog.query_one("#rb-status").value == "ERROR"  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "Resubmit" in rebatch_plan_text(app), what="the plan")
        assert f"Resubmit 2 jobs (70 runs) of batch {bid[:8]}" in rebatch_plan_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="confirm")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: on_screen(app, JobsScreen) and app.screen.the_batch.id != bid,
            what="the new batch on screen",
        )
        new = app.screen
        assert isinstance(new, JobsScreen)
        new_id = new.the_batch.id
    copied = jobs_of(cloud, new_id)
    assert batch(cloud, new_id)["parent_id"] == bid
    assert sorted(j["parent_id"] for j in copied) == sorted(errored)
    assert sorted(j["runs"] for j in copied) == [30, 40]
    entry = audit_lines(xdg_dirs / "xdg_state_home")[-1]
    assert entry["action"] == "rebatch" and entry["ids"] == [bid]
    assert entry["details"] == {"created": [new_id]}


async def test_rebatch_marked_rows_says_which_are_left_out(cloud: Any) -> None:
    bid = await errored_batch(cloud)
    ids = [j["id"] for j in jobs_of(cloud, bid)]  # DONE, ERROR, DONE, ERROR
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        assert jobs.table.row_ids == ids
        await pilot.press("space", "space")  # marks the DONE first and the ERROR second job
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, RebatchScreen))
        dialog = app.screen
        field = dialog.query_one("#rb-id")
        assert field.value == ", ".join(sorted(ids[:2]))  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "Resubmit 2 jobs" in rebatch_plan_text(app))
        dialog.query_one("#rb-status").value = "err"  # type: ignore[attr-defined]
        dialog.query_one("#rb-status").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Resubmit 1 job (30 runs)" in rebatch_plan_text(app))
        plan = rebatch_plan_text(app)
        assert "1 marked job left out:" in plan
        assert f"{ids[0][:8]}: status DONE is not ERROR" in plan
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and app.screen.the_batch.id != bid)
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
    (copy,) = jobs_of(cloud, new_id)
    assert copy["parent_id"] == ids[1]
    assert batch(cloud, new_id)["parent_id"] == bid


async def test_bad_rebatch_field_sends_nothing(cloud: Any, xdg_dirs: Path) -> None:
    bid = await errored_batch(cloud)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_jobs(pilot, bid)
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, RebatchScreen))
        await wait_for(pilot, lambda: "Resubmit" in rebatch_plan_text(app))
        dialog = app.screen
        dialog.query_one("#rb-min_runs").value = "lots"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        said = "min runs: 'lots' is not a whole number"
        await wait_for(pilot, lambda: rebatch_plan_text(app) == said, what="the field's error")
        assert app.screen is dialog  # no confirmation asked
        assert not planning(app)  # and nothing counted with a bad field
        assert app.screen.query_one("#rb-min_runs").value == "lots"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)
    assert audit_lines(xdg_dirs / "xdg_state_home") == []


async def test_retry_adds_a_copy_to_the_open_batch(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, {**JOB, "runs": 9}], open_=True)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        source = jobs.table.row_ids[1]
        await pilot.press("down", "ctrl+r")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen))
        assert f"Add a copy of job {source[:8]}" in str(
            app.screen.query_one("#confirm-body").render()
        )
        await pilot.press("y")
        await wait_for(pilot, lambda: len(jobs_of(cloud, bid)) == 3, what="the retried job")
    added = jobs_of(cloud, bid)[-1]
    assert added["runs"] == 9 and added["variables"] == JOB["variables"]
    assert audit_lines(xdg_dirs / "xdg_state_home")[-1]["ids"] == [source]
