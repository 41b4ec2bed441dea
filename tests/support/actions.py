"""Helpers of the action tests: make batches on a real local cloud, read it back over HTTP.

Checks go through the API (raw httpx, not the app's client), so a test fails when the server
did not change, whatever the screen says.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.payloads import CreateBatchRequest, EmuFreeConfig, JobInput
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from support.app import batch_list, loaded_rows, on_screen, wait_for
from support.localcloud import api_client, data

RABI_VARS = {"omega": 3.1, "duration": 500}
JOB = {"runs": 50, "variables": RABI_VARS}


@pytest.fixture(scope="module", name="cloud")
def cloud_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local cloud of the module's own, without demo data. An open FRESNEL batch holds the
    QPU, so the FRESNEL batches a test makes keep their jobs PENDING until it acts on them."""
    from support.app import start_cloud

    process = start_cloud(
        tmp_path_factory.mktemp("actions-cloud"),
        ["--seed", "5", "--time-scale", "0.02", "--workers", "1"],
    )
    asyncio.run(make_batch(process.base_url, "FRESNEL", [JOB], open_=True))
    yield process
    process.stop()


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


def audit_lines(state_home: Path) -> list[dict[str, Any]]:
    """The app's audit log under the test's own XDG_STATE_HOME."""
    path = state_home / "pasqal-tui" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def open_browser(pilot: Any, batch_id: str) -> BatchesScreen:
    """Wait for the batch list, then put the cursor on ``batch_id``."""
    screen = await batch_list(pilot)
    await wait_for(pilot, lambda: screen.table.move_to_id(batch_id), what="the new batch")
    return screen


async def open_jobs(pilot: Any, batch_id: str) -> JobsScreen:
    """From the batch list to the job table of ``batch_id``, once it shows rows."""
    app = pilot.app
    await open_browser(pilot, batch_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
    jobs = app.screen
    assert isinstance(jobs, JobsScreen)
    return jobs


def planning(app: Any) -> list[Any]:
    """Plan requests (the GETs that count before a confirmation) started and not finished."""
    return [w for w in app.workers if w.group == "plan"]


def settled(cloud: Any, batch_id: str) -> bool:
    """Whether every job of the batch has finished (polled through the API)."""
    return all(j["status"] in ("DONE", "ERROR", "CANCELED") for j in jobs_of(cloud, batch_id))
