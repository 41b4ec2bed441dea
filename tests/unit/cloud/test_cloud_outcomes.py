"""Outcomes that are not what the status code says: a create whose answer was lost is an
OutcomeUnknownError naming its marker (never resent), and a resent cancel refused as "already
CANCELED" is read back and reported done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from support.cloudfakes import (
    BATCH,
    JOB,
    FakeCloud,
    MakeClient,
    Sleeps,
    batch_json,
    body_of,
    envelope,
    fail,
    job_json,
)

from pasqal_tui.cloud import (
    CreateBatchRequest,
    CreateWorkloadRequest,
    InvalidRequestError,
    InvalidStateError,
    JobInput,
    NetworkError,
    OutcomeUnknownError,
    OutcomeUnknownNetworkError,
    OutcomeUnknownServerError,
    RateLimitedError,
    ServerError,
)
from pasqal_tui.cloud.markers import is_marker

CREATE = "/core-fast/api/v1/batches"
REQUEST = CreateBatchRequest(sequence_builder="s", jobs=[JobInput(runs=1)], tags=["mine"])
B2 = "00000000-0000-0000-0000-000000000002"
J2 = "00000000-0000-0000-0000-000000000003"
W1 = "00000000-0000-0000-0000-000000000009"


def lost_then(answer: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    """The first send acts but its answer is lost (connection reset); later sends get ``answer``."""
    sends = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal sends
        sends += 1
        if sends == 1:
            raise httpx.ReadError("connection reset by peer", request=request)
        return answer

    return handler


def workload_json(**over: Any) -> dict[str, Any]:
    data = {
        "id": W1,
        "project_id": "11111111-1111-1111-1111-111111111111",
        "status": "PENDING",
        "backend": "b",
        "workload_type": "w",
        "config": {},
        "created_at": "2024-05-01T10:00:00+00:00",
        "updated_at": "2024-05-01T10:00:00+00:00",
    }
    data.update(over)
    return data


# ---- creates: unknown outcomes ---------------------------------------------------------------


def raise_(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("lost", request=request)

    return handler


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (lambda _r: fail(500, "Internal Server Error"), OutcomeUnknownServerError),
        (lambda _r: fail(502, "Bad Gateway"), OutcomeUnknownServerError),
        (lambda _r: fail(503, "Service Unavailable"), OutcomeUnknownServerError),
        (lambda _r: httpx.Response(200, content=b'{"status": "succ'), OutcomeUnknownServerError),
        (lambda _r: httpx.Response(200, json={"status": "success"}), OutcomeUnknownServerError),
        (lambda _r: httpx.Response(200, json=envelope({"id": BATCH})), OutcomeUnknownServerError),
        (raise_(httpx.ReadTimeout), OutcomeUnknownNetworkError),
        (raise_(httpx.ReadError), OutcomeUnknownNetworkError),
        (raise_(httpx.RemoteProtocolError), OutcomeUnknownNetworkError),
        (raise_(httpx.WriteTimeout), OutcomeUnknownNetworkError),
    ],
    ids=[
        "500", "502", "503", "truncated-json", "no-data", "unreadable-batch", "read-timeout",
        "reset", "dropped", "write-timeout",
    ],
)  # fmt: skip
async def test_create_batch_with_a_lost_answer_names_its_marker(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps, answer: Any, kind: type
) -> None:
    cloud.on("POST", CREATE, answer)
    async with make_client() as client:
        with pytest.raises(kind) as info:
            await client.create_batch(REQUEST)
    (sent,) = cloud.api_requests()
    assert sleeps.delays == []  # never resent
    error = info.value
    assert isinstance(error, OutcomeUnknownError) and error.operation == "create batch"
    assert error.marker is not None and is_marker(error.marker)
    assert body_of(sent)["tags"] == ["mine", error.marker]
    # Still the broad kinds callers already catch.
    assert isinstance(error, (ServerError, NetworkError))


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (fail(429, "slow down"), RateLimitedError),
        (fail(400, "bad sequence"), InvalidRequestError),
        (fail(409, "batch is closed"), InvalidStateError),
    ],
)
async def test_create_refused_outright_is_a_definite_answer(
    cloud: FakeCloud, make_client: MakeClient, answer: httpx.Response, kind: type
) -> None:
    cloud.on("POST", CREATE, lambda _r: answer)
    async with make_client() as client:
        with pytest.raises(kind) as info:
            await client.create_batch(REQUEST)
    assert not isinstance(info.value, OutcomeUnknownError)


@pytest.mark.parametrize(
    ("method", "path", "call", "operation"),
    [
        (
            "POST",
            f"/core-fast/api/v2/batches/{BATCH}/jobs",
            lambda c: c.add_jobs(BATCH, [JobInput(runs=1)]),
            f"add 1 job to batch {BATCH}",
        ),
        (
            "POST",
            f"/core-fast/api/v1/batches/{BATCH}/rebatch",
            lambda c: c.rebatch(BATCH),
            f"rebatch {BATCH}",
        ),
        (
            "POST",
            "/core-fast/api/v1/workloads",
            lambda c: c.create_workload(CreateWorkloadRequest(workload_type="w", backend="b")),
            "create workload",
        ),
    ],
)
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_other_creates_with_a_5xx_are_unknown_without_a_marker(
    cloud: FakeCloud, make_client: MakeClient, method: str, path: str, call: Any,
    operation: str, status: int,
) -> None:  # fmt: skip
    cloud.on(method, path, lambda _r: fail(status, "gateway"))
    async with make_client() as client:
        with pytest.raises(OutcomeUnknownServerError) as info:
            await call(client)
    assert info.value.operation == operation and info.value.marker is None
    assert len(cloud.api_requests()) == 1


async def test_creates_wait_longer_than_reads(cloud: FakeCloud, make_client: MakeClient) -> None:
    cloud.on("POST", CREATE, batch_json())
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", batch_json())
    async with make_client(timeout=7.0, create_timeout=300.0) as client:
        await client.create_batch(REQUEST)
        await client.get_batch(BATCH)
    create, read = cloud.api_requests()
    assert create.extensions["timeout"]["read"] == 300.0
    assert read.extensions["timeout"]["read"] == 7.0


async def test_create_timeout_must_be_positive(make_client: MakeClient) -> None:
    with pytest.raises(ValueError):
        make_client(create_timeout=0)


# ---- cancels: "already canceled" after a lost answer is a success ----------------------------


async def test_resent_batch_cancel_refused_as_already_canceled_is_done(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.on("PATCH", path, lost_then(fail(409, f"Batch {BATCH} is already CANCELED.")))
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", batch_json(status="CANCELED"))
    async with make_client() as client:
        batch = await client.cancel_batch(BATCH)
    assert batch.status.value == "CANCELED" and batch.already_done
    assert [r.method for r in cloud.api_requests()] == ["PATCH", "PATCH", "GET"]
    assert len(sleeps.delays) == 1


async def test_batch_cancel_refused_without_a_lost_answer_stays_an_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.on("PATCH", path, lambda _r: fail(409, "Batch is already CANCELED."))
    async with make_client() as client:
        with pytest.raises(InvalidStateError):
            await client.cancel_batch(BATCH)
    assert [r.method for r in cloud.api_requests()] == ["PATCH"]  # no read back


async def test_batch_cancel_refused_after_a_429_stays_an_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    """A 429 means the first send did nothing: its 409 is the batch's own state."""
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.sequence("PATCH", path, [fail(429, "slow down"), fail(409, "already CANCELED")])
    async with make_client() as client:
        with pytest.raises(InvalidStateError):
            await client.cancel_batch(BATCH)


