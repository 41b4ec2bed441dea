"""Helpers of the action tests: make batches on a real local cloud, read it back over HTTP.

Checks go through the API (raw httpx, not the app's client), so a test fails when the server
did not change, whatever the screen says.
"""

from __future__ import annotations

from typing import Any

import httpx
from support.localcloud import api_client, data

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.auth import PasswordAuth
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.payloads import CreateBatchRequest, EmuFreeConfig, JobInput

RABI_VARS = {"omega": 3.1, "duration": 500}


def rabi() -> str:
    from pasqal_tui.localcloud import sequences

    return sequences.rabi_oscillation(2)


async def make_batch(
    base_url: str,
    device: str,
    jobs: list[dict[str, Any]],
    *,
    open_: bool = False,
    tags: list[str] | None = None,
) -> str:
    """A batch of the rabi sequence, created through the real client as a script would."""
    env = environments.local(base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        batch = await client.create_batch(
            CreateBatchRequest(
                sequence_builder=rabi(),
                jobs=[JobInput(**j) for j in jobs],
                device_type=device,
                open=open_,
                tags=tags,
                configuration=EmuFreeConfig() if device == "EMU_FREE" else None,
            )
        )
        return batch.id


def api(cloud: Any) -> httpx.Client:
    return api_client(cloud)


def batch(cloud: Any, batch_id: str) -> dict[str, Any]:
    with api(cloud) as http:
        result: dict[str, Any] = data(http.get(f"/core-fast/api/v2/batches/{batch_id}"))
        return result


def jobs_of(cloud: Any, batch_id: str) -> list[dict[str, Any]]:
    with api(cloud) as http:
        body = http.get(
            "/core-fast/api/v2/jobs",
            params={
                "batch_id": batch_id,
                "limit": 100,
                "order_by": "creation_order",
                "order_by_direction": "ASC",
            },
        )
        result: list[dict[str, Any]] = data(body)
        return result


def batch_count(cloud: Any) -> int:
    with api(cloud) as http:
        response = http.get("/core-fast/api/v1/batches", params={"limit": 1})
        data(response)
        total: int = response.json()["pagination"]["total"]
        return total


def children_of(cloud: Any, parent_id: str) -> list[dict[str, Any]]:
    with api(cloud) as http:
        found: list[dict[str, Any]] = data(
            http.get("/core-fast/api/v1/batches", params={"limit": 100})
        )
    return [b for b in found if b.get("parent_id") == parent_id]
