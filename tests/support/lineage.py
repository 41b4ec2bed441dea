"""Lineages on a real local cloud, made only through what it offers: batches whose jobs fail to
build (ERROR as soon as they run), rebatches (copies with parent ids), cancellation, and an
open FRESNEL batch that holds the QPU so that a FRESNEL copy made afterwards stays PENDING.

The QPU runs one batch at a time: every errored FRESNEL batch a module needs is made (and
settled) before :func:`hold_qpu`. Emulator copies run at once and fail again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from pasqal_tui.cloud import (
    CreateBatchRequest,
    EmuFreeConfig,
    JobFilters,
    JobInput,
    PasqalClient,
    PasswordAuth,
    RebatchFilters,
    local,
)
from pasqal_tui.cloud.models import Batch, Job
from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

# Jobs that fail to build, one message each (the errors view groups by message).
NO_DURATION = {"runs": 10, "variables": {"omega": 2.0}}
NO_OMEGA = {"runs": 12, "variables": {"duration": 100}}
TOO_SHORT = {"runs": 14, "variables": {"omega": 3.1, "duration": 5}}
UNKNOWN_VAR = {"runs": 16, "variables": {"omega": 3.1, "duration": 100, "phase": 1.0}}
TOO_STRONG = {"runs": 18, "variables": {"omega": 300.0, "duration": 100}}
GOOD = {"runs": 20, "variables": {"omega": 3.1, "duration": 100}}

MISSING_DURATION_TEXT = "Sequence build failed: Did not receive values for variables: duration"
MISSING_OMEGA_TEXT = "Sequence build failed: Did not receive values for variables: omega"
TOO_SHORT_TEXT = "Sequence build failed: duration has to be at least <n> ns."
UNKNOWN_VAR_TEXT = (
    "Sequence build failed: unknown variable(s) 'phase'; the sequence declares: 'omega', 'duration'"
)
ACTIVE = ("PENDING", "RUNNING")


def start_lineage_cloud(data_dir: Path) -> LocalCloudProcess:
    """A cloud of a module's own: no demo data, QPU time shrunk, open batches kept an hour."""
    args = ["--seed", "5", "--time-scale", "0.002", "--workers", "1"]
    return LocalCloudProcess(data_dir, [*args, "--open-batch-timeout", "3600"]).start()


@asynccontextmanager
async def connect(cloud: LocalCloudProcess) -> AsyncIterator[PasqalClient]:
    """The app's client as the demo user, in the demo user's project."""
    env = local(cloud.base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as anonymous:
        project = (await anonymous.list_projects())[0]
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo"), project_id=project.id) as c:
        yield c


async def create(
    client: PasqalClient, device: str, jobs: list[dict[str, Any]], *, open_: bool = False
) -> str:
    batch = await client.create_batch(
        CreateBatchRequest(
            sequence_builder=sequences.rabi_oscillation(2),
            jobs=[JobInput(**j) for j in jobs],
            device_type=device,
            open=open_,
            configuration=EmuFreeConfig() if device == "EMU_FREE" else None,
        )
    )
    return batch.id


async def settled(client: PasqalClient, *batch_ids: str, timeout: float = 120.0) -> None:
    """Poll until no job of the batches is pending or running (a deadline, not a pause)."""

    async def poll(batch_id: str) -> None:
        while True:
            counts = (await client.get_batch_status(batch_id)).jobs_count_per_status or {}
            if not any(counts.get(s, 0) for s in ACTIVE):
                return
            await asyncio.sleep(0.1)

    for batch_id in batch_ids:
        await asyncio.wait_for(poll(batch_id), timeout)


async def hold_qpu(client: PasqalClient, timeout: float = 120.0) -> str:
    """An open FRESNEL batch that takes the QPU and keeps it: later FRESNEL jobs stay PENDING."""
    holder = await create(client, "FRESNEL", [GOOD], open_=True)

    async def running() -> None:
        while (await client.get_batch(holder)).status.value != "RUNNING":
            await asyncio.sleep(0.1)

    await asyncio.wait_for(running(), timeout)
    return holder


async def jobs_of(client: PasqalClient, batch_id: str) -> list[Job]:
    page = await client.list_jobs(
        JobFilters(batch_id=[batch_id]), order_by="creation_order", order_by_direction="ASC"
    )
    return list(page.items)


async def errored(client: PasqalClient, batch_id: str) -> list[Job]:
    return [j for j in await jobs_of(client, batch_id) if j.status.value == "ERROR"]


async def rebatch_errors(client: PasqalClient, batch_id: str, *, settle: bool = False) -> Batch:
    """What a script would do: rebatch the batch's ERROR jobs (optionally wait for the copy)."""
    copy = await client.rebatch(batch_id, RebatchFilters(status=["ERROR"]))
    if settle:
        await settled(client, copy.id)
    return copy


async def batch_total(client: PasqalClient) -> int:
    """How many batches the server holds (the demo user's view)."""
    return (await client.list_batches(limit=1)).total
