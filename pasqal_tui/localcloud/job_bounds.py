"""Job filters of one batch answered from index ends instead of a count over the batch.

A runs or date bound that every job of the batch meets filters nothing, one that none meets
leaves nothing: two index probes (`jobs_batch_runs`, `jobs_batch_created`) tell which, so the
page is then served as if the bound were not there (totals from the counters, seek by
ordinal). The jobs with errors are counted in the batch's `n_with_errors` (moved job by job,
as the status counters), and the jobs without errors are the batch's count minus those.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

from pasqal_tui.localcloud.queries import JobFilters
from pasqal_tui.localcloud.timeutil import iso


def without_needless_bounds(
    conn: sqlite3.Connection, batch_id: str, f: JobFilters
) -> JobFilters | None:
    """``f`` without the runs and date bounds every job of the batch meets; None when no job
    can meet them."""
    runs = _bounds(conn, batch_id, "runs", "jobs_batch_runs", f.min_runs, f.max_runs)
    if runs is None:
        return None
    start = iso(f.start_date) if f.start_date is not None else None
    end = iso(f.end_date) if f.end_date is not None else None
    dates = _bounds(conn, batch_id, "created_at", "jobs_batch_created", start, end)
    if dates is None:
        return None
    g = f
    if runs is True:
        g = dataclasses.replace(g, min_runs=None, max_runs=None)
    if dates is True:
        g = dataclasses.replace(g, start_date=None, end_date=None)
    return g


def _bounds(
    conn: sqlite3.Connection, batch_id: str, column: str, index: str, low: Any, high: Any
) -> bool | None:
    """True: every job is within [low, high]; None: none is; False: some are (or no bound)."""
    if low is None and high is None:
        return False
    base = f"SELECT {column} FROM jobs INDEXED BY {index} WHERE batch_id = ?"
    if conn.execute(f"{base} AND {column} IS NULL LIMIT 1", (batch_id,)).fetchone():
        return False  # a job without a value never matches a bound: count them
    ends = [
        conn.execute(
            f"{base} AND {column} IS NOT NULL ORDER BY {column} {d} LIMIT 1", (batch_id,)
        ).fetchone()
        for d in ("ASC", "DESC")
    ]
    if ends[0] is None:
        return None  # no job at all
    first, last = ends[0][0], ends[1][0]
    if (low is not None and low > last) or (high is not None and high < first):
        return None
    return (low is None or low <= first) and (high is None or last <= high)


def errors_total(batch: sqlite3.Row, errors: bool) -> int:
    """How many jobs of the batch have errors (``errors``) or have none: its counters."""
    with_errors = int(batch["n_with_errors"])
    return with_errors if errors else int(batch["jobs_count"]) - with_errors
