"""GET requests read through a pool of read-only connections: they never wait for the writer,
see only committed data, one snapshot per request; list routes read no `SELECT *`, no
sequence and no sequence builder."""

from __future__ import annotations

import re
import sqlite3
import threading
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
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.users import create_user

PROJECT = "11111111-1111-4111-8111-111111111111"
NOW = "2025-01-01T00:00:00.000000+00:00"
CORE = "/core-fast/api"


def _batch(store: Store, project: str = PROJECT, user: str = "u1", n: int = 3) -> str:
    spec = NewBatch(project, user, "EMU_FREE", "MEDIUM", False, '{"builder": 1}')
    jobs = [NewJob(runs=1, variables=None, sequence='{"seq": 1}') for _ in range(n)]
    with store.transaction() as conn:
        return create_batch(conn, spec, jobs, lambda: str(uuid.uuid4()), NOW)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def _count(store: Store) -> int:
    with store.reader() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0])


def test_a_reader_does_not_wait_for_the_writer_nor_see_its_work(store: Store) -> None:
    _batch(store)
    inside, release = threading.Event(), threading.Event()

    def write() -> None:
        with store.transaction() as conn:
            conn.execute("UPDATE batches SET tags = '[\"w\"]'")
            inside.set()
            assert release.wait(30)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert inside.wait(30)
        seen: list[str] = []

        def read() -> None:
            with store.reader() as conn:
                seen.append(str(conn.execute("SELECT tags FROM batches").fetchone()[0]))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(10)  # the writer still holds its lock and its transaction
        assert not reader.is_alive() and seen == ["[]"]
    finally:
        release.set()
        writer.join(30)
    with store.reader() as conn:
        assert conn.execute("SELECT tags FROM batches").fetchone()[0] == '["w"]'


def test_a_reader_keeps_one_snapshot_and_a_transaction_reads_its_own_writes(
    store: Store,
) -> None:
    _batch(store)
    with store.reader() as conn:
        assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1
        done = threading.Thread(target=_batch, args=(store,))
        done.start()
        done.join(30)
        assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1
        with store.reader() as nested:
            assert nested is conn
    assert _count(store) == 2
    with store.transaction() as conn:
        conn.execute("UPDATE batches SET tags = '[\"t\"]'")
        with store.reader() as inner:  # inside the transaction: what it wrote
            assert inner is conn
            assert (
                inner.execute("SELECT COUNT(*) FROM batches WHERE tags = '[\"t\"]'").fetchone()[0]
                == 2
            )


def test_readers_refuse_writes(store: Store) -> None:
    with store.reader() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM batches")


@pytest.fixture
def traced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, Cloud, list[str]]]:
    statements: list[str] = []
    connect = Store._connect

    def traced_connect(self: Store) -> sqlite3.Connection:
        conn = connect(self)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(Store, "_connect", traced_connect)
    app = create_app(Settings(data_dir=tmp_path / "cloud"))
    cloud: Cloud = app.state.cloud
    create_user(cloud.store, "ann", "pw", "lab")
    user = cloud.store.user_by_name("ann")
    assert user is not None
    token = new_token()
    cloud.store.save_token(token_digest(token), str(user["id"]), time.time() + 600, time.time())
    yield TestClient(app, headers={"Authorization": f"Bearer {token}"}), cloud, statements
    cloud.store.close()


def test_list_routes_read_neither_sequences_nor_whole_rows(
    traced: tuple[TestClient, Cloud, list[str]],
) -> None:
    client, cloud, statements = traced
    user = cloud.store.user_by_name("ann")
    assert user is not None
    project = str(cloud.store.user_projects(str(user["id"]))[0]["id"])
    batch_id = _batch(cloud.store, project, str(user["id"]), n=250)
    for params in ({"batch_id": batch_id}, {"batch_id": batch_id, "offset": 200},
                   {"batch_id": batch_id, "status": "PENDING"}, {"status": "DONE"},
                   {"batch_id": batch_id, "min_runs": 1, "offset": 150}):  # fmt: skip
        statements.clear()
        response = client.get(f"{CORE}/v2/jobs", params=params)
        assert response.status_code == 200, response.text
        assert not [s for s in statements if "SELECT *" in s or re.search(r"\bsequence", s)]
    statements.clear()
    assert client.get(f"{CORE}/v1/batches").status_code == 200
    assert not [s for s in statements if "SELECT *" in s or re.search(r"\bsequence", s)]
