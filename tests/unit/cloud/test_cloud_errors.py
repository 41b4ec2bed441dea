"""Error answers become typed errors with the server's own words, on one line."""

from __future__ import annotations

import httpx
import pytest
from support.cloudfakes import (
    BATCH,
    GET_BATCH,
    FakeCloud,
    MakeClient,
    envelope,
    fail,
    job_json,
)

from pasqal_tui.cloud import (
    AuthenticationError,
    InvalidRequestError,
    InvalidStateError,
    NotFoundError,
    PasqalError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TokenAuth,
)

CLOSE = f"/core-fast/api/v2/batches/{BATCH}/complete"


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (
            fail(400, "Bad Request", "Batch is already closed"),
            InvalidStateError,
            "Batch is already closed",
        ),
        (fail(400, "Bad Request", "limit must be <= 100"), InvalidRequestError, "limit must"),
        (fail(401, "Unauthorized"), AuthenticationError, "Unauthorized"),
        (
            fail(403, "Forbidden", "You are not a member of this project"),
            PermissionDeniedError,
            "not a member of this project",
        ),
        (fail(404, "Batch not found."), NotFoundError, "Batch not found."),
        (fail(409, "Conflict", "Batch is CANCELED"), InvalidStateError, "Batch is CANCELED"),
        (
            fail(
                422,
                "Unprocessable Entity",
                [
                    {
                        "loc": ["body", "jobs", 0, "runs"],
                        "msg": "Input should be a valid integer",
                        "type": "int_parsing",
                    },
                    {"loc": ["body", "device_type"], "msg": "Field required", "type": "missing"},
                ],
            ),
            InvalidRequestError,
            "jobs[0].runs: Input should be a valid integer; device_type: Field required",
        ),
        (
            httpx.Response(422, json={"detail": [{"loc": ["query", "limit"], "msg": "too big"}]}),
            InvalidRequestError,
            "query.limit: too big",
        ),
        (
            httpx.Response(429, headers={"Retry-After": "200"}, json={"message": "Slow down"}),
            RateLimitedError,
            "Slow down",
        ),
        (fail(501, "Not Implemented"), ServerError, "Not Implemented"),
        (
            httpx.Response(502, text="<html><body>Bad gateway</body></html>"),
            ServerError,
            "Bad Gateway",
        ),
        (
            httpx.Response(400, text="plain text\nover lines"),
            InvalidRequestError,
            "plain text over lines",
        ),
    ],
)
async def test_status_maps_to_a_typed_error_with_the_server_message(
    cloud: FakeCloud,
    make_client: MakeClient,
    response: httpx.Response,
    error: type[PasqalError],
    text: str,
) -> None:
    cloud.sequence("PATCH", CLOSE, [response])
    async with make_client(auth=TokenAuth("t"), max_retries=0) as client:
        with pytest.raises(error) as info:
            await client.close_batch(BATCH)
    err = info.value
    line = str(err)
    assert text in line and "\n" not in line
    assert line.startswith(f"HTTP {response.status_code}: close batch {BATCH}: ")
    assert err.status_code == response.status_code
    assert "<html>" not in line
    if isinstance(err, RateLimitedError):
        assert err.retry_after == 200.0


async def test_non_json_success_is_a_server_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", GET_BATCH, lambda r: httpx.Response(200, text="<html>captive portal</html>"))
    async with make_client() as client:
        with pytest.raises(ServerError, match="not JSON"):
            await client.get_batch(BATCH)


async def test_a_list_page_that_is_not_json_or_does_not_fit_says_so(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    """List pages are checked straight from the bytes (cloud/parsing.py: page_reader): the same
    words as any answer, the bad item named by its place in the page."""
    answers = iter(
        [
            httpx.Response(200, text="<html>captive portal</html>"),
            httpx.Response(200, json=envelope([job_json(), job_json(status=7)])),
            httpx.Response(200, json=envelope({"not": "a list"})),
        ]
    )
    cloud.on("GET", "/core-fast/api/v2/jobs", lambda r: next(answers))
    async with make_client() as client:
        with pytest.raises(ServerError, match=r"list jobs: cloud.test answered HTTP 200 with"):
            await client.list_jobs()
        with pytest.raises(ServerError, match=r"list jobs: unexpected answer, 1\.status: Input"):
            await client.list_jobs()
        with pytest.raises(
            ServerError, match=r"unexpected answer, answer: Input should be a valid"
        ):
            await client.list_jobs()


async def test_answer_without_data_is_a_server_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", GET_BATCH, lambda r: httpx.Response(200, json={"status": "success"}))
    async with make_client() as client:
        with pytest.raises(ServerError, match="no 'data'"):
            await client.get_batch(BATCH)


async def test_answer_that_does_not_fit_names_the_field(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    bad = {
        "id": BATCH,
        "open": False,
        "status": 7,
        "device_type": "X",
        "project_id": BATCH,
        "created_at": "2024-01-01",
        "updated_at": "2024-01-01",
    }
    cloud.on("GET", GET_BATCH, lambda r: httpx.Response(200, json=envelope(bad)))
    async with make_client() as client:
        with pytest.raises(ServerError, match=r"unexpected answer, status: Input should be"):
            await client.get_batch(BATCH)


def test_every_error_is_a_pasqal_error_and_an_exception() -> None:
    for kind in (
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        InvalidStateError,
        InvalidRequestError,
        RateLimitedError,
        ServerError,
    ):
        assert issubclass(kind, PasqalError) and issubclass(kind, Exception)
