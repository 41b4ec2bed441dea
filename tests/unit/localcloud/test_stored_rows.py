"""Reads that must answer whatever is in the database: rows saved by an older server (before
lone surrogates were refused) and batches with more jobs than SQLite has statement parameters.
The app runs in-process without its lifespan (no emulation pool needed)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pasqal_tui.localcloud.app import create_app
from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.lifecycle import NewBatch, NewJob, create_batch
from pasqal_tui.localcloud.security import new_token, token_digest
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.users import create_user

CORE = "/core-fast/api"
NOW = "2025-01-01T00:00:00.000000+00:00"


@pytest.fixture
def app_and_project(tmp_path: Path) -> Iterator[tuple[TestClient, Cloud, str]]:
    app = create_app(Settings(data_dir=tmp_path / "cloud"))
    cloud: Cloud = app.state.cloud
    project = create_user(cloud.store, "ann", "pw", "lab")
    user_id = str(cloud.store.user_by_name("ann")["id"])  # type: ignore[index]
    token = new_token()
    cloud.store.save_token(token_digest(token), user_id, time.time() + 600, time.time())
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    yield client, cloud, project
    cloud.store.close()


def _batch(cloud: Cloud, project: str, n_jobs: int, variables: dict[str, str] | None) -> str:
    user_id = str(cloud.store.user_by_name("ann")["id"])  # type: ignore[index]
    spec = NewBatch(project, user_id, "EMU_FREE", "MEDIUM", True, "{}")
    jobs = [NewJob(runs=1, variables=variables, sequence=None) for _ in range(n_jobs)]
    with cloud.store.transaction() as conn:
        return create_batch(conn, spec, jobs, lambda: str(uuid.uuid4()), NOW)


def test_rows_poisoned_by_an_older_server_still_read(
    app_and_project: tuple[TestClient, Cloud, str],
) -> None:
    client, cloud, project = app_and_project
    batch_id = _batch(cloud, project, 1, {"x": "\ud800"})
    with cloud.store.transaction() as conn:  # what the old server saved for tags ["\ud800"]
        conn.execute("UPDATE batches SET tags = ? WHERE id = ?", ('["\\ud800"]', batch_id))
    for url in (f"{CORE}/v1/batches", f"{CORE}/v2/jobs", f"{CORE}/v2/batches/{batch_id}"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
    assert client.get(f"{CORE}/v1/batches").json()["data"][0]["tags"] == ["\ud800"]


def test_canceling_more_jobs_than_sqlite_parameters(
    app_and_project: tuple[TestClient, Cloud, str],
) -> None:
    client, cloud, project = app_and_project
    with cloud.store.read() as conn:  # 32,766 in stock SQLite; this build may allow more
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 1000)
    batch_id = _batch(cloud, project, 1500, None)
    response = client.patch(f"{CORE}/v2/batches/{batch_id}/cancel/jobs")
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["data"]["jobs"]) == 1500
