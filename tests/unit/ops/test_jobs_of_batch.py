"""The jobs of one batch named by a full id or a prefix: which requests are sent. A full id is
listed straight away (no look-up of the batch and its job ids first); only an empty answer is
checked, so an id that names no batch is still reported as such."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from support.cloudfakes import BATCH, FakeCloud, batch_json, job_json, scripted_client

from pasqal_tui.cloud import PasqalClient
from pasqal_tui.cloud.errors import InvalidRequestError, NotFoundError
from pasqal_tui.cloud.filters import JobFilters
from pasqal_tui.ops.export import jobs_of_batch

JOBS = "/core-fast/api/v2/jobs"
ONE = f"/core-fast/api/v2/batches/{BATCH}"
LIST = "/core-fast/api/v1/batches"
J1 = "00000000-0000-0000-0000-0000000000c1"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
async def client(cloud: FakeCloud) -> AsyncIterator[PasqalClient]:
    async with scripted_client(cloud) as made:
        yield made


def page(*jobs: dict[str, object]) -> httpx.Response:
    n = len(jobs)
    return httpx.Response(
        200, json={"data": list(jobs), "pagination": {"total": n, "start": 0, "end": n}}
    )


def paths(cloud: FakeCloud) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in cloud.api_requests()]


async def test_a_full_id_is_listed_without_looking_the_batch_up(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("GET", JOBS, lambda r: page(job_json(J1, status="ERROR")))
    jobs = await jobs_of_batch(client, f"  {BATCH.upper()} ", JobFilters(status=["ERROR"]))
    assert [j.id for j in jobs] == [J1]
    assert paths(cloud) == [f"GET {JOBS}"]
    params = cloud.api_requests()[0].url.params
    assert params.get_list("batch_id") == [BATCH] and params.get_list("status") == ["ERROR"]
    assert params["order_by"] == "creation_order" and params["order_by_direction"] == "ASC"


async def test_an_empty_answer_is_checked_an_unknown_batch_is_named(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("GET", JOBS, lambda r: page())
    cloud.on("GET", ONE, batch_json(BATCH))
    assert await jobs_of_batch(client, BATCH, JobFilters(status=["ERROR"])) == []
    assert paths(cloud) == [f"GET {JOBS}", f"GET {ONE}"]  # the batch exists: no job matches
    del cloud.routes[("GET", ONE)]  # now it names no batch: 404
    with pytest.raises(NotFoundError):
        await jobs_of_batch(client, BATCH)


async def test_a_prefix_is_resolved_first_and_a_bad_id_sends_nothing(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    listing = {"data": [batch_json(BATCH)], "pagination": {"total": 1, "start": 0, "end": 1}}
    cloud.on("GET", LIST, lambda r: httpx.Response(200, json=listing))
    cloud.on("GET", JOBS, lambda r: page(job_json(J1)))
    assert [j.id for j in await jobs_of_batch(client, BATCH[:8])] == [J1]
    assert paths(cloud) == [f"GET {LIST}", f"GET {JOBS}"]
    with pytest.raises(InvalidRequestError, match="batch id"):
        await jobs_of_batch(client, "z" * 36)
    assert len(paths(cloud)) == 2
