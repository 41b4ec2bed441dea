"""Job lists answered from counters, ordinals and merged index runs give exactly what the plain
query gives (`job_where`, COUNT(*), ORDER BY seq, LIMIT/OFFSET): totals, order both ways, every
filter, every page of a batch spanning many pages, after jobs are added to an open batch, run,
errored and canceled."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from pasqal_tui.localcloud.job_pages import JOB_JSON, JOB_LIST_COLUMNS, list_jobs
from pasqal_tui.localcloud.lifecycle import (
    NewBatch,
    NewJob,
    add_jobs,
    cancel_job,
    cancel_jobs,
    create_batch,
    end_batch,
    finish_job,
    rebatch,
    start_job,
)
from pasqal_tui.localcloud.queries import JobFilters, get_job, job_where
from pasqal_tui.localcloud.schemas import job_out
from pasqal_tui.localcloud.store import Store

PROJECT = "11111111-1111-4111-8111-111111111111"
OTHER_PROJECT = "22222222-2222-4222-8222-222222222222"
ALLOWED = [PROJECT]
T = [f"2025-01-0{d}T00:00:00.000000+00:00" for d in range(1, 9)]
BIG = 1200  # jobs created with the big batch; 3 x 150 more are added while it is open


def _ids() -> Iterator[str]:
    counter = itertools.count(1)
    while True:
        yield f"00000000-0000-4000-8000-{next(counter):012d}"


IDS = _ids()


def new_id() -> str:
    return next(IDS)


def _jobs(n: int, start: int = 0) -> list[NewJob]:
    return [NewJob(runs=1 + (start + i) % 7, variables={"i": start + i}, sequence=None)
            for i in range(n)]  # fmt: skip


def _batch_ids(conn: sqlite3.Connection, batch_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq",
                                       (batch_id,))]  # fmt: skip


def _run(conn: sqlite3.Connection, job_id: str, status: str, now: str) -> None:
    assert start_job(conn, job_id, now)
    if status != "RUNNING":
        assert finish_job(conn, job_id, status, ["boom"] if status == "ERROR" else [], None, now)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, str]]]:
    """A big open batch (jobs added three times, run, errored, canceled), a second user's
    batch, a rebatch, another project's batch, and jobs with every status."""
    store = Store(tmp_path_factory.mktemp("pages") / "db.sqlite3")
    b: dict[str, str] = {}
    with store.transaction() as conn:
        b["big"] = create_batch(conn, NewBatch(PROJECT, "u1", "EMU_FREE", "MEDIUM", True, "{}"),
                                _jobs(BIG), new_id, T[0])  # fmt: skip
        for k in range(3):
            add_jobs(conn, b["big"], _jobs(150, BIG + 150 * k), new_id, T[1 + k])
        b["second"] = create_batch(conn, NewBatch(PROJECT, "u2", "EMU_TN", "MEDIUM", False, "{}"),
                                   _jobs(300), new_id, T[2])  # fmt: skip
        b["other"] = create_batch(conn, NewBatch(OTHER_PROJECT, "u3", "EMU_FREE", "LOW", False,
                                  "{}"), _jobs(200), new_id, T[0])  # fmt: skip
        big = _batch_ids(conn, b["big"])
        for i, job_id in enumerate(big[:900]):
            if i % 7 == 0:
                _run(conn, job_id, "ERROR", T[4])
            elif i % 3 == 0:
                _run(conn, job_id, "DONE", T[4])
            elif i % 11 == 0:
                _run(conn, job_id, "RUNNING", T[4])
        cancel_jobs(conn, b["big"], JobFilters(ids=big[1000:1100:2]), T[5])
        cancel_job(conn, get_job(conn, big[1400], ALLOWED), T[5])  # type: ignore[arg-type]
        # An older server stored an empty error list on a few finished jobs.
        conn.execute("UPDATE jobs SET errors = '[]' WHERE id IN (?, ?)", (big[3], big[6]))
        second = _batch_ids(conn, b["second"])
        for job_id in second[:40]:
            _run(conn, job_id, "DONE", T[3])
        end_batch(conn, b["second"], "CANCELED", T[5])
        b["child"] = rebatch(conn, b["big"], JobFilters(statuses=["ERROR"]), new_id, T[6])
    yield store, b
    store.close()


def plain(
    conn: sqlite3.Connection, f: JobFilters, offset: int, limit: int, ascending: bool
) -> tuple[list[tuple[object, ...]], int]:
    """The reference: what the list answered before it was optimised."""
    w = job_where(ALLOWED, f)
    total = conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {w.sql()}", w.args).fetchone()[0]
    order = "ASC" if ascending else "DESC"
    rows = conn.execute(
        f"SELECT {JOB_LIST_COLUMNS} FROM jobs WHERE {w.sql()} ORDER BY seq {order} "
        "LIMIT ? OFFSET ?",
        [*w.args, limit, offset],
    ).fetchall()
    return [tuple(r) for r in rows], int(total)


