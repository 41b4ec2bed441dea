"""The client and ops.outcomes against a real local cloud behind the fault proxy: every create
whose answer is lost after the server acted reads "created as <id>", and the server holds
exactly one (counted through the API, not through the proxy); a lost cancel reads as done;
reads ride out 500 bursts and 429 + Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from support.actions import batch_count
from support.faultproxy import Fault, FaultProxy
from support.localcloud import api_client, data

from pasqal_tui.cloud import (
    BatchFilters,
    CreateBatchRequest,
    JobInput,
    OutcomeUnknownError,
    PasqalClient,
    PasswordAuth,
    local,
)
from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.ops.outcomes import (
    BatchMarker,
    CreateNotConfirmedError,
    Verdict,
    add_jobs_once,
    create_batch_once,
    rebatch_once,
)

VARS = {"omega": 3.1, "duration": 500}
CREATE = r"/api/v1/batches$"
#: Each test stays well under 20 s; this bounds every wait on the server.
DEADLINE = 15.0


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    """A cloud of this module's own. An open FRESNEL batch holds the QPU, so the FRESNEL
    batches made here keep their jobs PENDING (cancellable) until a test acts on them."""
    process = LocalCloudProcess(
        tmp_path_factory.mktemp("faults-cloud"),
        ["--seed", "3", "--time-scale", "0.02", "--workers", "1"],
    ).start()
    asyncio.run(_hold_the_qpu(process.base_url))
    yield process
    process.stop()


async def _hold_the_qpu(base_url: str) -> None:
    async with connect(base_url) as client:
        await client.create_batch(request(open_=True))


@pytest.fixture
def proxy(cloud: LocalCloudProcess) -> Iterator[FaultProxy]:
    with FaultProxy(cloud.base_url, max_seconds=60) as running:
        yield running


@pytest.fixture
async def client(proxy: FaultProxy) -> AsyncIterator[PasqalClient]:
    async with connect(proxy.base_url, create_timeout=2.0) as made:
        yield made


def connect(base_url: str, **kwargs: Any) -> PasqalClient:
    env = local(base_url)
    return _Connected(env, PasswordAuth(env, "demo", "demo"), max_retries=2, **kwargs)


class _Connected(PasqalClient):
    async def __aenter__(self) -> _Connected:
        self.project_id = (await self.list_projects())[0].id
        return self


def request(*, runs: int = 10, open_: bool = False, tags: list[str] | None = None) -> Any:
    return CreateBatchRequest(
        sequence_builder=sequences.rabi_oscillation(2),
        jobs=[JobInput(runs=runs, variables=VARS), JobInput(runs=runs + 1, variables=VARS)],
        device_type="FRESNEL",
        open=open_,
        tags=tags,
    )


# ---- what the server holds, read without the proxy -----------------------------------------------


def batches(cloud: LocalCloudProcess, **params: Any) -> list[dict[str, Any]]:
    with api_client(cloud) as http:
        found: list[dict[str, Any]] = data(
            http.get("/core-fast/api/v1/batches", params={"limit": 100, **params})
        )
        return found


def jobs_of(cloud: LocalCloudProcess, batch_id: str) -> list[dict[str, Any]]:
    with api_client(cloud) as http:
        found: list[dict[str, Any]] = data(
            http.get("/core-fast/api/v2/jobs", params={"batch_id": batch_id, "limit": 100})
        )
        return found


# ---- create batch: faults x outcome x duplicates -------------------------------------------------

AFTER_THE_SERVER_ACTED = {
    "answer lost": Fault.lose_answer("POST", CREATE),
    "502 after commit": Fault.status_after(502, "POST", CREATE),
    "500 after commit": Fault.status_after(500, "POST", CREATE),
    "dropped mid-body": Fault.drop_mid_body("POST", CREATE),
    "truncated JSON": Fault.truncate_json("POST", CREATE),
    "answer later than create_timeout": Fault.latency(3.0, "POST", CREATE),
}


@pytest.mark.parametrize("fault", list(AFTER_THE_SERVER_ACTED), ids=list(AFTER_THE_SERVER_ACTED))
async def test_create_batch_whose_answer_is_lost_reads_created_once(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient, fault: str
) -> None:
    before = batch_count(cloud)
    proxy.add(AFTER_THE_SERVER_ACTED[fault])
    made = await asyncio.wait_for(create_batch_once(client, request(tags=["mine"])), DEADLINE)
    assert made.recovered is not None and made.recovered.verdict is Verdict.CREATED
    assert (
        made.said("")
        == f"create batch: the answer was lost; looked up: created as {made.value.id[:8]}"
    )
    assert isinstance(made.marker, BatchMarker)
    assert batch_count(cloud) == before + 1  # exactly one, whatever the fault
    (found,) = batches(cloud, tag=made.marker.tag)
    assert found["id"] == made.value.id and found["tags"] == ["mine", made.marker.tag]
    assert proxy.forwarded("POST", CREATE) == 1


async def test_create_refused_before_the_server_is_safe_to_resend_and_made_once(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient
) -> None:
    before = batch_count(cloud)
    proxy.add(Fault.burst(503, "POST", CREATE, times=1))
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, request())
    assert info.value.safe_to_resend
    assert str(info.value).endswith("looked up by its marker tag: not created: safe to resend")
    assert batch_count(cloud) == before
    marker = info.value.marker
    assert isinstance(marker, BatchMarker)
    made = await create_batch_once(client, request(), previous=marker)
    assert made.recovered is None and batch_count(cloud) == before + 1
    assert [b["id"] for b in batches(cloud, tag=marker.tag)] == [made.value.id]


async def test_plain_client_never_resends_a_create(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient
) -> None:
    before = batch_count(cloud)
    proxy.add(Fault.lose_answer("POST", CREATE))
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create_batch(request())
    assert info.value.marker and batch_count(cloud) == before + 1
    assert proxy.forwarded("POST", CREATE) == 1


# ---- add jobs and rebatch ------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["lose_answer", "status_after"])
async def test_add_jobs_whose_answer_is_lost_reads_created_once(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient, fault: str
) -> None:
    batch = await client.create_batch(request(open_=True))
    path = rf"/batches/{batch.id}/jobs$"
    proxy.add(Fault(fault, "POST", path, status=502))  # type: ignore[arg-type]
    added = [
        JobInput(runs=7, variables=VARS),
        JobInput(runs=8, variables={"omega": 2, "duration": 100}),
    ]
    made = await asyncio.wait_for(add_jobs_once(client, batch.id, added), DEADLINE)
    assert made.recovered is not None and len(made.recovered.ids) == 2
    runs = [j["runs"] for j in jobs_of(cloud, batch.id)]
    assert sorted(runs) == [7, 8, 10, 11]  # the two added jobs, once
    assert proxy.forwarded("POST", path) == 1


@pytest.mark.parametrize("fault", ["lose_answer", "status_after"])
async def test_rebatch_whose_answer_is_lost_reads_created_once(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient, fault: str
) -> None:
    source = await client.create_batch(request())
    path = rf"/batches/{source.id}/rebatch$"
    proxy.add(Fault(fault, "POST", path, status=502))  # type: ignore[arg-type]
    made = await asyncio.wait_for(rebatch_once(client, source.id), DEADLINE)
    assert made.recovered is not None and made.value.parent_id == source.id
    children = [b for b in batches(cloud) if b["parent_id"] == source.id]
    assert [c["id"] for c in children] == [made.value.id]
    assert proxy.forwarded("POST", path) == 1


# ---- cancels: the first answer lost, the resend refused as already CANCELED ----------------------


async def test_lost_batch_cancel_reads_as_done(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient
) -> None:
    batch = await client.create_batch(request())
    path = rf"/batches/{batch.id}/cancel$"
    proxy.add(Fault.lose_answer("PATCH", path))
    cancelled = await asyncio.wait_for(client.cancel_batch(batch.id), DEADLINE)
    assert cancelled.status.value == "CANCELED" and cancelled.already_done
    assert proxy.forwarded("PATCH", path) == 2  # the lost send, then the refused resend


async def test_lost_jobs_cancel_reads_as_cancelled(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient
) -> None:
    batch = await client.create_batch(request())
    path = rf"/batches/{batch.id}/cancel/jobs$"
    proxy.add(Fault.status_after(502, "PATCH", path))
    result = await asyncio.wait_for(client.cancel_jobs(batch.id), DEADLINE)
    assert len(result.jobs) == 2 and result.errors == {} and len(result.already_canceled) == 2
    assert {j["status"] for j in jobs_of(cloud, batch.id)} == {"CANCELED"}


async def test_lost_job_cancel_reads_as_done(
    cloud: LocalCloudProcess, proxy: FaultProxy, client: PasqalClient
) -> None:
    batch = await client.create_batch(request())
    job_id = batch.known_job_ids[0]
    path = rf"/jobs/{job_id}/cancel$"
    proxy.add(Fault.lose_answer("PATCH", path))
    job = await asyncio.wait_for(client.cancel_job(job_id), DEADLINE)
    assert job.status.value == "CANCELED" and job.already_done


# ---- reads ---------------------------------------------------------------------------------------


async def test_reads_ride_out_a_500_burst(proxy: FaultProxy, client: PasqalClient) -> None:
    proxy.add(Fault.burst(500, "GET", r"/api/v1/batches$", times=2))
    page = await asyncio.wait_for(client.list_batches(BatchFilters(), limit=5), DEADLINE)
    assert page.items and proxy.applied("status 500") == 2


async def test_reads_wait_for_retry_after(proxy: FaultProxy, client: PasqalClient) -> None:
    proxy.add(Fault.rate_limited(1.0, "GET", r"/api/v1/batches$"))
    loop = asyncio.get_running_loop()
    start = loop.time()
    page = await asyncio.wait_for(client.list_batches(limit=5), DEADLINE)
    assert page.items and loop.time() - start >= 1.0  # waited as told, then succeeded


def test_proxy_refuses_non_loopback_upstreams() -> None:
    with pytest.raises(ValueError):
        FaultProxy("http://example.com:80")


def test_proxy_stops_serving_past_its_bounds(cloud: LocalCloudProcess) -> None:
    with FaultProxy(cloud.base_url, max_requests=1) as proxy:
        specs = f"{proxy.base_url}/core-fast/api/v1/devices/public-specs"
        assert httpx.get(specs, timeout=60).status_code == 200
        assert httpx.get(specs, timeout=60).status_code == 503
