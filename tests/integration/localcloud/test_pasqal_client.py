"""Our own async `PasqalClient` passes the same scenarios as the official SDK, over real HTTP."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator

import pytest
from support.lineage import settled

from pasqal_tui.cloud import (
    AuthenticationError,
    BatchFilters,
    CancelJobFilters,
    CreateBatchRequest,
    CreateWorkloadRequest,
    EmuTNConfig,
    InvalidStateError,
    JobFilters,
    JobInput,
    NotFoundError,
    PasqalClient,
    PasswordAuth,
    RebatchFilters,
    local,
)
from pasqal_tui.cloud.pipeline import Window
from pasqal_tui.cloud.transport.http11 import Http11Transport
from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

PI_PULSE = {"omega": math.pi, "duration": 1000}
ACTIVE = ("PENDING", "RUNNING")


@pytest.fixture(scope="module")
def rabi() -> str:
    return sequences.rabi_oscillation(2)


@pytest.fixture
async def client(local_cloud: LocalCloudProcess) -> AsyncIterator[PasqalClient]:
    env = local(local_cloud.base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as anonymous:
        project = (await anonymous.list_projects())[0]
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo"), project_id=project.id) as c:
        yield c


async def test_closed_batch_runs_to_real_results(client: PasqalClient, rabi: str) -> None:
    batch = await client.create_batch(
        CreateBatchRequest(
            sequence_builder=rabi,
            jobs=[
                JobInput(runs=40, variables=PI_PULSE),
                JobInput(runs=10, variables={"omega": 1.0}),
            ],
            device_type="EMU_FREE",
        )
    )
    await settled(client, batch.id, timeout=60)
    done = await client.get_batch(batch.id)
    assert done.status == "DONE" and done.job_ids == [j.id for j in batch.jobs or []]
    jobs = await client.all_jobs(batch.id)
    assert [j.status for j in jobs] == ["DONE", "ERROR"]
    assert jobs[1].errors and any("duration" in e for e in jobs[1].errors)
    results = await client.get_job_results(jobs[0].id)
    assert results is not None and results.counter is not None
    assert sum(results.counter.values()) == 40 and results.counter.get("11", 0) >= 30
    assert await client.get_job_results(jobs[1].id) is None


async def test_open_batch_add_close_and_tn_config(client: PasqalClient, rabi: str) -> None:
    batch = await client.create_batch(
        CreateBatchRequest(
            sequence_builder=rabi,
            jobs=[JobInput(runs=10, variables=PI_PULSE)],
            device_type="EMU_TN",
            open=True,
            configuration=EmuTNConfig(max_bond_dim=64),
            tags=["client"],
        )
    )
    added = await client.add_jobs(batch.id, [JobInput(runs=10, variables=PI_PULSE)])
    assert len(added.jobs or []) == 2
    await settled(client, batch.id, timeout=60)
    assert (await client.get_batch(batch.id)).status == "RUNNING"  # open: not finished
    closed = await client.close_batch(batch.id)
    assert closed.open is False
    final = await client.get_batch(batch.id)
    assert final.status == "DONE" and final.configuration
    assert final.configuration["max_bond_dim"] == 64
    with pytest.raises(InvalidStateError):
        await client.add_jobs(batch.id, [JobInput(runs=10, variables=PI_PULSE)])


async def test_filters_pagination_and_all_jobs(client: PasqalClient) -> None:
    big = (await client.list_batches(BatchFilters(tag="pagination"))).items[0]
    page = await client.list_jobs(
        JobFilters(batch_id=[big.id], status=["DONE"]), offset=200, limit=25
    )
    assert page.total == 5000 and len(page.items) == 25 and page.end == 225
    everything = await client.all_jobs(big.id)
    assert len(everything) == 5000 == len({j.id for j in everything})
    # 50 pages, at most a window of them in flight, over the client's own HTTP/1.1 transport:
    # connections are reused, never one a page.
    transport = client._transport
    assert isinstance(transport, Http11Transport)
    assert 1 < transport.connections_opened <= Window().high + 1
    errored = await client.list_jobs(JobFilters(errors=True), limit=100)
    assert errored.items and all(j.errors for j in errored.items)


async def test_rebatch_cancel_and_tags(client: PasqalClient, rabi: str) -> None:
    source = (await client.list_batches(BatchFilters(tag="retry"))).items[0]
    child = await client.rebatch(source.id, RebatchFilters(status=["DONE"]))
    assert child.parent_id == source.id and all(j.parent_id for j in child.jobs or [])
    batch = await client.create_batch(
        CreateBatchRequest(
            sequence_builder=rabi,
            jobs=[JobInput(runs=5, variables=PI_PULSE) for _ in range(3)],
            device_type="EMU_FREE",
            open=True,
        )
    )
    ids = [j.id for j in batch.jobs or []]
    result = await client.cancel_jobs(batch.id, CancelJobFilters(id=ids[:1]))
    assert [j.id for j in result.jobs] == ids[:1] or ids[0] in result.errors
    tagged = await client.set_batch_tags(batch.id, ["one", "two"])
    assert tagged.tags == ["one", "two"]
    canceled = await client.cancel_batch(batch.id)
    assert canceled.status == "CANCELED"
    with pytest.raises(InvalidStateError):
        await client.cancel_batch(batch.id)


async def test_workloads_specs_and_errors(
    client: PasqalClient, local_cloud: LocalCloudProcess
) -> None:
    created = await client.create_workload(
        CreateWorkloadRequest(
            workload_type="pulser_emulation",
            backend="EMU_FREE",
            config={"sequence": sequences.bell_like(), "runs": 50},
        )
    )
    async with asyncio.timeout(60):
        while (workload := await client.get_workload(created.id)).status in ACTIVE:
            await asyncio.sleep(0.1)
    assert workload.status == "DONE" and workload.result
    assert sum(workload.result["counter"].values()) == 50
    specs = await client.get_device_specs()
    assert specs == await client.get_public_device_specs()
    with pytest.raises(NotFoundError):
        await client.get_batch("00000000-0000-4000-8000-000000000000")
    env = local(local_cloud.base_url)
    with pytest.raises(AuthenticationError):
        async with PasqalClient(env, PasswordAuth(env, "demo", "wrong")) as bad:
            await bad.list_projects()