def optimised(
    conn: sqlite3.Connection, f: JobFilters, offset: int, limit: int, ascending: bool
) -> tuple[list[tuple[object, ...]], int]:
    rows, total = list_jobs(conn, ALLOWED, f, offset, limit, ascending)
    return [tuple(r) for r in rows], total


def _filters(b: dict[str, str], big: list[str], other: list[str]) -> list[JobFilters]:
    day = lambda i: datetime.fromisoformat(T[i])  # noqa: E731
    return [
        JobFilters(batch_ids=[b["big"]]),
        JobFilters(batch_ids=[b["big"]], statuses=["ERROR"]),
        JobFilters(batch_ids=[b["big"]], statuses=["PENDING"]),
        JobFilters(batch_ids=[b["big"]], statuses=["RUNNING", "CANCELED"]),
        JobFilters(batch_ids=[b["big"]], statuses=["DONE", "ERROR", "PENDING", "DONE"]),
        JobFilters(batch_ids=[b["big"]], statuses=["PAUSED"]),
        JobFilters(batch_ids=[b["big"]], statuses=["TIMED_OUT", "ERROR"]),
        JobFilters(batch_ids=[b["big"], b["second"]]),
        JobFilters(batch_ids=[b["big"], b["second"], b["child"]], statuses=["DONE", "ERROR"]),
        JobFilters(batch_ids=[b["big"], b["other"]]),
        JobFilters(batch_ids=[b["other"]]),
        JobFilters(batch_ids=[b["big"]], project_ids=[PROJECT]),
        JobFilters(batch_ids=[b["big"]], project_ids=[OTHER_PROJECT]),
        JobFilters(batch_ids=[b["big"], b["second"]], user_ids=["u2"]),
        JobFilters(batch_ids=[b["big"]], user_ids=["u2"]),
        JobFilters(),
        JobFilters(statuses=["ERROR", "CANCELED"]),
        JobFilters(user_ids=["u1"], statuses=["PENDING"]),
        JobFilters(project_ids=[OTHER_PROJECT]),
        JobFilters(batch_ids=[b["big"]], ids=[*big[5:400:9], other[0], new_id()]),
        JobFilters(ids=[*big[::50], other[1]]),
        JobFilters(batch_ids=[b["big"]], min_runs=3),
        JobFilters(batch_ids=[b["big"]], max_runs=2),
        JobFilters(batch_ids=[b["big"]], min_runs=2, max_runs=5, statuses=["PENDING", "DONE"]),
        JobFilters(batch_ids=[b["big"]], start_date=day(2)),
        JobFilters(batch_ids=[b["big"]], end_date=day(2)),
        JobFilters(batch_ids=[b["big"]], start_date=day(1), end_date=day(2)),
        JobFilters(batch_ids=[b["big"]], errors=True),
        JobFilters(batch_ids=[b["big"]], errors=False),
        JobFilters(batch_ids=[b["big"]], errors=False, statuses=["DONE"]),
        JobFilters(batch_ids=[b["big"], b["child"]], errors=True, min_runs=4),
        JobFilters(errors=True),
        JobFilters(min_runs=6, start_date=day(0)),
        # Bounds every job of the batch meets, or none does (job_bounds: no count).
        JobFilters(batch_ids=[b["big"]], min_runs=1, max_runs=7),
        JobFilters(batch_ids=[b["big"]], min_runs=8),
        JobFilters(batch_ids=[b["big"]], max_runs=0, statuses=["DONE"]),
        JobFilters(batch_ids=[b["big"]], start_date=day(0), end_date=day(7)),
        JobFilters(batch_ids=[b["big"]], start_date=day(7)),
        JobFilters(batch_ids=[b["big"]], errors=True, min_runs=1, start_date=day(0)),
        JobFilters(batch_ids=[b["big"]], errors=False, max_runs=7),
        JobFilters(batch_ids=[b["big"]], errors=True, min_runs=1, statuses=["ERROR"]),
        JobFilters(batch_ids=[b["second"]], errors=False, end_date=day(7)),
    ]


