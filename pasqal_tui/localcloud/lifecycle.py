"""State changes of batches and jobs, each applied inside the caller's transaction.

The batch's denormalized counters and status are recomputed by `settle_batch` in the same
transaction as the job change that moved them, so they can never drift from the jobs table
(job lists answer their totals from them). Both also number jobs that some other writer
inserted without an ordinal (see `schema.py`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasqal_tui.localcloud.errors import conflict, not_found
from pasqal_tui.localcloud.queries import JobFilters, matching_jobs
from pasqal_tui.localcloud.schema import (
    COUNTED_STATUSES,
    WITH_ERRORS,
    next_ordinal,
    number_jobs,
)

JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED")
BATCH_TERMINAL = ("DONE", "ERROR", "CANCELED", "TIMED_OUT")
JOB_ACTIVE = ("PENDING", "RUNNING")
QUEUE_PRIORITY_RANK = {"FREE": 0, "LOW": 10, "MEDIUM": 20, "HIGH": 30}

IdFactory = Callable[[], str]


@dataclass(frozen=True)
class NewJob:
    runs: int | None
    variables: dict[str, Any] | None
    sequence: str | None
    parent_id: str | None = None
    status: str = "PENDING"


@dataclass(frozen=True)
class NewBatch:
    project_id: str
    user_id: str
    device_type: str
    queue_priority: str
    open: bool
    sequence_builder: str | None
    webhook: str | None = None
    configuration: dict[str, Any] | None = None
    backend_configuration: str | None = None
    tags: tuple[str, ...] = ()
    parent_id: str | None = None


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _epoch(now: str) -> float:
    """`now` in seconds, for `activity_at`: the server's clock (callers pass `clock.now_iso()`),
    not the wall clock, so the scheduler times idle open batches out against that same clock.
    A `now` that is no ISO instant (a placeholder in unit tests) counts as long idle: 0."""
    try:
        return datetime.fromisoformat(now).timestamp()
    except ValueError:
        return 0.0


_COUNT_COLUMNS = (
    "jobs_count = ?, n_pending = ?, n_running = ?, n_done = ?, n_error = ?, n_canceled = ?, "
    "n_with_errors = ?"
)


def _job_counts(conn: sqlite3.Connection, batch_id: str) -> tuple[dict[str, int], tuple[int, ...]]:
    """The batch's jobs per status, and the values of `_COUNT_COLUMNS` in their order."""
    counts = dict.fromkeys(JOB_STATUSES, 0)
    for status, n in conn.execute(
        "SELECT status, COUNT(*) FROM jobs WHERE batch_id = ? GROUP BY status", (batch_id,)
    ):
        counts[str(status)] = int(n)
    with_errors = conn.execute(
        f"SELECT COUNT(*) FROM jobs INDEXED BY jobs_batch_errors WHERE batch_id = ? "
        f"AND {WITH_ERRORS}",
        (batch_id,),
    ).fetchone()[0]
    columns = (
        sum(counts.values()),
        counts["PENDING"],
        counts["RUNNING"],
        counts["DONE"],
        counts["ERROR"],
        counts["CANCELED"],
        int(with_errors),
    )
    return counts, columns


def store_counts(conn: sqlite3.Connection, batch_id: str) -> None:
    """Recompute the batch's job counters only (its status stays as it is)."""
    number_jobs(conn, batch_id)
    _, columns = _job_counts(conn, batch_id)
    conn.execute(f"UPDATE batches SET {_COUNT_COLUMNS} WHERE id = ?", (*columns, batch_id))


