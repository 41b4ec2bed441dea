"""Tokens: the form sent, caching until a minute before expiry, one re-auth on 401."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx
import pytest
from support.cloudfakes import (
    BASE,
    BATCH,
    ENV,
    GET_BATCH,
    OK,
    FakeCloud,
    MakeClient,
    batch_json,
    fail,
)

from pasqal_tui.cloud import (
    AuthenticationError,
    CreateBatchRequest,
    JobInput,
    NetworkError,
    PasqalClient,
    PasswordAuth,
    TokenAuth,
    custom,
)
from pasqal_tui.cloud.transport.auth import jwt_expiry


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def jwt(claims: dict[str, object]) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.signature"


async def test_password_realm_form_is_exactly_the_sdk_one(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", GET_BATCH, batch_json())
    async with make_client() as client:
        await client.get_batch(BATCH)
    token_request = cloud.requests[0]
    assert token_request.url == f"{BASE}/oauth/token"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert cloud.token_forms == [
        {
            "client_id": "pasqal-tui-local",
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "realm": "pcs-users",
            "audience": f"{BASE}/account/api/v1",
            "username": "ada@example.com",
            "password": "s3cret",
        }
    ]
    assert cloud.api_requests()[0].headers["authorization"] == "Bearer token-1"


async def test_keycloak_password_grant(cloud: FakeCloud, make_client: MakeClient) -> None:
    env = custom(
        core_url=f"{BASE}/core-fast",
        account_url=f"{BASE}/account",
        token_url=f"{BASE}/oauth/token",
        client_id="cloud-sdk",
        realm="pasqal-cloud",
        audience="https://apis.pasqal.cloud/account/api/v1",
        grant="password",
    )
    cloud.on("GET", GET_BATCH, batch_json())
    client = PasqalClient(env, PasswordAuth(env, "u", "p"), transport=httpx.MockTransport(cloud))
    async with client:
        await client.get_batch(BATCH)
    assert cloud.token_forms[0]["grant_type"] == "password"
    assert cloud.token_forms[0]["realm"] == "pasqal-cloud"


async def test_token_is_cached_until_a_minute_before_expiry(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    clock = Clock()
    cloud.on("GET", GET_BATCH, batch_json())
    auth = PasswordAuth(ENV, "u", "p", clock=clock)
    async with make_client(auth=auth) as client:
        await client.get_batch(BATCH)
        clock.now += 3539  # expires_in 3600: still more than 60 s left
        await client.get_batch(BATCH)
        assert cloud.tokens_issued == 1
        clock.now += 2
        await client.get_batch(BATCH)
    assert cloud.tokens_issued == 2
    assert [r.headers["authorization"] for r in cloud.api_requests()] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_jwt_exp_is_used_without_expires_in(cloud: FakeCloud) -> None:
    clock = Clock()
    token = jwt({"sub": "ada", "exp": clock.now + 600})
    assert jwt_expiry(token) == clock.now + 600
    calls = 0

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"access_token": token})

    auth = PasswordAuth(ENV, "u", "p", clock=clock)
    async with httpx.AsyncClient(transport=httpx.MockTransport(token_endpoint)) as http:
        assert await auth.token(http) == token
        clock.now += 539
        await auth.token(http)
        assert calls == 1
        clock.now += 2
        await auth.token(http)
    assert calls == 2


async def test_token_without_any_lifetime_is_fetched_every_time(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.token_lifetime = None  # opaque token, no expires_in: treat as already expired
    cloud.on("GET", GET_BATCH, batch_json())
    async with make_client() as client:
        await client.get_batch(BATCH)
        await client.get_batch(BATCH)
    assert cloud.tokens_issued == 2


async def test_concurrent_requests_share_one_token_fetch(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.token_delay = 0.02
    cloud.on("GET", GET_BATCH, batch_json())
    async with make_client() as client:
        await asyncio.gather(*(client.get_batch(BATCH) for _ in range(10)))
    assert cloud.tokens_issued == 1 and len(cloud.api_requests()) == 10


async def test_401_triggers_one_reauthentication_and_retry(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(401, "Token expired"), OK])
    async with make_client() as client:
        batch = await client.get_batch(BATCH)
    assert batch.id == BATCH and cloud.tokens_issued == 2
    assert [r.headers["authorization"] for r in cloud.api_requests()] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_second_401_is_an_authentication_error(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(401, "Invalid token audience")])
    async with make_client() as client:
        with pytest.raises(AuthenticationError, match="Invalid token audience"):
            await client.get_batch(BATCH)
    assert len(cloud.api_requests()) == 2 and cloud.tokens_issued == 2


async def test_static_token_is_not_refreshed_on_401(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.sequence("GET", GET_BATCH, [fail(401, "jwt expired"), OK])
    auth = TokenAuth("static-abc")
    async with make_client(auth=auth) as client:
        with pytest.raises(AuthenticationError, match="jwt expired"):
            await client.get_batch(BATCH)
    assert cloud.tokens_issued == 0
    assert cloud.api_requests()[0].headers["authorization"] == "Bearer static-abc"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error": "invalid_grant", "error_description": "Wrong email or password."},
            "Wrong email or password.",
        ),
        ({"error": "invalid_grant"}, "invalid_grant"),
    ],
)
async def test_refused_sign_in_carries_the_provider_message(
    body: dict[str, str], expected: str
) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(403, json=body))
    auth = PasswordAuth(ENV, "ada@example.com", "hunter2")
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(AuthenticationError) as info:
            await auth.token(http)
    message = str(info.value)
    assert expected in message and "ada@example.com" in message
    assert "hunter2" not in message and "hunter2" not in repr(auth)


async def test_unreachable_token_endpoint_is_a_network_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    auth = PasswordAuth(ENV, "u", "p")
    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
        with pytest.raises(NetworkError, match=r"cannot reach cloud\.test"):
            await auth.token(http)


def test_credentials_are_required() -> None:
    with pytest.raises(ValueError, match="password"):
        PasswordAuth(ENV, "u", "")
    with pytest.raises(ValueError, match="token"):
        TokenAuth("  ")
    assert "static" not in repr(TokenAuth("static"))


async def test_a_create_refused_with_401_is_resent_once_with_a_fresh_token(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    path = "/core-fast/api/v1/batches"
    cloud.sequence("POST", path, [fail(401, "jwt expired"), OK])
    request = CreateBatchRequest(sequence_builder="s", jobs=[JobInput(runs=1)])
    async with make_client() as client:
        batch = await client.create_batch(request)
    assert batch.id == BATCH
    assert [r.headers["authorization"] for r in cloud.api_requests()] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


def kept_auth(
    token: str, seconds_left: float
) -> tuple[PasswordAuth, Clock, list[tuple[str, float]]]:
    """Password auth holding a kept token (from the keyring) with ``seconds_left``, and the list
    of the tokens it hands over for keeping."""
    clock = Clock()
    kept: list[tuple[str, float]] = []
    auth = PasswordAuth(
        ENV, "ada@example.com", "s3cret", clock=clock,
        cached=(token, clock.now + seconds_left), on_token=lambda t, e: kept.append((t, e)),
    )  # fmt: skip
    return auth, clock, kept


async def test_a_kept_token_is_used_while_valid_with_no_sign_in(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    auth, _, kept = kept_auth("kept-token", 3600)
    cloud.on("GET", GET_BATCH, batch_json())
    async with make_client(auth=auth) as client:
        await client.get_batch(BATCH)
    assert cloud.tokens_issued == 0 and kept == []
    assert cloud.api_requests()[0].headers["authorization"] == "Bearer kept-token"


async def test_an_expired_kept_token_is_replaced_and_the_new_one_handed_over(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    auth, clock, kept = kept_auth("old-token", 30)  # inside the minute of margin: expired
    cloud.on("GET", GET_BATCH, batch_json())
    async with make_client(auth=auth) as client:
        await client.get_batch(BATCH)
    assert kept == [("token-1", clock.now + 3600)]
    assert cloud.api_requests()[0].headers["authorization"] == "Bearer token-1"


async def test_a_kept_token_refused_costs_one_sign_in_for_all_requests_in_flight(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    """The service revoked the kept token while eight requests are on their way: one fresh
    sign-in serves them all (never a storm of sign-ins)."""
    auth, _, kept = kept_auth("revoked", 3600)
    cloud.token_delay = 0.01  # the sign-in is on the wire while the other 401s arrive

    def batch(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer revoked":
            return fail(401, "jwt revoked")
        return httpx.Response(200, json={"data": batch_json()})

    cloud.on("GET", GET_BATCH, batch)
    async with make_client(auth=auth) as client:
        await asyncio.gather(*(client.get_batch(BATCH) for _ in range(8)))
    assert cloud.tokens_issued == 1 and [t for t, _ in kept] == ["token-1"]
    answered = [r for r in cloud.api_requests() if r.headers["authorization"] == "Bearer token-1"]
    assert len(answered) == 8  # every request answered once, with the one fresh token
