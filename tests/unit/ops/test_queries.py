"""ops.queries against the real local cloud: the first ERROR job (none; on a later page of jobs
that share a timestamp; counted when timestamps differ; the scan's cap), the errored jobs of
recent batches or dates, and remembered workloads with an unknown id among known ones.

The shared server is not ours alone: each check is scoped to the batches this module makes,
and the expected jobs are read back over raw HTTP (not through the client under test).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support.lineage import settled
from support.localcloud import api_client, data

from pasqal_tui.cloud import (
    CreateBatchRequest,
    CreateWorkloadRequest,
    EmuFreeConfig,
    JobFilters,
    JobInput,
    PasqalClient,
    PasswordAuth,
    local,
)
from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.ops import queries

GOOD = {"runs": 20, "variables": {"omega": 3.1, "duration": 100}}
BAD = {"runs": 10, "variables": {"omega": 2.0}}  # duration missing: ERROR as soon as it runs


@dataclass(frozen=True)
class Made:
    """Batches of this module: ``clean`` has no ERROR job; ``tied`` (5 good, then 1 bad, all
    in one request, so one timestamp); ``spread`` (3 good, then bad + good added later)."""

    clean: str
    tied: str
    spread: str
    since: datetime


@asynccontextmanager
async def connect(cloud: LocalCloudProcess) -> AsyncIterator[PasqalClient]:
    env = local(cloud.base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as anonymous:
        project = (await anonymous.list_projects())[0]
    auth = PasswordAuth(env, "demo", "demo")
    async with PasqalClient(env, auth, project_id=project.id) as client:
        yield client


async def create(client: PasqalClient, jobs: list[dict[str, Any]], *, open_: bool = False) -> str:
    batch = await client.create_batch(
        CreateBatchRequest(
            sequence_builder=sequences.rabi_oscillation(2),
            jobs=[JobInput(**j) for j in jobs],
            device_type="EMU_FREE",
            open=open_,
            configuration=EmuFreeConfig(),
        )
    )
    return batch.id


async def make_batches(cloud: LocalCloudProcess) -> Made:
    async with connect(cloud) as client:
        clean = await create(client, [GOOD])
        first = await client.get_batch(clean)
        tied = await create(client, [GOOD] * 5 + [BAD])
        spread = await create(client, [GOOD] * 3, open_=True)
        await client.add_jobs(spread, [JobInput(**BAD), JobInput(**GOOD)])
        await client.close_batch(spread)
        for bid in (clean, tied, spread):
            await settled(client, bid)
    return Made(clean, tied, spread, first.created_at - timedelta(microseconds=1))


@pytest.fixture(scope="module")
def made(local_cloud: LocalCloudProcess) -> Made:
    return asyncio.run(make_batches(local_cloud))


@pytest.fixture
async def client(local_cloud: LocalCloudProcess) -> AsyncIterator[PasqalClient]:
    async with connect(local_cloud) as c:
        yield c


def errored_ids(cloud: LocalCloudProcess, batch_id: str) -> list[str]:
    """The batch's ERROR jobs in creation order, over raw HTTP."""
    with api_client(cloud) as http:
        params = {"batch_id": batch_id, "status": "ERROR", "order_by": "creation_order"}
        return [j["id"] for j in data(http.get("/core-fast/api/v2/jobs", params=params))]


# ---- the first ERROR job -------------------------------------------------------------------------


async def test_no_error_job_gives_none(made: Made, client: PasqalClient) -> None:
    assert (
        await queries.find_first_error(client, JobFilters(batch_id=[made.clean]), limit=2) is None
    )
    # The bad job has 10 runs: filters that leave it out leave no ERROR job either.
    hidden = JobFilters(batch_id=[made.tied], min_runs=15)
    assert await queries.find_first_error(client, hidden, limit=2) is None


async def test_error_on_a_later_page_among_jobs_that_share_a_timestamp(
    made: Made, client: PasqalClient, local_cloud: LocalCloudProcess
) -> None:
    [bad] = errored_ids(local_cloud, made.tied)
    filters = JobFilters(batch_id=[made.tied])
    found = await queries.find_first_error(client, filters, limit=2)
    assert found is not None and found.job.id == bad
    assert found.on_page and found.page.offset == 4 and found.page.total == 6
    newest_first = await queries.find_first_error(client, filters, limit=2, direction="DESC")
    assert newest_first is not None and newest_first.job.id == bad
    assert newest_first.on_page and newest_first.page.offset == 0


