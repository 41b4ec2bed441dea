"""The job table's batch line never lags its rows: opened with the batch as the create request
answered it (every job PENDING), it shows what the rows show as soon as they are there."""

from __future__ import annotations

from collections import Counter
from typing import Any

from support.actions import JOB, cloud_fixture, jobs_of, rabi  # noqa: F401  (the module's cloud)
from support.app import batch_list, cell_text, make_app, wait_for
from support.localcloud import wait_until

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.models import Batch, BatchStatus
from pasqal_tui.cloud.payloads import CreateBatchRequest, EmuFreeConfig, JobInput
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.core.text import plural
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.status import counts_summary


async def create(base_url: str, jobs: int) -> Batch:
    """A batch as the create request answers it: what the form hands to the job table."""
    env = environments.local(base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        return await client.create_batch(
            CreateBatchRequest(
                sequence_builder=rabi(),
                jobs=[JobInput(**JOB) for _ in range(jobs)],
                device_type="EMU_FREE",
                configuration=EmuFreeConfig(),
            )
        )


def rows_summary(screen: JobsScreen) -> str:
    column = [key for key, _, _ in screen.columns].index("status")
    statuses = Counter(
        cell_text(screen.table.get_row_at(i)[column]) for i in range(screen.table.row_count)
    )
    return f"{plural(sum(statuses.values()), 'job')}: {counts_summary(statuses)}"


def batch_line(screen: JobsScreen) -> str:
    return str(screen.query_one("#batch-summary").render())


async def test_the_batch_line_agrees_with_the_rows_just_after_creation(cloud: Any) -> None:
    answered = await create(cloud.base_url, 3)
    # The batch as the create request may answer it, before any job ran: the table starts from it.
    created = answered.model_copy(
        update={"status": BatchStatus.PENDING, "jobs_count_per_status": {"PENDING": 3}}
    )
    # The server has moved on before the table is shown.
    wait_until(lambda: any(j["status"] != "PENDING" for j in jobs_of(cloud, created.id)), 30)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        await batch_list(pilot)
        app.refresh_loop.toggle_pause()  # no refresh tick: the first page alone must agree
        screen = JobsScreen(created)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loaded, what="the first page")
        assert any(j.status.value != "PENDING" for j in screen.items)
        assert rows_summary(screen) in batch_line(screen)
        app.refresh_loop.toggle_pause()
        await wait_for(
            pilot,
            lambda: all(j.status.value == "DONE" for j in screen.items),
            timeout=60,
            what="every job DONE",
        )
        assert "3 jobs: 3 done" in batch_line(screen)