def _moved_counts(
    conn: sqlite3.Connection, batch_id: str, old: str, new: str, errors: bool
) -> tuple[dict[str, int], tuple[int, ...]]:
    """`_job_counts` from the stored counters, one job moved from ``old`` to ``new`` (and
    given errors if ``errors``)."""
    row = conn.execute(
        f"SELECT jobs_count, {', '.join(COUNTED_STATUSES.values())}, n_with_errors "
        "FROM batches WHERE id = ?",
        (batch_id,),
    ).fetchone()
    counts = dict.fromkeys(JOB_STATUSES, 0)
    counts.update({s: int(row[col]) for s, col in COUNTED_STATUSES.items()})
    counts[old] -= 1
    counts[new] += 1
    with_errors = int(row["n_with_errors"]) + int(errors)
    columns = (int(row["jobs_count"]), *(counts[s] for s in COUNTED_STATUSES), with_errors)
    return counts, columns


def settle_batch(
    conn: sqlite3.Connection,
    batch_id: str,
    now: str,
    moved: tuple[str, str] | None = None,
    gained_errors: bool = False,
) -> None:
    """Recompute counters, then move the batch to RUNNING / DONE as its jobs dictate.

    ``moved`` (from, to): exactly one job changed status, so the stored counters move by one
    instead of being recounted (a recount reads the whole batch: ~100 ms at 1M jobs, for each
    job that starts or ends, under the writer's lock); ``gained_errors``: and it got errors.
    Jobs an older server wrote (numbered here) may be missing from the counters: then they
    are recounted."""
    numbered = number_jobs(conn, batch_id)
    if moved is not None and not numbered and all(s in COUNTED_STATUSES for s in moved):
        counts, columns = _moved_counts(conn, batch_id, *moved, gained_errors)
    else:
        counts, columns = _job_counts(conn, batch_id)
    row = conn.execute(
        "SELECT status, open, start_datetime FROM batches WHERE id = ?", (batch_id,)
    ).fetchone()
    status, start, end = str(row["status"]), row["start_datetime"], None
    if status not in BATCH_TERMINAL:
        if counts["RUNNING"] or status == "RUNNING":
            status = "RUNNING"
            start = start or now
        if not row["open"] and not counts["PENDING"] and not counts["RUNNING"]:
            status, end = "DONE", now
    conn.execute(
        f"UPDATE batches SET {_COUNT_COLUMNS}, status = ?, start_datetime = ?, "
        "end_datetime = COALESCE(?, end_datetime), updated_at = ? WHERE id = ?",
        (*columns, status, start, end, now, batch_id),
    )


def insert_jobs(
    conn: sqlite3.Connection,
    batch: sqlite3.Row | dict[str, Any],
    jobs: Sequence[NewJob],
    new_id: IdFactory,
    now: str,
) -> list[str]:
    ids = [new_id() for _ in jobs]
    first = next_ordinal(conn, str(batch["id"]))
    conn.executemany(
        "INSERT INTO jobs (id, batch_id, project_id, user_id, status, runs, variables, "
        "sequence, errors, parent_id, created_at, updated_at, end_timestamp, ordinal) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                jid,
                batch["id"],
                batch["project_id"],
                batch["user_id"],
                job.status,
                job.runs,
                _dump(job.variables),
                job.sequence,
                None,
                job.parent_id,
                now,
                now,
                now if job.status == "CANCELED" else None,
                first + i,
            )
            for i, (jid, job) in enumerate(zip(ids, jobs, strict=True))
        ],
    )
    return ids


def create_batch(
    conn: sqlite3.Connection, spec: NewBatch, jobs: Sequence[NewJob], new_id: IdFactory, now: str
) -> str:
    batch_id = new_id()
    conn.execute(
        "INSERT INTO batches (id, project_id, user_id, device_type, status, open, priority, "
        "queue_priority, webhook, sequence_builder, configuration, backend_configuration, tags, "
        "parent_id, created_at, updated_at, activity_at) "
        "VALUES (?,?,?,?,'PENDING',?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            batch_id,
            spec.project_id,
            spec.user_id,
            spec.device_type,
            int(spec.open),
            QUEUE_PRIORITY_RANK.get(spec.queue_priority, 10),
            spec.queue_priority,
            spec.webhook,
            spec.sequence_builder,
            _dump(spec.configuration),
            spec.backend_configuration,
            json.dumps(list(spec.tags)),
            spec.parent_id,
            now,
            now,
            _epoch(now),
        ),
    )
    row = {"id": batch_id, "project_id": spec.project_id, "user_id": spec.user_id}
    insert_jobs(conn, row, jobs, new_id, now)
    settle_batch(conn, batch_id, now)
    return batch_id


