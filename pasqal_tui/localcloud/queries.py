"""Read-side SQL: lists with the API's filters, pagination and ordering, and single lookups.

Every query is scoped to the caller's projects, so another project's id is simply not found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pasqal_tui.localcloud.timeutil import iso


@dataclass
class _Filters:
    """What batch and job lists both filter on: ids, projects, users, statuses, creation window."""

    ids: list[str] = field(default_factory=list)
    project_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start_date: datetime | None = None
    end_date: datetime | None = None


@dataclass
class BatchFilters(_Filters):
    device_types: list[str] = field(default_factory=list)
    queue_priorities: list[str] = field(default_factory=list)
    open: bool | None = None
    tag: str | None = None


@dataclass
class JobFilters(_Filters):
    batch_ids: list[str] = field(default_factory=list)
    min_runs: int | None = None
    max_runs: int | None = None
    errors: bool | None = None


class Where:
    """A conjunction of SQL conditions and their parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def any_of(self, column: str, values: Sequence[Any]) -> None:
        if values:
            self.parts.append(f"{column} IN ({','.join('?' * len(values))})")
            self.args.extend(values)

    def cond(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1"


def _common_where(allowed: Sequence[str], f: _Filters) -> Where:
    """The caller's projects, then the filters every list shares but dates (see `_dates`)."""
    w = Where()
    w.any_of("project_id", list(allowed))
    w.any_of("project_id", f.project_ids)
    w.any_of("id", f.ids)
    w.any_of("user_id", f.user_ids)
    return w


def _dates(w: Where, start: datetime | None, end: datetime | None) -> None:
    if start is not None:
        w.cond("created_at >= ?", iso(start))
    if end is not None:
        w.cond("created_at <= ?", iso(end))


def batch_where(allowed: Sequence[str], f: BatchFilters) -> Where:
    w = _common_where(allowed, f)
    w.any_of("device_type", f.device_types)
    w.any_of("status", f.statuses)
    w.any_of("queue_priority", f.queue_priorities)
    if f.open is not None:
        w.cond("open = ?", int(f.open))
    _dates(w, f.start_date, f.end_date)
    if f.tag is not None:
        w.cond("EXISTS (SELECT 1 FROM json_each(batches.tags) WHERE value = ?)", f.tag)
    return w


def job_where(allowed: Sequence[str], f: JobFilters) -> Where:
    w = _common_where(allowed, f)
    w.any_of("batch_id", f.batch_ids)
    w.any_of("status", f.statuses)
    if f.min_runs is not None:
        w.cond("runs >= ?", f.min_runs)
    if f.max_runs is not None:
        w.cond("runs <= ?", f.max_runs)
    if f.errors is True:
        w.cond("errors IS NOT NULL AND errors != '[]'")
    elif f.errors is False:
        w.cond("(errors IS NULL OR errors = '[]')")
    _dates(w, f.start_date, f.end_date)
    return w


BATCH_LIST_COLUMNS = (
    "seq, id, project_id, user_id, device_type, status, open, priority, queue_priority, "
    "webhook, configuration, backend_configuration, tags, parent_id, device_status, "
    "created_at, updated_at, start_datetime, end_datetime, jobs_count, n_pending, n_running, "
    "n_done, n_error, n_canceled"
)


def _page(
    conn: sqlite3.Connection,
    table: str,
    columns: str,
    w: Where,
    offset: int,
    limit: int,
    ascending: bool,
) -> tuple[list[sqlite3.Row], int]:
    """One page of `table` rows matching `w`, by creation order, and the total that match."""
    total = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {w.sql()}", w.args).fetchone()[0]
    order = "ASC" if ascending else "DESC"
    rows = conn.execute(
        f"SELECT {columns} FROM {table} WHERE {w.sql()} ORDER BY seq {order} LIMIT ? OFFSET ?",
        [*w.args, limit, offset],
    ).fetchall()
    return rows, int(total)


def list_batches(
    conn: sqlite3.Connection,
    allowed: Sequence[str],
    f: BatchFilters,
    offset: int,
    limit: int,
    ascending: bool = False,
) -> tuple[list[sqlite3.Row], int]:
    if not allowed:
        return [], 0
    return _page(
        conn, "batches", BATCH_LIST_COLUMNS, batch_where(allowed, f), offset, limit, ascending
    )


def matching_jobs(conn: sqlite3.Connection, batch_id: str, f: JobFilters) -> list[sqlite3.Row]:
    """Jobs of one batch matching rebatch / cancel filters, in creation order."""
    f.batch_ids = [batch_id]
    w = job_where([], f)
    return conn.execute(f"SELECT * FROM jobs WHERE {w.sql()} ORDER BY seq", w.args).fetchall()


def _get_scoped(
    conn: sqlite3.Connection, table: str, row_id: str, allowed: Sequence[str]
) -> sqlite3.Row | None:
    """The `table` row with this id, if it belongs to one of the caller's projects."""
    if not allowed:
        return None
    marks = ",".join("?" * len(allowed))
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM {table} WHERE id = ? AND project_id IN ({marks})", [row_id, *allowed]
    ).fetchone()
    return row


def get_batch(
    conn: sqlite3.Connection, batch_id: str, allowed: Sequence[str]
) -> sqlite3.Row | None:
    return _get_scoped(conn, "batches", batch_id, allowed)


def get_job(conn: sqlite3.Connection, job_id: str, allowed: Sequence[str]) -> sqlite3.Row | None:
    return _get_scoped(conn, "jobs", job_id, allowed)


def get_workload(
    conn: sqlite3.Connection, workload_id: str, allowed: Sequence[str]
) -> sqlite3.Row | None:
    return _get_scoped(conn, "workloads", workload_id, allowed)


def batch_jobs(conn: sqlite3.Connection, batch_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM jobs WHERE batch_id = ? ORDER BY seq", (batch_id,)
    ).fetchall()


def batch_job_ids(conn: sqlite3.Connection, batch_id: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute("SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq", (batch_id,))
    ]


def result_doc(conn: sqlite3.Connection, job_id: str) -> str | None:
    row = conn.execute("SELECT doc FROM results WHERE job_id = ?", (job_id,)).fetchone()
    return None if row is None else str(row[0])
