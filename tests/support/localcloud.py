"""Talking to a real local cloud in tests: tokens, an authenticated httpx client, polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from pasqal_tui.localcloud.process import LocalCloudProcess

T = TypeVar("T")

# Fixed values so that demo data (ids, timestamps) is the same on every run and machine.
DEMO_SEED = 1234
DEMO_CLOCK_ORIGIN = "2025-06-01T12:00:00+00:00"


def get_token(
    cloud: LocalCloudProcess, username: str | None = None, password: str | None = None
) -> str:
    response = httpx.post(
        cloud.token_url,
        data={
            "grant_type": "password",
            "username": username or cloud.username,
            "password": password or cloud.password,
        },
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def api_client(cloud: LocalCloudProcess, token: str | None = None) -> httpx.Client:
    """An httpx client on the server's base URL, authenticated as the demo user by default."""
    bearer = token if token is not None else get_token(cloud)
    return httpx.Client(
        base_url=cloud.base_url, headers={"Authorization": f"Bearer {bearer}"}, timeout=30
    )


def data(response: httpx.Response) -> Any:
    """The envelope's `data`, after checking the call succeeded."""
    assert response.status_code < 400, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert body["status"] == "success", body
    return body["data"]


def wait_until(check: Callable[[], T | None], timeout: float = 60.0, every: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail with the last value on timeout."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout:g} s (last value: {last!r})")