def _offsets(total: int) -> set[int]:
    near = {0, 1, 99, 100, 101, total // 2, total - 101, total - 100, total - 1, total, total + 3}
    return {o for o in near if o >= 0}


def _assert_same(store: Store, filters: list[JobFilters]) -> None:
    with store.reader() as conn:
        for f in filters:
            for ascending in (False, True):
                # The plain query's every row once; LIMIT/OFFSET of it is a slice.
                everything, total = plain(conn, f, 0, 10**9, ascending)
                assert len(everything) == total
                for offset in sorted(_offsets(total)):
                    for limit in (1, 7, 100):
                        expected = everything[offset : offset + limit], total
                        got = optimised(conn, f, offset, limit, ascending)
                        assert got == expected, (f, ascending, offset, limit)


def test_every_filter_and_page_matches_the_plain_query(
    world: tuple[Store, dict[str, str]],
) -> None:
    store, b = world
    with store.reader() as conn:
        big, other = _batch_ids(conn, b["big"]), _batch_ids(conn, b["other"])
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM jobs")}
    assert len(big) == BIG + 450 and statuses == {"PENDING", "RUNNING", "DONE", "ERROR",
                                                  "CANCELED"}  # fmt: skip
    _assert_same(store, _filters(b, big, other))


def test_fetching_every_page_gives_every_job_once_in_order(
    world: tuple[Store, dict[str, str]],
) -> None:
    store, b = world
    with store.reader() as conn:
        for f in (JobFilters(batch_ids=[b["big"]]),
                  JobFilters(batch_ids=[b["big"]], statuses=["PENDING", "ERROR"]),
                  JobFilters(batch_ids=[b["big"]], min_runs=3)):  # fmt: skip
            for ascending in (True, False):
                everything, total = plain(conn, f, 0, 10**6, ascending)
                pages = [optimised(conn, f, o, 100, ascending) for o in range(0, total, 100)]
                assert [row for rows, _ in pages for row in rows] == everything
                assert {t for _, t in pages} == {total}


def test_totals_come_from_the_counters_and_pages_from_a_seek(
    world: tuple[Store, dict[str, str]],
) -> None:
    """No COUNT(*) and no OFFSET scan for a batch's jobs, with or without a status filter."""
    store, b = world
    statements: list[str] = []
    with store.reader() as conn:
        conn.set_trace_callback(statements.append)
        try:
            _, total = list_jobs(conn, ALLOWED, JobFilters(batch_ids=[b["big"]]), 700, 100, True)
            by_status = JobFilters(batch_ids=[b["big"]], statuses=["PENDING", "DONE"])
            list_jobs(conn, ALLOWED, by_status, 0, 100)
        finally:
            conn.set_trace_callback(None)
    assert total == BIG + 450
    assert not [s for s in statements if "COUNT(" in s or "SELECT *" in s]
    assert [s for s in statements if "ordinal >= 700" in s]
    assert not [s for s in statements if "OFFSET 700" in s]


def test_added_and_canceled_jobs_keep_pages_exact(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        bid = create_batch(conn, NewBatch(PROJECT, "u1", "EMU_FREE", "MEDIUM", True, "{}"),
                           _jobs(250), new_id, T[0])  # fmt: skip
    filters = [JobFilters(batch_ids=[bid]), JobFilters(batch_ids=[bid], statuses=["CANCELED"]),
               JobFilters(batch_ids=[bid], statuses=["PENDING"])]  # fmt: skip
    _assert_same(store, filters)
    with store.transaction() as conn:
        add_jobs(conn, bid, _jobs(130, 250), new_id, T[1])
        ids = _batch_ids(conn, bid)
        cancel_jobs(conn, bid, JobFilters(ids=ids[::4]), T[2])
        _run(conn, ids[1], "ERROR", T[2])
    _assert_same(store, filters)
    with store.reader() as conn:
        assert optimised(conn, filters[1], 0, 100, True)[1] == len(ids[::4])
    with store.transaction() as conn:
        end_batch(conn, bid, "CANCELED", T[3])
    _assert_same(store, filters)
    store.close()


def test_jobs_carry_their_batch_project_and_user(world: tuple[Store, dict[str, str]]) -> None:
    """What lets job lists check projects and users on the batch rather than on every job."""
    store, _ = world
    with store.reader() as conn:
        strays = conn.execute(
            "SELECT COUNT(*) FROM jobs j JOIN batches b ON b.id = j.batch_id "
            "WHERE j.project_id != b.project_id OR j.user_id != b.user_id"
        ).fetchone()[0]
    assert strays == 0


def _ordinals(conn: sqlite3.Connection, batch_id: str) -> list[int | None]:
    return [r[0] for r in conn.execute("SELECT ordinal FROM jobs WHERE batch_id = ? ORDER BY seq",
                                       (batch_id,))]  # fmt: skip


def _insert_unnumbered(conn: sqlite3.Connection, batch_id: str, n: int) -> None:
    """Jobs as a server without ordinals inserts them, counters kept as it kept them."""
    conn.executemany(
        "INSERT INTO jobs (id, batch_id, project_id, user_id, status, runs, created_at, "
        "updated_at) VALUES (?, ?, ?, 'u1', 'PENDING', 3, ?, ?)",
        [(new_id(), batch_id, PROJECT, T[7], T[7]) for _ in range(n)],
    )
    conn.execute(
        "UPDATE batches SET jobs_count = jobs_count + ?, n_pending = n_pending + ? WHERE id = ?",
        (n, n, batch_id),
    )


def test_an_older_database_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    with store.transaction() as conn:
        open_ = create_batch(conn, NewBatch(PROJECT, "u1", "EMU_FREE", "MEDIUM", True, "{}"),
                             _jobs(120), new_id, T[0])  # fmt: skip
        closed = create_batch(conn, NewBatch(PROJECT, "u1", "EMU_FREE", "MEDIUM", False, "{}"),
                              _jobs(80), new_id, T[1])  # fmt: skip
        add_jobs(conn, open_, _jobs(60), new_id, T[2])
        cancel_jobs(conn, open_, JobFilters(ids=_batch_ids(conn, open_)[::5]), T[3])
    store.close()
    raw = sqlite3.connect(path, isolation_level=None)  # back to the schema before ordinals
    raw.execute("DROP INDEX jobs_batch_order")
    raw.execute("DROP INDEX jobs_unnumbered")
    raw.execute("ALTER TABLE jobs DROP COLUMN ordinal")
    raw.execute("UPDATE batches SET jobs_count = 0, n_pending = 7 WHERE id = ?", (closed,))
    raw.close()

    store = Store(path)
    with store.reader() as conn:
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(jobs)")}
        assert {"jobs_batch", "jobs_batch_order", "jobs_unnumbered"} <= indexes
        assert _ordinals(conn, open_) == list(range(180))
        assert _ordinals(conn, closed) == list(range(80))
        row = conn.execute("SELECT jobs_count, n_pending FROM batches WHERE id = ?", (closed,))
        assert tuple(row.fetchone()) == (80, 80)  # counters recounted
    _assert_same(store, [JobFilters(batch_ids=[open_]), JobFilters(batch_ids=[closed]),
                         JobFilters(batch_ids=[open_], statuses=["CANCELED"])])  # fmt: skip

    # An older server writes to the upgraded database: its jobs have no ordinal yet.
    with store.transaction() as conn:
        _insert_unnumbered(conn, open_, 30)
    _assert_same(store, [JobFilters(batch_ids=[open_])])  # served without ordinals
    with store.transaction() as conn:
        add_jobs(conn, open_, _jobs(5), new_id, T[7])  # numbers the strays first
        assert _ordinals(conn, open_) == list(range(215))
        _insert_unnumbered(conn, closed, 4)
    store.close()
    store = Store(path)  # reopening numbers what is left
    with store.reader() as conn:
        assert _ordinals(conn, closed) == list(range(84))
    _assert_same(store, [JobFilters(batch_ids=[open_]), JobFilters(batch_ids=[closed])])
    store.close()


def test_many_batches_merge_or_fall_back_exactly(tmp_path: Path) -> None:
    """Status runs of up to MAX_ARMS (batch, status) pairs are merged; more take the plain way."""
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        spec = NewBatch(PROJECT, "u1", "EMU_FREE", "MEDIUM", False, "{}")
        batches = [create_batch(conn, spec, _jobs(6, k), new_id, T[k % 8]) for k in range(45)]
        for k, bid in enumerate(batches):
            ids = _batch_ids(conn, bid)
            _run(conn, ids[k % 6], "DONE", T[4])
            _run(conn, ids[(k + 1) % 6], "ERROR", T[4])
            _run(conn, ids[(k + 2) % 6], "RUNNING", T[4])
            cancel_job(conn, get_job(conn, ids[(k + 3) % 6], ALLOWED), T[5])  # type: ignore[arg-type]
    filters = [
        JobFilters(batch_ids=batches),  # 5 statuses x 45 batches: more than MAX_ARMS
        JobFilters(batch_ids=batches, statuses=["DONE", "ERROR", "CANCELED"]),
        JobFilters(batch_ids=batches[::2], statuses=["PENDING", "RUNNING"]),
    ]
    _assert_same(store, filters)
    store.close()


def test_jobs_written_as_json_by_sqlite_are_what_job_out_writes(
    world: tuple[Store, dict[str, str]],
) -> None:
    """List pages are answered with SQLite's JSON of each job (JOB_JSON): every job of the
    world (nulls, empty and full error lists, variables) reads back as `job_out` builds it."""
    store, b = world
    everyone = [PROJECT, OTHER_PROJECT]
    with store.reader() as conn:
        for batch in b.values():
            f = JobFilters(batch_ids=[batch])
            rows, total = list_jobs(conn, everyone, f, 0, 100_000, True)
            texts, same = list_jobs(conn, everyone, f, 0, 100_000, True, JOB_JSON)
            assert same == total == len(rows) > 0
            assert [json.loads(t[0]) for t in texts] == [job_out(r) for r in rows]
