"""Sign-in throttling on the local cloud's token endpoint: failures only, per user name and
per client address, 429 with Retry-After; other users keep signing in at full speed.

Each test talks from its own loopback source address (127.0.0.x) and with fresh user names,
so the shared server's other users (and 127.0.0.1) are never throttled by these tests."""

from __future__ import annotations

import itertools
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pasqal_tui.localcloud.process import LocalCloudProcess

PER_USER = 5  # the defaults: 5 failures per name, 4 x 5 per address, in 60 s
PER_ADDRESS = 20
_addresses = itertools.count(2)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """A client whose connections come from an address no other test uses."""
    address = f"127.0.0.{next(_addresses) + 100}"
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=30) as http:
        yield http


def _add_user(cloud: LocalCloudProcess, name: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "local-cloud", "add-user", name,
         "--project", f"{name}'s lab", "--password-stdin", "--data-dir", str(cloud.data_dir)],
        input=password + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip


def _sign_in(http: httpx.Client, cloud: LocalCloudProcess, name: str, password: str) -> int:
    form = {"grant_type": "password", "username": name, "password": password}
    return http.post(cloud.token_url, data=form).status_code


def _assert_429(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == 429 and body["error"] == "too_many_attempts"
    assert body["error_description"] and body["data"]["description"]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    return retry_after


def test_a_guessed_account_is_throttled_and_others_are_not(
    local_cloud: LocalCloudProcess, client: httpx.Client
) -> None:
    victim, other = f"victim-{uuid.uuid4().hex[:6]}", f"other-{uuid.uuid4().hex[:6]}"
    _add_user(local_cloud, victim, "right-one")
    _add_user(local_cloud, other, "other-pw")
    for _ in range(PER_USER):
        assert _sign_in(client, local_cloud, victim, "guess") == 403
    form = {"grant_type": "password", "username": victim, "password": "right-one"}
    _assert_429(client.post(local_cloud.token_url, data=form))  # even the right password
    # Another user on the same address, and the victim's name from elsewhere, are unaffected
    # by the address budget; the victim's name is throttled wherever it comes from.
    assert _sign_in(client, local_cloud, other, "other-pw") == 200
    assert _sign_in(client, local_cloud, other, "other-pw") == 200
    _assert_429(httpx.post(local_cloud.token_url, data=form))


def test_a_spray_over_many_names_throttles_the_address(
    local_cloud: LocalCloudProcess, client: httpx.Client
) -> None:
    prefix = uuid.uuid4().hex[:6]
    for i in range(PER_ADDRESS):
        assert _sign_in(client, local_cloud, f"spray-{prefix}-{i}", "x") == 403
    form = {"grant_type": "password", "username": f"spray-{prefix}-new", "password": "x"}
    _assert_429(client.post(local_cloud.token_url, data=form))
    # The demo user from the usual address signs in as ever.
    ok = httpx.post(
        local_cloud.token_url,
        data={"grant_type": "password", "username": "demo", "password": "demo"},
    )
    assert ok.status_code == 200


def test_successful_sign_ins_are_never_counted(
    local_cloud: LocalCloudProcess, client: httpx.Client
) -> None:
    name = f"busy-{uuid.uuid4().hex[:6]}"
    _add_user(local_cloud, name, "pw")
    codes = [_sign_in(client, local_cloud, name, "pw") for _ in range(PER_ADDRESS + 5)]
    assert codes == [200] * (PER_ADDRESS + 5)


def test_malformed_requests_are_not_failures(
    local_cloud: LocalCloudProcess, client: httpx.Client
) -> None:
    """Only a wrong password counts: a missing field or grant is the client's bug, not a guess."""
    name = f"typo-{uuid.uuid4().hex[:6]}"
    _add_user(local_cloud, name, "pw")
    for _ in range(PER_USER + 1):
        missing = client.post(
            local_cloud.token_url, data={"grant_type": "password", "username": name}
        )
        assert missing.status_code == 400
    assert _sign_in(client, local_cloud, name, "pw") == 200


def test_a_forged_forwarded_for_header_is_not_an_address(tmp_path: Path) -> None:
    """The server is nobody's reverse proxy: X-Forwarded-For from loopback is a claim, not the
    client's address (uvicorn trusts it from 127.0.0.1 by default)."""
    with LocalCloudProcess(tmp_path) as cloud, httpx.Client(timeout=30) as http:
        for i in range(PER_ADDRESS):
            forged = {"X-Forwarded-For": f"10.9.{i}.1"}
            form = {"grant_type": "password", "username": f"spray-{i}", "password": "x"}
            assert http.post(cloud.token_url, data=form, headers=forged).status_code == 403
        form = {"grant_type": "password", "username": "spray-new", "password": "x"}
        _assert_429(http.post(cloud.token_url, data=form, headers={"X-Forwarded-For": "10.9.99.1"}))
