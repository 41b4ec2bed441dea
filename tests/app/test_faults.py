"""Faults through the dashboard (Pilot), with the fault proxy between the app and a real local
cloud: a create whose answer is lost after the server acted says "created as <id>" (never
"failed") and the server holds exactly one (counted through the API, around the proxy); a
create refused before the server says "not created: safe to resend" and only then resends; a
lost cancel reads as done; reads ride out 500 bursts and 429 + Retry-After.

Every wait is a condition with a deadline; each test stays under ~20 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.actions import (
    JOB,
    batch,
    batch_count,
    children_of,
    cloud_fixture,  # noqa: F401  (the module's own cloud)
    jobs_of,
    make_batch,
    open_browser,
    open_jobs,
)
from support.app import batch_list, loaded_rows, make_app, on_screen, wait_for
from support.faultproxy import Fault, FaultProxy
from textual.widgets import Input, TextArea

from pasqal_tui.cloud.markers import markers_in
from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen, ConfirmScreen
from pasqal_tui.tui.screens.dialogs.rebatch import RebatchScreen
from pasqal_tui.tui.screens.dialogs.workload import CreateWorkloadScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.screens.submission_form import RESEND_LINE, SubmissionForm
from pasqal_tui.tui.screens.workloads import WorkloadsScreen

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RABI = str(EXAMPLES / "rabi.json")
RABI_JOBS = str(EXAMPLES / "rabi-jobs.yaml")
CREATE = r"/api/v1/batches$"


@pytest.fixture
def proxy(cloud: Any) -> Iterator[FaultProxy]:
    with FaultProxy(cloud.base_url, max_seconds=120) as running:
        yield running


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


def noted(app: Any, text: str) -> bool:
    return any(text in n for n in notes(app))


def form_line(app: Any) -> str:
    return str(app.screen.query_one("#cb-error").render())


def confirm_body(app: Any) -> str:
    return str(app.screen.query_one("#confirm-body").render())


async def fill_create_form(pilot: Any) -> SubmissionForm:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) >= 0 and app.screen.loaded, what="batches")
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, SubmissionForm))
    form = app.screen
    assert isinstance(form, SubmissionForm)
    form.query_one("#cb-sequence", Input).value = RABI
    form.query_one("#cb-jobs", Input).value = RABI_JOBS
    return form


async def send_form(pilot: Any) -> str:
    """ctrl+s, then `y`; returns what the confirmation said."""
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the confirmation")
    body = confirm_body(app)
    await pilot.press("y")
    return body


# ---- create batch --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault.lose_answer("POST", CREATE),
        Fault.status_after(502, "POST", CREATE),
        Fault.latency(3.0, "POST", CREATE),
    ],
    ids=["answer lost", "502 after commit", "answer after create_timeout"],
)
async def test_create_batch_answer_lost_after_commit_says_created_as_its_id(
    cloud: Any, proxy: FaultProxy, fault: Fault, xdg_dirs: Path
) -> None:
    config = xdg_dirs / "xdg_config_home" / "pasqal-tui" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("create_timeout: 2\n")  # the latency case times out after 2 s
    before = batch_count(cloud)
    proxy.add(fault)
    app = make_app(proxy.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_create_form(pilot)
        assert app.cloud.client is not None and app.cloud.client.create_timeout == 2.0
        await send_form(pilot)
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
        said = f"create batch: the answer was lost; looked up: created as {new_id[:8]}"
        await wait_for(pilot, lambda: noted(app, said), what=said)
        assert not noted(app, "failed")
    assert batch_count(cloud) == before + 1  # exactly one batch, not a duplicate
    assert proxy.forwarded("POST", CREATE) == 1
    assert len(markers_in(batch(cloud, new_id)["tags"])) == 1


async def test_create_batch_refused_before_the_server_says_safe_to_resend_then_sends_once(
    cloud: Any, proxy: FaultProxy
) -> None:
    before = batch_count(cloud)
    proxy.add(Fault.burst(503, "POST", CREATE, times=1))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await fill_create_form(pilot)
        await send_form(pilot)
        await wait_for(pilot, lambda: "safe to resend" in form_line(app), what="the lookup")
        line = form_line(app)
        assert "create batch: the answer was lost (HTTP 503" in line
        assert "looked up by its marker tag: not created: safe to resend" in line
        assert "failed" not in line and app.screen is form
        assert batch_count(cloud) == before
        body = await send_form(pilot)  # the user resends
        assert RESEND_LINE in " ".join(body.split())
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
    assert batch_count(cloud) == before + 1
    assert proxy.forwarded("POST", CREATE) == 1  # the refused send never reached the server
    assert len(app.cloud.unconfirmed) == 0  # settled: nothing left to look up
    assert batch(cloud, new_id)["id"] == new_id


# ---- add jobs (form and retry) and rebatch -------------------------------------------------------


async def test_add_jobs_answer_lost_says_created_and_adds_once(
    cloud: Any, proxy: FaultProxy
) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
    path = rf"/batches/{bid}/jobs$"
    proxy.add(Fault.lose_answer("POST", path))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("a")
        await wait_for(pilot, lambda: on_screen(app, SubmissionForm))
        form = app.screen
        await wait_for(pilot, lambda: "declares omega" in str(form.query_one("#cb-info").render()))
        form.query_one("#cb-jobs", Input).value = RABI_JOBS
        await send_form(pilot)
        said = f"add jobs to batch {bid[:8]}: the answer was lost; looked up: created as "
        await wait_for(pilot, lambda: noted(app, said), what=said)
        assert noted(app, "(10 jobs)") and not noted(app, "failed")
        assert not isinstance(app.screen, SubmissionForm)
    assert len(jobs_of(cloud, bid)) == 11  # 1 + the 10 sent, once
    assert proxy.forwarded("POST", path) == 1


async def test_retry_answer_lost_says_created_and_adds_once(cloud: Any, proxy: FaultProxy) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, {**JOB, "runs": 9}], open_=True)
    path = rf"/batches/{bid}/jobs$"
    proxy.add(Fault.status_after(502, "POST", path))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_jobs(pilot, bid)
        await pilot.press("down", "ctrl+r")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen))
        await pilot.press("y")
        said = f"add jobs to batch {bid[:8]}: the answer was lost; looked up: created as "
        await wait_for(pilot, lambda: noted(app, said), what=said)
        assert not noted(app, "failed")
    assert [j["runs"] for j in jobs_of(cloud, bid)] == [50, 9, 9]


async def test_rebatch_answer_lost_says_created_and_opens_the_one_new_batch(
    cloud: Any, proxy: FaultProxy
) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, {**JOB, "runs": 9}])
    path = rf"/batches/{bid}/rebatch$"
    proxy.add(Fault.lose_answer("POST", path))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, RebatchScreen))
        status = app.screen.query_one("#rb-status", Input)
        status.value = "pending"
        status.focus()
        await pilot.press("enter")
        plan = lambda: str(app.screen.query_one("#rebatch-plan").render())  # noqa: E731
        await wait_for(pilot, lambda: "Resubmit 2 jobs" in plan(), what="the plan")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="the plan")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: on_screen(app, JobsScreen) and app.screen.the_batch.parent_id == bid,
            what="the new batch on screen",
        )
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
        said = f"rebatch {bid[:8]}: the answer was lost; looked up: created as {new_id[:8]}"
        await wait_for(pilot, lambda: noted(app, said), what=said)
    assert [b["id"] for b in children_of(cloud, bid)] == [new_id]
    assert proxy.forwarded("POST", path) == 1


# ---- cancels -------------------------------------------------------------------------------------


async def test_cancel_batch_answer_lost_reads_as_done(cloud: Any, proxy: FaultProxy) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, JOB])
    path = rf"/batches/{bid}/cancel$"
    proxy.add(Fault.lose_answer("PATCH", path))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        await pilot.press("y")
        said = f"Cancelled batch {bid[:8]}: already CANCELED (the first answer was lost)"
        await wait_for(pilot, lambda: noted(app, said), what=said)
        assert not noted(app, "failed")
    assert batch(cloud, bid)["status"] == "CANCELED"
    assert proxy.forwarded("PATCH", path) == 2


async def test_cancel_jobs_answer_lost_reads_as_cancelled(cloud: Any, proxy: FaultProxy) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, JOB, JOB])
    path = rf"/batches/{bid}/cancel/jobs$"
    proxy.add(Fault.status_after(502, "PATCH", path))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        await pilot.press("space", "space")
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        await pilot.press("y")
        said = f"Cancelled 2 jobs of {bid[:8]} (2 already canceled: the first answer was lost)"
        await wait_for(pilot, lambda: noted(app, said), what=said)
        assert not jobs.marks and not noted(app, "refused")
    assert [j["status"] for j in jobs_of(cloud, bid)] == ["CANCELED", "CANCELED", "PENDING"]


# ---- workloads: no list endpoint, so the outcome stays unknown and a resend asks first -----------


async def test_create_workload_answer_lost_says_unknown_and_asks_before_resending(
    cloud: Any, proxy: FaultProxy
) -> None:
    proxy.add(Fault.lose_answer("POST", r"/api/v1/workloads$"))
    app = make_app(proxy.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await batch_list(pilot)
        await pilot.press("W")
        await wait_for(pilot, lambda: on_screen(app, WorkloadsScreen))

        async def create() -> None:
            await pilot.press("n")
            await wait_for(pilot, lambda: on_screen(app, CreateWorkloadScreen))
            app.screen.query_one("#wl-config", TextArea).text = '{"sequence": "x"}'
            await pilot.press("ctrl+s")

        await create()
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the y question")
        await pilot.press("y")
        said = "create workload: the answer was lost"
        await wait_for(pilot, lambda: noted(app, said), what=said)
        shown = next(n for n in notes(app) if said in n)
        assert "outcome unknown: the API cannot list workloads" in shown
        assert "failed" not in shown and "the connection to 127.0.0.1" in shown
        await create()
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the warning")
        assert "sending again may create it twice" in confirm_body(app)
        await pilot.press("n")  # backs out: nothing sent
    assert proxy.forwarded("POST", r"/api/v1/workloads$") == 1


# ---- reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault.burst(500, "GET", CREATE, times=2),
        Fault.rate_limited(1.0, "GET", CREATE, times=2),
    ],
    ids=["500 burst", "429 retry-after"],
)
async def test_reads_failing_raise_the_banner_then_recover(
    cloud: Any, proxy: FaultProxy, fault: Fault
) -> None:
    app = make_app(proxy.base_url, refresh=2.0)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await batch_list(pilot)
        rows = list(screen.table.row_ids)
        proxy.add(fault)  # the next refresh fails twice (one retry), then the cloud answers
        await wait_for(pilot, lambda: app.connection_problem, what="the banner")
        await wait_for(pilot, lambda: proxy.pending() == 0, what="the fault used up")
        await wait_for(pilot, lambda: not app.connection_problem, what="recovery")
        assert app.is_running and app.screen is screen and screen.table.row_ids == rows