def _batch(conn: sqlite3.Connection, batch_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM batches WHERE id = ?", (batch_id,)
    ).fetchone()
    if row is None:
        raise not_found("Batch", batch_id)
    return row


def add_jobs(
    conn: sqlite3.Connection, batch_id: str, jobs: Sequence[NewJob], new_id: IdFactory, now: str
) -> None:
    batch = _batch(conn, batch_id)
    if not batch["open"] or batch["status"] in BATCH_TERMINAL:
        raise conflict(f"Batch {batch_id} is closed ({batch['status']}): it accepts no new jobs.")
    insert_jobs(conn, batch, jobs, new_id, now)
    conn.execute("UPDATE batches SET activity_at = ? WHERE id = ?", (_epoch(now), batch_id))
    settle_batch(conn, batch_id, now)


def close_batch(conn: sqlite3.Connection, batch_id: str, now: str) -> None:
    batch = _batch(conn, batch_id)
    if batch["status"] in BATCH_TERMINAL and not batch["open"]:
        return  # closing a finished batch is a harmless no-op, as on the real service
    conn.execute("UPDATE batches SET open = 0 WHERE id = ?", (batch_id,))
    settle_batch(conn, batch_id, now)


def _cancel_job_rows(conn: sqlite3.Connection, job_ids: Sequence[str], now: str) -> None:
    conn.executemany(
        "UPDATE jobs SET status = 'CANCELED', updated_at = ?, end_timestamp = ? "
        "WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
        [(now, now, jid) for jid in job_ids],
    )


def end_batch(conn: sqlite3.Connection, batch_id: str, status: str, now: str) -> None:
    """Cancel (or time out) a batch: active jobs become CANCELED, the batch closes."""
    batch = _batch(conn, batch_id)
    if batch["status"] in BATCH_TERMINAL:
        raise conflict(f"Batch {batch_id} is already {batch['status']}.")
    conn.execute(
        "UPDATE jobs SET status = 'CANCELED', updated_at = ?, end_timestamp = ? "
        "WHERE batch_id = ? AND status IN ('PENDING', 'RUNNING')",
        (now, now, batch_id),
    )
    conn.execute(
        "UPDATE batches SET status = ?, open = 0, end_datetime = ? WHERE id = ?",
        (status, now, batch_id),
    )
    settle_batch(conn, batch_id, now)


def cancel_job(conn: sqlite3.Connection, job: sqlite3.Row, now: str) -> None:
    if job["status"] not in JOB_ACTIVE:
        raise conflict(f"Job {job['id']} is already {job['status']}: it cannot be canceled.")
    _cancel_job_rows(conn, [str(job["id"])], now)
    settle_batch(conn, str(job["batch_id"]), now, moved=(str(job["status"]), "CANCELED"))


def cancel_jobs(
    conn: sqlite3.Connection, batch_id: str, f: JobFilters, now: str
) -> tuple[list[str], dict[str, str]]:
    """Cancel the batch's matching jobs; the others are reported in `errors` by id."""
    _batch(conn, batch_id)
    targets = matching_jobs(conn, batch_id, f)
    ok = [str(j["id"]) for j in targets if j["status"] in JOB_ACTIVE]
    errors = {
        str(j["id"]): f"Job is already {j['status']}: it cannot be canceled."
        for j in targets
        if j["status"] not in JOB_ACTIVE
    }
    _cancel_job_rows(conn, ok, now)
    settle_batch(conn, batch_id, now)
    return ok, errors