async def test_error_added_later_is_found_on_its_page(
    made: Made, client: PasqalClient, local_cloud: LocalCloudProcess
) -> None:
    [bad] = errored_ids(local_cloud, made.spread)
    found = await queries.find_first_error(client, JobFilters(batch_id=[made.spread]), limit=2)
    assert found is not None and found.job.id == bad
    assert found.on_page and found.page.offset == 2
    assert [j.id for j in found.page.items].index(bad) == 1


async def test_scan_stops_after_max_pages_near_the_error(
    made: Made, client: PasqalClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "MAX_SCAN_PAGES", 2)
    found = await queries.find_first_error(client, JobFilters(batch_id=[made.tied]), limit=1)
    assert found is not None and found.job.variables == BAD["variables"]
    assert not found.on_page and found.page.offset == 1


# ---- errored jobs of recent batches --------------------------------------------------------------


async def test_date_range_without_batch_is_an_empty_report(client: PasqalClient) -> None:
    start = datetime(2001, 1, 1, tzinfo=timezone.utc)
    report = await queries.recent_errors(client, 20, start, start + timedelta(days=30))
    assert report.batches == [] and report.jobs == []
    assert report.total_errored == 0 and not report.truncated


async def test_errored_jobs_of_the_batches_in_scope(
    made: Made, client: PasqalClient, local_cloud: LocalCloudProcess
) -> None:
    report = await queries.recent_errors(client, 200, made.since)
    ours = {made.clean, made.tied, made.spread}
    assert ours <= {b.id for b in report.batches}
    assert all(b.created_at > made.since for b in report.batches)
    expected = set(errored_ids(local_cloud, made.tied) + errored_ids(local_cloud, made.spread))
    assert {j.id for j in report.jobs if j.batch_id in ours} == expected
    assert all(j.status.value == "ERROR" for j in report.jobs)
    assert report.devices[made.tied] == "EMU_FREE"
    newest = await queries.recent_errors(client, 1, made.since)
    assert len(newest.batches) == 1


async def test_more_batches_than_a_page_are_read_page_by_page(
    made: Made,
    client: PasqalClient,
    local_cloud: LocalCloudProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The view offers up to 200 batches; a page holds at most 100."""
    with api_client(local_cloud) as http:
        params: dict[str, str | int] = {"start_date": made.since.isoformat(), "limit": 100}
        expected = [b["id"] for b in data(http.get("/core-fast/api/v1/batches", params=params))]
    monkeypatch.setattr(queries, "MAX_PAGE_SIZE", 2)
    found = await queries.newest_batches(client, 200, made.since, None)
    assert [b.id for b in found] == expected and len(expected) >= 3
    assert [b.id for b in await queries.newest_batches(client, 3, made.since, None)] == expected[:3]


async def test_errored_jobs_read_at_most_max_jobs_but_all_counted(
    made: Made, client: PasqalClient
) -> None:
    report = await queries.recent_errors(client, 200, made.since, max_jobs=1)
    assert len(report.jobs) == 1 and report.total_errored >= 2 and report.truncated


# ---- remembered workloads ------------------------------------------------------------------------


@pytest.fixture
async def workload_ids(client: PasqalClient) -> list[str]:
    """Two workloads the server knows (an unknown type: they fail at once, nothing runs)."""
    request = CreateWorkloadRequest(workload_type="not_a_type", backend="EMU_FREE")
    return [(await client.create_workload(request)).id for _ in range(2)]


async def test_unknown_workload_is_a_line_among_known_ones(
    client: PasqalClient, workload_ids: list[str]
) -> None:
    unknown = str(uuid.uuid4())
    lookup = await queries.fetch_workloads(client, [workload_ids[0], unknown, workload_ids[1]])
    assert set(lookup.found) == set(workload_ids)
    assert all(lookup.found[w].id == w for w in workload_ids)
    assert list(lookup.problems) == [unknown]
    assert unknown in lookup.problems[unknown] or "not found" in lookup.problems[unknown].lower()


async def test_malformed_workload_id_is_a_line_not_a_failure(client: PasqalClient) -> None:
    lookup = await queries.fetch_workloads(client, ["not-an-id"])
    assert lookup.found == {} and "workload id" in lookup.problems["not-an-id"]
    assert (await queries.fetch_workloads(client, [])).found == {}
