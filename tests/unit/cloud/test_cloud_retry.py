"""Which failures are repeated, how long the client waits, and what it never repeats."""

from __future__ import annotations

import random
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from support.cloudfakes import (
    BATCH,
    GET_BATCH,
    OK,
    FakeCloud,
    MakeClient,
    Sleeps,
    envelope,
    fail,
)

from pasqal_tui.cloud import (
    CreateBatchRequest,
    CreateWorkloadRequest,
    InvalidRequestError,
    InvalidStateError,
    JobInput,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
)
from pasqal_tui.cloud.transport.retry import parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
async def test_get_is_retried_on_transient_statuses(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps, status: int
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(status, "busy"), OK])
    async with make_client() as client:
        batch = await client.get_batch(BATCH)
    assert batch.id == BATCH
    assert len(cloud.api_requests()) == 2 and len(sleeps.delays) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, InvalidRequestError),
        (404, NotFoundError),
        (409, InvalidStateError),
        (422, InvalidRequestError),
        (501, ServerError),
    ],
)
async def test_get_is_not_retried_on_definite_answers(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps, status: int, error: type
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(status, "no"), OK])
    async with make_client() as client:
        with pytest.raises(error):
            await client.get_batch(BATCH)
    assert len(cloud.api_requests()) == 1 and sleeps.delays == []


async def test_gives_up_after_max_retries_with_the_server_message(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(502, "Bad Gateway: core-fast is restarting")])
    async with make_client(max_retries=4) as client:
        with pytest.raises(ServerError) as info:
            await client.get_batch(BATCH)
    assert len(cloud.api_requests()) == 5 and len(sleeps.delays) == 4
    assert info.value.status_code == 502
    assert "core-fast is restarting" in str(info.value) and BATCH in str(info.value)


async def test_backoff_is_exponential_with_full_jitter_and_capped(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(500, "boom")])
    async with make_client(max_retries=9, rng=lambda: 0.999999) as client:
        with pytest.raises(ServerError):
            await client.get_batch(BATCH)
    ceilings = [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert sleeps.delays == pytest.approx([c * 0.999999 for c in ceilings])


def test_jitter_spreads_delays_below_each_ceiling() -> None:
    policy = RetryPolicy()
    rng = random.Random(1234).random
    for attempt, ceiling in enumerate([0.5, 1, 2, 4, 8, 16, 30, 30]):
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= d < ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling * 0.5  # really jittered, not constant


async def test_retry_after_seconds_is_honoured_on_429(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "7"}, json={"message": "slow down"})
    cloud.sequence("GET", GET_BATCH, [limited, OK])
    async with make_client() as client:
        await client.get_batch(BATCH)
    assert sleeps.delays == [7.0]


async def test_retry_after_http_date_is_honoured_on_503(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    date = formatdate(NOW + 12, usegmt=True)
    unavailable = httpx.Response(503, headers={"Retry-After": date}, json={"message": "maint"})
    cloud.sequence("GET", GET_BATCH, [unavailable, OK])
    async with make_client(clock=lambda: NOW) as client:
        await client.get_batch(BATCH)
    assert sleeps.delays == [12.0]


async def test_a_very_long_retry_after_is_returned_to_the_caller(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    limited = httpx.Response(
        429, headers={"Retry-After": "600"}, json=envelope(None) | {"message": "quota exceeded"}
    )
    cloud.sequence("GET", GET_BATCH, [limited, OK])
    async with make_client() as client:
        with pytest.raises(RateLimitedError) as info:
            await client.get_batch(BATCH)
    assert info.value.retry_after == 600.0 and "quota exceeded" in str(info.value)
    assert sleeps.delays == [] and len(cloud.api_requests()) == 1


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("3", NOW) == 3.0
    assert parse_retry_after("1.5", NOW) == 1.5
    assert parse_retry_after(formatdate(NOW - 30, usegmt=True), NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        (
            "POST",
            "/core-fast/api/v1/batches",
            lambda c: c.create_batch(CreateBatchRequest(sequence_builder="s", jobs=[JobInput()])),
        ),
        (
            "POST",
            f"/core-fast/api/v2/batches/{BATCH}/jobs",
            lambda c: c.add_jobs(BATCH, [JobInput(runs=1)]),
        ),
        ("POST", f"/core-fast/api/v1/batches/{BATCH}/rebatch", lambda c: c.rebatch(BATCH)),
        (
            "POST",
            "/core-fast/api/v1/workloads",
            lambda c: c.create_workload(CreateWorkloadRequest(workload_type="w", backend="b")),
        ),
    ],
)
async def test_creating_posts_are_never_resent_after_an_answer(
    cloud: FakeCloud,
    make_client: MakeClient,
    sleeps: Sleeps,
    method: str,
    path: str,
    call: Any,
    status: int,
) -> None:
    cloud.sequence(method, path, [fail(status, "failed after commit?"), OK])
    async with make_client() as client:
        with pytest.raises((ServerError, RateLimitedError)):
            await call(client)
    assert len(cloud.api_requests()) == 1 and sleeps.delays == []


async def test_post_read_timeout_is_not_resent_and_says_so(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    cloud.on("POST", "/core-fast/api/v1/batches", timeout)
    async with make_client() as client:
        with pytest.raises(NetworkError) as info:
            await client.create_batch(CreateBatchRequest(sequence_builder="s", jobs=[JobInput()]))
    assert len(cloud.api_requests()) == 1 and sleeps.delays == []
    assert "cloud.test did not answer in time" in str(info.value)
    assert "may have reached the server" in str(info.value)


async def test_post_connect_error_is_retried_because_nothing_was_sent(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    attempts = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return OK

    cloud.on("POST", "/core-fast/api/v1/batches", flaky)
    async with make_client() as client:
        batch = await client.create_batch(
            CreateBatchRequest(sequence_builder="s", jobs=[JobInput()])
        )
    assert batch.id == BATCH and attempts == 2 and len(sleeps.delays) == 1


@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.ConnectError, httpx.RemoteProtocolError])
async def test_get_is_retried_on_transport_errors(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps, exc: type[httpx.TransportError]
) -> None:
    attempts = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise exc("glitch", request=request)
        return OK

    cloud.on("GET", GET_BATCH, flaky)
    async with make_client() as client:
        await client.get_batch(BATCH)
    assert attempts == 3 and len(sleeps.delays) == 2


async def test_idempotent_patch_is_retried(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    path = f"/core-fast/api/v2/batches/{BATCH}/cancel"
    cloud.sequence("PATCH", path, [fail(503, "busy"), fail(504, "slow"), OK])
    async with make_client() as client:
        await client.cancel_batch(BATCH)
    assert len(cloud.api_requests()) == 3 and len(sleeps.delays) == 2


async def test_network_error_names_the_host(
    cloud: FakeCloud, make_client: MakeClient, sleeps: Sleeps
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    cloud.on("GET", GET_BATCH, down)
    async with make_client(max_retries=2) as client:
        with pytest.raises(NetworkError) as info:
            await client.get_batch(BATCH)
    message = str(info.value)
    assert message.startswith(f"get batch {BATCH}: cannot connect to cloud.test")
    assert "Connection refused" in message and "may have reached" not in message
    assert len(sleeps.delays) == 2