async def test_resent_batch_cancel_refused_while_not_canceled_stays_an_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.on("PATCH", path, lost_then(fail(409, "Batch is already DONE.")))
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", batch_json(status="DONE"))
    async with make_client() as client:
        with pytest.raises(InvalidStateError, match="already DONE"):
            await client.cancel_batch(BATCH)


async def test_resent_batch_cancel_after_a_502_reads_back(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.sequence("PATCH", path, [fail(502, "Bad Gateway"), fail(409, "already CANCELED")])
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", batch_json(status="CANCELED"))
    async with make_client() as client:
        assert (await client.cancel_batch(BATCH)).already_done


async def test_resent_job_cancel_refused_as_already_canceled_is_done(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("PATCH", f"/core-fast/api/v2/jobs/{JOB}/cancel", lost_then(fail(409, "already")))
    cloud.on("GET", f"/core-fast/api/v2/jobs/{JOB}", job_json(status="CANCELED"))
    async with make_client() as client:
        job = await client.cancel_job(JOB)
    assert job.status.value == "CANCELED" and job.already_done


async def test_resent_workload_cancel_refused_as_already_canceled_is_done(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("PUT", f"/core-fast/api/v1/workloads/{W1}/cancel", lost_then(fail(409, "already")))
    cloud.on("GET", f"/core-fast/api/v2/workloads/{W1}", workload_json(status="CANCELED"))
    async with make_client() as client:
        workload = await client.cancel_workload(W1)
    assert workload.already_done


async def test_resent_jobs_cancel_with_all_refused_reads_as_cancelled(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    refused = {JOB: "Job is already CANCELED.", J2: "Job is already CANCELED."}
    second = httpx.Response(200, json=envelope({"jobs": [], "errors": refused}))
    cloud.on("PATCH", f"/core-fast/api/v2/batches/{BATCH}/cancel/jobs", lost_then(second))
    cloud.on(
        "GET",
        "/core-fast/api/v2/jobs",
        [job_json(JOB, status="CANCELED"), job_json(J2, status="CANCELED")],
    )
    async with make_client() as client:
        result = await client.cancel_jobs(BATCH)
    assert sorted(j.id for j in result.jobs) == sorted([JOB, J2])
    assert result.errors == {} and sorted(result.already_canceled) == sorted([JOB, J2])
    read = cloud.api_requests()[-1]
    assert read.url.params.get_list("id") == [JOB, J2]
    assert read.url.params["batch_id"] == BATCH


async def test_resent_jobs_cancel_keeps_refusals_that_are_not_cancellations(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    refused = {JOB: "Job is already CANCELED.", J2: "Job is already DONE."}
    second = httpx.Response(200, json=envelope({"jobs": [], "errors": refused}))
    cloud.on("PATCH", f"/core-fast/api/v2/batches/{BATCH}/cancel/jobs", lost_then(second))
    cloud.on(
        "GET",
        "/core-fast/api/v2/jobs",
        [job_json(JOB, status="CANCELED"), job_json(J2, status="DONE")],
    )
    async with make_client() as client:
        result = await client.cancel_jobs(BATCH)
    assert [j.id for j in result.jobs] == [JOB] and result.already_canceled == [JOB]
    assert result.errors == {J2: "Job is already DONE."}


async def test_jobs_cancel_refusals_without_a_lost_answer_are_kept(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    refused = {JOB: "Job is already CANCELED."}
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel/jobs"
    cloud.on("PATCH", path, {"jobs": [], "errors": refused})
    async with make_client() as client:
        result = await client.cancel_jobs(BATCH)
    assert result.errors == refused and result.already_canceled == []
    assert len(cloud.api_requests()) == 1


async def test_resent_batches_cancel_reads_refused_ones_back(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    refused = {BATCH: "Batch is already CANCELED.", B2: "Batch is already DONE."}
    second = httpx.Response(200, json=envelope({"batches": [], "errors": refused}))
    cloud.on("PATCH", "/core-fast/api/v1/batches/cancel", lost_then(second))
    cloud.on(
        "GET",
        "/core-fast/api/v1/batches",
        [batch_json(BATCH, status="CANCELED"), batch_json(B2, status="DONE")],
    )
    async with make_client() as client:
        result = await client.cancel_batches([BATCH, B2])
    assert [b.id for b in result.batches] == [BATCH] and result.already_canceled == [BATCH]
    assert result.errors == {B2: "Batch is already DONE."}
