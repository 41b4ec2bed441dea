"""Live refresh and resilience, each against its own local cloud process."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path
from typing import Any

import pytest
from support.app import (
    batch_list,
    cell_text,
    loaded_rows,
    make_app,
    on_screen,
    start_cloud,
    wait_for,
)
from textual.widgets._toast import Toast

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.payloads import CreateBatchRequest, JobInput
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.help import HelpScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.banner import ErrorBanner


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def create_qpu_batch(base_url: str, jobs: int) -> str:
    from pasqal_tui.localcloud import sequences

    env = environments.local(base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        batch = await client.create_batch(
            CreateBatchRequest(
                sequence_builder=sequences.rabi_oscillation(2),
                jobs=[JobInput(runs=50, variables={"omega": 3.1, "duration": 500})] * jobs,
                device_type="FRESNEL",
            )
        )
        return batch.id


@pytest.mark.slow
async def test_job_goes_pending_running_done(tmp_path: Path) -> None:
    cloud = start_cloud(tmp_path / "cloud", ["--time-scale", "1.5", "--seed", "3"])
    try:
        batch_id = await create_qpu_batch(cloud.base_url, jobs=3)
        app = make_app(cloud.base_url, refresh=2.0)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await batch_list(pilot)
            app.screen.table.move_to_id(batch_id)
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0
            )  # loaded_rows is -1 (truthy) until the page is in
            jobs = app.screen
            assert isinstance(jobs, JobsScreen)
            last = jobs.table.row_ids[-1]  # oldest first: the last job waits for the others
            seen: list[str] = []
            toasts: set[str] = set()

            def status_now() -> bool:
                status = cell_text(jobs.table.get_row_by_id(last)[2])
                if not seen or seen[-1] != status:
                    seen.append(status)
                toasts.update(str(t.render()) for t in app.screen.query(Toast))
                return status == "DONE" and any("→ DONE" in t for t in toasts)

            await wait_for(pilot, status_now, timeout=60, what="the last job and its batch")
            assert seen == ["PENDING", "RUNNING", "DONE"], seen
            assert jobs.the_batch.status.value == "DONE"
            assert "DONE" in str(jobs.query_one("#batch-summary").render())
            assert any(f"Batch {batch_id[:8]}: RUNNING → DONE" in t for t in toasts), toasts
    finally:
        cloud.stop()


@pytest.mark.slow
async def test_server_killed_gives_banner_then_recovers(tmp_path: Path) -> None:
    cloud = start_cloud(tmp_path / "cloud", ["--port", str(free_port())])
    try:
        batch_id = await create_qpu_batch(cloud.base_url, jobs=1)
        app = make_app(cloud.base_url, refresh=2.0)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: loaded_rows(app) == 1, what="the batch list")
            screen = app.screen
            assert isinstance(screen, BatchesScreen)
            banner = screen.query_one(ErrorBanner)
            assert not banner.display or not app.connection_problem

            cloud.kill()
            await wait_for(pilot, lambda: app.connection_problem, timeout=20, what="the banner")
            assert "not answering" in app.connection_problem
            assert banner.has_class("-shown")
            await pilot.press("question_mark")  # input still answers while the server is down
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert app.screen is screen
            assert screen.table.row_ids == [batch_id]  # what was shown stays shown

            cloud.restart()
            await wait_for(pilot, lambda: not app.connection_problem, timeout=60, what="recovery")
            assert not banner.has_class("-shown")
            assert screen.table.row_ids == [batch_id]
            assert app.is_running
    finally:
        cloud.stop()


@pytest.mark.slow
async def test_keys_answer_while_the_server_hangs(tmp_path: Path) -> None:
    """SIGSTOP the server: requests hang (TCP accepted, no answer), the UI must not."""
    cloud = start_cloud(tmp_path / "cloud", [])
    try:
        await create_qpu_batch(cloud.base_url, jobs=1)
        app = make_app(cloud.base_url, refresh=2.0)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: loaded_rows(app) == 1, what="the batch list")
            screen = app.screen
            assert isinstance(screen, BatchesScreen)
            os.kill(cloud.pid, signal.SIGSTOP)
            try:
                # The next refresh tick sends a request that now hangs (TCP accepted, no answer).
                await wait_for(
                    pilot, lambda: bool(hanging(app)), timeout=10, what="a request in flight"
                )
                in_flight = hanging(app)
                for _ in range(3):
                    await pilot.press("question_mark")
                    assert isinstance(app.screen, HelpScreen)
                    await pilot.press("escape")
                    assert app.screen is screen
                # The keys were answered while that very request still hangs (it waits up to
                # 30 s): the UI never waited for it.
                assert any(w.is_running for w in in_flight), "the request ended first"
                await pilot.press("slash")  # the filter line opens and takes typing
                await pilot.press(*"done")
                assert screen.query_one("#filter-input").value == "done"  # type: ignore[attr-defined]
            finally:
                os.kill(cloud.pid, signal.SIGCONT)
    finally:
        cloud.stop()


def hanging(app: Any) -> list[Any]:
    """The app's request workers that are still running."""
    return [w for w in app.workers if w.is_running and w.group != "launch"]