def rebatch(
    conn: sqlite3.Connection, batch_id: str, f: JobFilters, new_id: IdFactory, now: str
) -> str:
    source = _batch(conn, batch_id)
    jobs = matching_jobs(conn, batch_id, f)
    if not jobs:
        raise conflict(f"No job of batch {batch_id} matches the rebatch filters.")
    spec = NewBatch(
        project_id=str(source["project_id"]),
        user_id=str(source["user_id"]),
        device_type=str(source["device_type"]),
        queue_priority=str(source["queue_priority"]),
        open=False,
        sequence_builder=source["sequence_builder"],
        webhook=source["webhook"],
        configuration=json.loads(source["configuration"]) if source["configuration"] else None,
        backend_configuration=source["backend_configuration"],
        tags=tuple(json.loads(source["tags"])),
        parent_id=batch_id,
    )
    copies = [
        NewJob(
            runs=j["runs"],
            variables=json.loads(j["variables"]) if j["variables"] else None,
            sequence=j["sequence"],
            parent_id=str(j["id"]),
        )
        for j in jobs
    ]
    return create_batch(conn, spec, copies, new_id, now)


def set_tags(conn: sqlite3.Connection, batch_id: str, tags: Sequence[str], now: str) -> None:
    _batch(conn, batch_id)
    conn.execute(
        "UPDATE batches SET tags = ?, updated_at = ? WHERE id = ?",
        (json.dumps(list(tags)), now, batch_id),
    )


def start_job(conn: sqlite3.Connection, job_id: str, now: str) -> bool:
    """PENDING -> RUNNING; False if the job was canceled meanwhile."""
    cur = conn.execute(
        "UPDATE jobs SET status = 'RUNNING', start_timestamp = ?, updated_at = ? "
        "WHERE id = ? AND status = 'PENDING'",
        (now, now, job_id),
    )
    if cur.rowcount != 1:
        return False
    batch_id = conn.execute("SELECT batch_id FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    settle_batch(conn, str(batch_id), now, moved=("PENDING", "RUNNING"))
    return True


def finish_job(
    conn: sqlite3.Connection,
    job_id: str,
    status: str,
    errors: Sequence[str],
    result_doc: dict[str, Any] | None,
    now: str,
) -> bool:
    """RUNNING -> DONE/ERROR with its result; False if it was canceled while running."""
    cur = conn.execute(
        "UPDATE jobs SET status = ?, errors = ?, end_timestamp = ?, updated_at = ? "
        "WHERE id = ? AND status = 'RUNNING'",
        (status, json.dumps(list(errors)) if errors else None, now, now, job_id),
    )
    if cur.rowcount != 1:
        return False
    if result_doc is not None:
        conn.execute(
            "INSERT OR REPLACE INTO results (job_id, doc) VALUES (?, ?)",
            (job_id, json.dumps(result_doc)),
        )
    batch_id = conn.execute("SELECT batch_id FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    # A job ending counts as activity: an open batch idles from its last finished job.
    conn.execute(
        "UPDATE batches SET activity_at = ? WHERE id = ? AND open = 1", (_epoch(now), batch_id)
    )
    settle_batch(conn, str(batch_id), now, ("RUNNING", status), gained_errors=bool(errors))
    return True


def requeue_running(conn: sqlite3.Connection, now: str) -> int:
    """After a crash: jobs that were RUNNING go back to PENDING to run again."""
    batch_ids = [
        str(r[0])
        for r in conn.execute("SELECT DISTINCT batch_id FROM jobs WHERE status = 'RUNNING'")
    ]
    cur = conn.execute(
        "UPDATE jobs SET status = 'PENDING', start_timestamp = NULL, updated_at = ? "
        "WHERE status = 'RUNNING'",
        (now,),
    )
    for batch_id in batch_ids:
        settle_batch(conn, batch_id, now)
    return cur.rowcount
