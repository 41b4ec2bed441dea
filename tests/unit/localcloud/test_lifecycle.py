"""Batch and job state changes on a real SQLite store: counters stay true after every step."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.job_pages import list_jobs
from pasqal_tui.localcloud.lifecycle import (
    NewBatch,
    NewJob,
    add_jobs,
    cancel_job,
    cancel_jobs,
    close_batch,
    create_batch,
    end_batch,
    finish_job,
    rebatch,
    requeue_running,
    start_job,
)
from pasqal_tui.localcloud.queries import BatchFilters, JobFilters, list_batches
from pasqal_tui.localcloud.store import Store

PROJECT = "11111111-1111-4111-8111-111111111111"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def _ids() -> Iterator[str]:
    counter = itertools.count(1)
    while True:
        yield f"00000000-0000-4000-8000-{next(counter):012d}"


IDS = _ids()


def new_id() -> str:
    return next(IDS)


def _batch(store: Store, n_jobs: int, *, open_: bool = False, device: str = "EMU_FREE") -> str:
    spec = NewBatch(PROJECT, "u1", device, "MEDIUM", open_, "{}", tags=("t",))
    jobs = [NewJob(runs=10 * (i + 1), variables={"i": i}, sequence=None) for i in range(n_jobs)]
    with store.transaction() as conn:
        return create_batch(conn, spec, jobs, new_id, "2025-01-01T00:00:00.000000+00:00")


def _row(store: Store, batch_id: str) -> dict[str, object]:
    with store.read() as conn:
        return dict(conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone())


def _job_ids(store: Store, batch_id: str) -> list[str]:
    with store.read() as conn:
        rows = conn.execute("SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq", (batch_id,))
        return [r[0] for r in rows]


def test_jobs_run_and_the_batch_finishes(store: Store) -> None:
    bid = _batch(store, 2)
    first, second = _job_ids(store, bid)
    with store.transaction() as conn:
        assert start_job(conn, first, "t1")
        assert not start_job(conn, first, "t1")  # already running
    row = _row(store, bid)
    assert (row["status"], row["n_running"], row["n_pending"], row["start_datetime"]) == (
        "RUNNING", 1, 1, "t1",
    )  # fmt: skip
    with store.transaction() as conn:
        finish_job(conn, first, "DONE", [], {"counter": {"1": 10}}, "t2")
        start_job(conn, second, "t3")
        finish_job(conn, second, "ERROR", ["bad variable"], None, "t4")
    row = _row(store, bid)
    assert (row["status"], row["n_done"], row["n_error"], row["end_datetime"]) == (
        "DONE", 1, 1, "t4",
    )  # fmt: skip


def test_open_batch_waits_for_close_and_refuses_jobs_after(store: Store) -> None:
    bid = _batch(store, 1, open_=True)
    (job,) = _job_ids(store, bid)
    with store.transaction() as conn:
        start_job(conn, job, "t1")
        finish_job(conn, job, "DONE", [], None, "t2")
    assert _row(store, bid)["status"] == "RUNNING"
    with store.transaction() as conn:
        add_jobs(conn, bid, [NewJob(5, None, "{}")], new_id, "t3")
    assert _row(store, bid)["jobs_count"] == 2
    with store.transaction() as conn:
        close_batch(conn, bid, "t4")
    assert _row(store, bid)["status"] == "RUNNING"  # one job still pending
    with pytest.raises(ApiError) as info, store.transaction() as conn:
        add_jobs(conn, bid, [NewJob(5, None, "{}")], new_id, "t5")
    assert info.value.status_code == 409
    assert _row(store, bid)["jobs_count"] == 2  # the failed transaction left nothing behind


def test_cancel_paths_and_their_refusals(store: Store) -> None:
    bid = _batch(store, 3)
    a, b, c = _job_ids(store, bid)
    with store.transaction() as conn:
        start_job(conn, a, "t1")
        finish_job(conn, a, "DONE", [], None, "t2")
        ok, errors = cancel_jobs(conn, bid, JobFilters(ids=[a, b]), "t3")
    assert ok == [b] and set(errors) == {a}
    with store.transaction() as conn:
        job_c = conn.execute("SELECT * FROM jobs WHERE id = ?", (c,)).fetchone()
        cancel_job(conn, job_c, "t4")
    assert _row(store, bid)["status"] == "DONE"  # closed and nothing left to run
    with pytest.raises(ApiError) as info, store.transaction() as conn:
        end_batch(conn, bid, "CANCELED", "t5")
    assert info.value.status_code == 409


def test_rebatch_copies_matching_jobs_with_parents(store: Store) -> None:
    bid = _batch(store, 3)
    jobs = _job_ids(store, bid)
    with store.transaction() as conn:
        child = rebatch(conn, bid, JobFilters(min_runs=20), new_id, "t1")
    row = _row(store, child)
    assert row["parent_id"] == bid and row["jobs_count"] == 2 and row["open"] == 0
    with store.read() as conn:
        parents = [
            r[0] for r in conn.execute("SELECT parent_id FROM jobs WHERE batch_id = ?", (child,))
        ]
    assert parents == jobs[1:]
    with pytest.raises(ApiError), store.transaction() as conn:
        rebatch(conn, bid, JobFilters(min_runs=1000), new_id, "t2")


def test_requeue_after_crash_puts_running_jobs_back(store: Store) -> None:
    bid = _batch(store, 2)
    first, _ = _job_ids(store, bid)
    with store.transaction() as conn:
        start_job(conn, first, "t1")
        assert requeue_running(conn, "t2") == 1
    row = _row(store, bid)
    assert (row["n_pending"], row["n_running"]) == (2, 0)


def test_list_queries_filter_page_and_scope_to_projects(store: Store) -> None:
    first = _batch(store, 5)
    _batch(store, 1, device="EMU_TN")
    with store.read() as conn:
        rows, total = list_batches(conn, [PROJECT], BatchFilters(device_types=["EMU_TN"]), 0, 10)
        assert total == 1 and rows[0]["device_type"] == "EMU_TN"
        _, none = list_batches(conn, ["other-project"], BatchFilters(), 0, 10)
        assert none == 0
        page, total = list_jobs(conn, [PROJECT], JobFilters(batch_ids=[first]), 1, 2, True)
        assert total == 5 and [r["runs"] for r in page] == [20, 30]
        newest, _ = list_jobs(conn, [PROJECT], JobFilters(batch_ids=[first]), 0, 1)
        assert newest[0]["runs"] == 50
        ranged, total = list_jobs(conn, [PROJECT], JobFilters(min_runs=20, max_runs=30), 0, 10)
        assert total == 2 and sorted(r["runs"] for r in ranged) == [20, 30]


def test_counters_moved_one_job_at_a_time_equal_a_recount(store: Store) -> None:
    """Starting, ending and canceling a job move the stored counters by one (no recount of
    the batch); after a long mixed run they still equal a count of the jobs."""
    bid = _batch(store, 30)
    ids = _job_ids(store, bid)
    with store.transaction() as conn:
        for i, job_id in enumerate(ids[:24]):
            assert start_job(conn, job_id, "t1")
            if i % 4 == 0:
                finish_job(conn, job_id, "ERROR", ["boom"], None, "t2")
            elif i % 4 == 1:
                finish_job(conn, job_id, "DONE", [], None, "t2")
            elif i % 4 == 2:
                cancel_job(conn, conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,))
                           .fetchone(), "t3")  # fmt: skip
        cancel_job(conn, conn.execute("SELECT * FROM jobs WHERE id = ?", (ids[-1],)).fetchone(),
                   "t3")  # fmt: skip
        counted = dict.fromkeys(("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED"), 0)
        for status, n in conn.execute(
            "SELECT status, COUNT(*) FROM jobs WHERE batch_id = ? GROUP BY status", (bid,)
        ):
            counted[status] = n
        with_errors = conn.execute(
            "SELECT COUNT(*) FROM jobs WHERE batch_id = ? AND errors IS NOT NULL "
            "AND errors != '[]'",
            (bid,),
        ).fetchone()[0]
    row = _row(store, bid)
    assert row["n_with_errors"] == with_errors == 6
    stored = {s: row[f"n_{s.lower()}"] for s in counted}
    assert stored == counted == {"PENDING": 5, "RUNNING": 6, "DONE": 6, "ERROR": 6,
                                 "CANCELED": 7}  # fmt: skip
    assert row["jobs_count"] == 30 and row["status"] == "RUNNING"
