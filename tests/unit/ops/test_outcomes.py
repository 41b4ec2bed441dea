"""Exactly-once creation over a scripted cloud: a lost answer is looked up by its marker and
reported "created as <id>" or "not created: safe to resend"; a resend looks the earlier marker
up first and sends only when it was not created; workloads cannot be looked up, and say so."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from support.cloudfakes import (
    BATCH,
    FakeCloud,
    batch_json,
    body_of,
    envelope,
    fail,
    job_json,
    scripted_client,
)

from pasqal_tui.cloud import (
    CreateBatchRequest,
    CreateWorkloadRequest,
    JobInput,
    PasqalClient,
)
from pasqal_tui.ops.outcomes import (
    BatchMarker,
    CreateNotConfirmedError,
    Unconfirmed,
    Verdict,
    add_jobs_once,
    create_batch_once,
    create_workload_once,
    rebatch_once,
)

LIST = "/core-fast/api/v1/batches"
JOBS = "/core-fast/api/v2/jobs"
NEW = "00000000-0000-0000-0000-0000000000aa"
OLD = "00000000-0000-0000-0000-0000000000bb"
J1 = "00000000-0000-0000-0000-0000000000c1"
J2 = "00000000-0000-0000-0000-0000000000c2"
REQUEST = CreateBatchRequest(sequence_builder="s", jobs=[JobInput(runs=5)])


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
async def client(cloud: FakeCloud) -> AsyncIterator[PasqalClient]:
    async with scripted_client(cloud, max_retries=1) as made:
        yield made


def page(items: list[dict[str, Any]], total: int | None = None) -> httpx.Response:
    total = len(items) if total is None else total
    return httpx.Response(
        200, json=envelope(items, pagination={"total": total, "start": 0, "end": len(items)})
    )


def lost(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected without a response", request=request)


def tagged_store(cloud: FakeCloud, *, commit: bool) -> Callable[[httpx.Request], httpx.Response]:
    """POST commits (or not) a batch with the request's tags, then its answer is lost; the list
    filters by tag like the real service."""
    stored: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        if commit:
            stored.append(batch_json(NEW, tags=body_of(request)["tags"]))
        return lost(request)

    def listing(request: httpx.Request) -> httpx.Response:
        tag = request.url.params.get("tag")
        return page([b for b in stored if tag is None or tag in b["tags"]])

    cloud.on("POST", LIST, create)
    cloud.on("GET", LIST, listing)
    return create


def posts(cloud: FakeCloud) -> list[httpx.Request]:
    return [r for r in cloud.api_requests() if r.method == "POST"]


# ---- create batch --------------------------------------------------------------------------------


async def test_lost_create_that_committed_reads_created_as_its_id(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    tagged_store(cloud, commit=True)
    made = await create_batch_once(client, REQUEST)
    assert made.value.id == NEW and made.recovered is not None
    assert made.recovered.verdict is Verdict.CREATED
    assert made.said("Created") == (
        f"create batch: the answer was lost; looked up: created as {NEW[:8]}"
    )
    assert len(posts(cloud)) == 1


async def test_lost_create_that_did_not_commit_is_safe_to_resend(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    tagged_store(cloud, commit=False)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, REQUEST)
    error = info.value
    assert error.safe_to_resend and isinstance(error.marker, BatchMarker)
    assert str(error) == (
        "create batch: the answer was lost (the connection to cloud.test was lost "
        "(RemoteProtocolError: server disconnected without a response)); "
        "looked up by its marker tag: not created: safe to resend"
    )
    assert body_of(posts(cloud)[0])["tags"] == [error.marker.tag]


async def test_502_after_commit_reads_created(cloud: FakeCloud, client: PasqalClient) -> None:
    stored: list[dict[str, Any]] = []

    def create(request: httpx.Request) -> httpx.Response:
        stored.append(batch_json(NEW, tags=body_of(request)["tags"]))
        return fail(502, "Bad Gateway")

    cloud.on("POST", LIST, create)
    cloud.on("GET", LIST, lambda r: page([b for b in stored if r.url.params["tag"] in b["tags"]]))
    made = await create_batch_once(client, REQUEST)
    assert made.value.id == NEW and made.recovered is not None


async def test_resend_looks_the_marker_up_first_and_sends_nothing_when_created(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    tagged_store(cloud, commit=False)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, REQUEST)
    marker = info.value.marker
    assert isinstance(marker, BatchMarker)
    # The first send committed after all (late); the resend finds it and sends nothing.
    cloud.on("GET", LIST, lambda _r: page([batch_json(NEW, tags=[marker.tag])]))
    made = await create_batch_once(client, REQUEST, previous=marker)
    assert made.value.id == NEW and len(posts(cloud)) == 1


async def test_resend_when_not_created_reuses_the_marker(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    tagged_store(cloud, commit=False)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, REQUEST)
    marker = info.value.marker
    assert isinstance(marker, BatchMarker)
    cloud.on("POST", LIST, lambda r: httpx.Response(200, json=envelope(batch_json(NEW))))
    made = await create_batch_once(client, REQUEST, previous=marker)
    assert made.recovered is None
    first, second = posts(cloud)
    assert body_of(first)["tags"] == body_of(second)["tags"] == [marker.tag]


async def test_resend_while_the_lookup_fails_sends_nothing(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("GET", LIST, lambda _r: fail(503, "down"))
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, REQUEST, previous=BatchMarker("ptui-req:x"))
    assert info.value.lookup.verdict is Verdict.UNKNOWN and not info.value.safe_to_resend
    assert "still not confirmed, so nothing was sent" in str(info.value)
    assert "could not look it up" in str(info.value)
    assert posts(cloud) == []


async def test_a_service_ignoring_the_tag_filter_is_not_taken_for_not_created(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("POST", LIST, lost)
    others = [batch_json(OLD, tags=["theirs"])] * 100
    cloud.on("GET", LIST, lambda _r: page(others, total=5000))
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_batch_once(client, REQUEST)
    assert info.value.lookup.verdict is Verdict.UNKNOWN
    assert "did not filter batches by tag" in str(info.value)


# ---- add jobs ------------------------------------------------------------------------------------


def jobs_route(cloud: FakeCloud, before: int, after: list[dict[str, Any]]) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        if request.url.params["limit"] == "1":
            return page([job_json()], total=before)
        assert offset == before and request.url.params["order_by_direction"] == "ASC"
        return httpx.Response(
            200,
            json=envelope(
                after,
                pagination={
                    "total": before + len(after),
                    "start": offset,
                    "end": offset + len(after),
                },
            ),
        )

    cloud.on("GET", JOBS, listing)
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", batch_json(open=True))


async def test_lost_add_jobs_found_by_the_jobs_added_since(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("POST", f"/core-fast/api/v2/batches/{BATCH}/jobs", lost)
    theirs = job_json(J1, runs=1, variables={"omega": 9})
    ours = job_json(J2, runs=5, variables={"omega": 2.0, "duration": 100.0})
    jobs_route(cloud, before=3, after=[theirs, ours])
    made = await add_jobs_once(
        client, BATCH, [JobInput(runs=5, variables={"omega": 2, "duration": 100})]
    )
    assert made.recovered is not None and made.recovered.ids == (J2,)
    assert made.said("") == (
        f"add jobs to batch {BATCH[:8]}: the answer was lost; looked up: created as {J2[:8]}"
    )


async def test_lost_add_jobs_not_among_the_new_jobs_is_safe_to_resend(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("POST", f"/core-fast/api/v2/batches/{BATCH}/jobs", lost)
    jobs_route(cloud, before=3, after=[job_json(J1, runs=1, variables={"omega": 9})])
    with pytest.raises(CreateNotConfirmedError) as info:
        await add_jobs_once(client, BATCH, [JobInput(runs=5, variables={"omega": 2})])
    assert info.value.safe_to_resend
    assert str(info.value).endswith(
        "looked up by the jobs added since: not created: safe to resend "
        "(1 other jobs were added since)"
    )


# ---- rebatch -------------------------------------------------------------------------------------


async def test_lost_rebatch_found_by_its_parent(cloud: FakeCloud, client: PasqalClient) -> None:
    before = [batch_json(OLD, parent_id=BATCH, created_at="2024-05-01T10:00:00+00:00")]
    after = [batch_json(NEW, parent_id=BATCH, created_at="2024-05-01T10:05:00+00:00"), *before]
    listings = iter([page(before), page(after)])
    cloud.on("GET", LIST, lambda _r: next(listings))
    cloud.on("POST", f"/core-fast/api/v1/batches/{BATCH}/rebatch", lost)
    made = await rebatch_once(client, BATCH)
    assert made.value.id == NEW and made.recovered is not None
    lookup = [r for r in cloud.api_requests() if r.method == "GET"][-1]
    assert lookup.url.params["start_date"] == "2024-05-01T10:00:00+00:00"  # the server's time


async def test_lost_rebatch_without_a_new_child_is_safe_to_resend(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    before = [batch_json(OLD, parent_id=BATCH)]
    cloud.on("GET", LIST, lambda _r: page(before))
    cloud.on("POST", f"/core-fast/api/v1/batches/{BATCH}/rebatch", lambda _r: fail(500, "oops"))
    with pytest.raises(CreateNotConfirmedError) as info:
        await rebatch_once(client, BATCH)
    assert info.value.safe_to_resend
    assert f"rebatch {BATCH[:8]}: the answer was lost (HTTP 500: oops)" in str(info.value)


# ---- workloads -----------------------------------------------------------------------------------


async def test_lost_workload_cannot_be_looked_up_and_says_so(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    cloud.on("POST", "/core-fast/api/v1/workloads", lost)
    with pytest.raises(CreateNotConfirmedError) as info:
        await create_workload_once(client, CreateWorkloadRequest(workload_type="w", backend="b"))
    assert info.value.lookup.verdict is Verdict.UNKNOWN and not info.value.safe_to_resend
    assert "the API cannot list workloads" in str(info.value)


# ---- the same request asked again ----------------------------------------------------------------


async def test_asking_the_same_again_looks_the_earlier_marker_up(
    cloud: FakeCloud, client: PasqalClient
) -> None:
    unconfirmed = Unconfirmed()
    tagged_store(cloud, commit=False)
    with pytest.raises(CreateNotConfirmedError):
        await create_batch_once(client, REQUEST, unconfirmed=unconfirmed)
    assert len(unconfirmed) == 1
    other = CreateBatchRequest(sequence_builder="s", jobs=[JobInput(runs=6)])
    cloud.on("POST", LIST, lambda r: httpx.Response(200, json=envelope(batch_json(NEW))))
    await create_batch_once(client, other, unconfirmed=unconfirmed)  # another request: own marker
    await create_batch_once(client, REQUEST, unconfirmed=unconfirmed)  # the same: its marker
    first, second, third = (body_of(r)["tags"] for r in posts(cloud))
    assert first == third != second
    assert len(unconfirmed) == 0  # settled
