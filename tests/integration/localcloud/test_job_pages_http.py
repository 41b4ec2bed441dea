"""Job pages over HTTP on a real server equal the plain query run on its database file: every
page of the demo's 5,000-job batch both ways, and the first, middle and last pages of every
filter, on it and on a batch that got jobs while open and then had jobs canceled."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from support.localcloud import api_client, data, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.localcloud.queries import JobFilters, job_where
from pasqal_tui.localcloud.schemas import job_out

CORE = "/core-fast/api"
LIMIT = 100
VARIABLES = {"omega": 1.0, "duration": 100}


@pytest.fixture(scope="module")
def api(local_cloud: LocalCloudProcess) -> Iterator[httpx.Client]:
    with api_client(local_cloud) as client:
        yield client


@pytest.fixture(scope="module")
def database(local_cloud: LocalCloudProcess) -> Iterator[sqlite3.Connection]:
    path = local_cloud.data_dir / "cloud.sqlite3"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def _project(api: httpx.Client) -> str:
    return str(data(api.get("/account/api/v1/projects"))[0]["id"])


@pytest.fixture(scope="module")
def settled_batch(api: httpx.Client) -> str:
    """Created open, given more jobs, some canceled, then canceled whole: it stops changing."""
    created = api.post(f"{CORE}/v1/batches", json={
        "project_id": _project(api), "sequence_builder": sequences.rabi_oscillation(2),
        "open": True, "device_type": "EMU_FREE", "webhook": None,
        "jobs": [{"runs": 1 + i % 5, "variables": VARIABLES} for i in range(230)],
    })  # fmt: skip
    batch_id = str(data(created)["id"])
    more = [{"runs": 9, "variables": VARIABLES} for _ in range(140)]
    data(api.post(f"{CORE}/v2/batches/{batch_id}/jobs", json=more))
    ids = [j["id"] for j in _all(api, {"batch_id": batch_id})]
    canceled = api.patch(f"{CORE}/v2/batches/{batch_id}/cancel/jobs", params={"id": ids[100:300:3]})
    data(canceled)
    data(api.patch(f"{CORE}/v2/batches/{batch_id}/cancel"))
    status = f"{CORE}/v1/batches/{batch_id}/status"
    wait_until(lambda: data(api.get(status))["jobs_count_per_status"]["RUNNING"] == 0)
    return batch_id


def _pagination_batch(api: httpx.Client) -> str:
    batches = data(api.get(f"{CORE}/v1/batches", params={"tag": "pagination"}))
    assert len(batches) == 1 and batches[0]["jobs_count"] == 5000
    return str(batches[0]["id"])


def _get(api: httpx.Client, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    response = api.get(f"{CORE}/v2/jobs", params={"limit": LIMIT, **params})
    body = response.json()
    assert response.status_code == 200, body
    pagination = body["pagination"]
    assert pagination["start"] == params.get("offset", 0)
    assert pagination["end"] == pagination["start"] + len(body["data"])
    return body["data"], int(pagination["total"])


def _all(api: httpx.Client, params: dict[str, Any]) -> list[dict[str, Any]]:
    jobs, total = _get(api, params)
    while len(jobs) < total:
        jobs += _get(api, {**params, "offset": len(jobs)})[0]
    return jobs


def _plain(
    conn: sqlite3.Connection, project: str, f: JobFilters, ascending: bool
) -> list[dict[str, Any]]:
    w = job_where([project], f)
    order = "ASC" if ascending else "DESC"
    rows = conn.execute(f"SELECT * FROM jobs WHERE {w.sql()} ORDER BY seq {order}", w.args)
    return [json.loads(json.dumps(job_out(r))) for r in rows]


def _cases(batch: str, other: str) -> list[tuple[dict[str, Any], JobFilters]]:
    day = "2025-05-31T00:00:00"
    return [
        ({"batch_id": batch}, JobFilters(batch_ids=[batch])),
        ({"batch_id": batch, "status": "DONE"}, JobFilters(batch_ids=[batch], statuses=["DONE"])),
        ({"batch_id": batch, "status": ["ERROR", "CANCELED"]},
         JobFilters(batch_ids=[batch], statuses=["ERROR", "CANCELED"])),
        ({"batch_id": [batch, other]}, JobFilters(batch_ids=[batch, other])),
        ({"batch_id": [batch, other], "status": ["CANCELED", "DONE"]},
         JobFilters(batch_ids=[batch, other], statuses=["CANCELED", "DONE"])),
        ({"batch_id": batch, "errors": "True"}, JobFilters(batch_ids=[batch], errors=True)),
        ({"batch_id": batch, "errors": "False"}, JobFilters(batch_ids=[batch], errors=False)),
        ({"batch_id": batch, "min_runs": 3, "max_runs": 60},
         JobFilters(batch_ids=[batch], min_runs=3, max_runs=60)),
        ({"batch_id": batch, "start_date": day},
         JobFilters(batch_ids=[batch], start_date=datetime.fromisoformat(day + "+00:00"))),
    ]  # fmt: skip


def test_every_page_of_the_big_batch_both_ways(
    api: httpx.Client, database: sqlite3.Connection
) -> None:
    batch = _pagination_batch(api)
    project = _project(api)
    for ascending in (True, False):
        params = {"batch_id": batch, "order_by": "creation_order",
                  "order_by_direction": "ASC" if ascending else "DESC"}  # fmt: skip
        expected = _plain(database, project, JobFilters(batch_ids=[batch]), ascending)
        assert len(expected) == 5000
        assert _all(api, params) == expected


def test_first_middle_and_last_pages_of_every_filter(
    api: httpx.Client, database: sqlite3.Connection, settled_batch: str
) -> None:
    big = _pagination_batch(api)
    project = _project(api)
    for batch, other in ((big, settled_batch), (settled_batch, big)):
        for params, f in _cases(batch, other):
            for ascending in (True, False):
                expected = _plain(database, project, f, ascending)
                total = len(expected)
                direction = {"order_by_direction": "ASC" if ascending else "DESC",
                             "order_by": "creation_order"}  # fmt: skip
                for offset in sorted({0, total // 2, max(0, total - LIMIT), max(0, total - 1)}):
                    jobs, got_total = _get(api, {**params, **direction, "offset": offset})
                    assert got_total == total, (params, ascending)
                    assert jobs == expected[offset : offset + LIMIT], (params, ascending, offset)
