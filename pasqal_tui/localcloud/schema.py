"""The database's tables and indexes, the upgrade of older databases, and job ordinals.

A job's `ordinal` is its position in its batch (0, 1, 2, ... in creation order), so that a page
of a batch's jobs is a seek (`ordinal >= offset`) instead of an offset scan. `insert_jobs`
numbers the jobs it inserts; rows inserted by other writers (the demo seeding, an older
server) are numbered by `number_jobs`, which `store_counts` and `settle_batch` call, and by the
upgrade on open. Jobs are never deleted, so ordinals stay dense.

Jobs carry their batch's `project_id` and `user_id` (every writer copies them from the batch):
job lists check the caller's projects once, on the batch row, instead of on every job.
"""

from __future__ import annotations

import logging
import sqlite3
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, queue_priority TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    user_id TEXT NOT NULL, project_id TEXT NOT NULL, PRIMARY KEY (user_id, project_id));
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL,
    user_id TEXT NOT NULL, device_type TEXT NOT NULL, status TEXT NOT NULL,
    open INTEGER NOT NULL, priority INTEGER NOT NULL, queue_priority TEXT NOT NULL,
    webhook TEXT, sequence_builder TEXT, configuration TEXT, backend_configuration TEXT,
    tags TEXT NOT NULL DEFAULT '[]', parent_id TEXT, device_status TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, start_datetime TEXT,
    end_datetime TEXT, activity_at REAL NOT NULL, jobs_count INTEGER NOT NULL DEFAULT 0,
    n_pending INTEGER NOT NULL DEFAULT 0, n_running INTEGER NOT NULL DEFAULT 0,
    n_done INTEGER NOT NULL DEFAULT 0, n_error INTEGER NOT NULL DEFAULT 0,
    n_canceled INTEGER NOT NULL DEFAULT 0, n_with_errors INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS batches_project ON batches (project_id, seq);
CREATE INDEX IF NOT EXISTS batches_project_status ON batches (project_id, status, seq);
CREATE INDEX IF NOT EXISTS batches_active ON batches (status, device_type)
    WHERE status IN ('PENDING', 'RUNNING');
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, batch_id TEXT NOT NULL,
    project_id TEXT NOT NULL, user_id TEXT NOT NULL, status TEXT NOT NULL, runs INTEGER,
    variables TEXT, sequence TEXT, errors TEXT, parent_id TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, start_timestamp TEXT, end_timestamp TEXT, ordinal INTEGER);
CREATE INDEX IF NOT EXISTS jobs_batch ON jobs (batch_id, status, seq);
CREATE INDEX IF NOT EXISTS jobs_project ON jobs (project_id, status, seq);
CREATE TABLE IF NOT EXISTS results (job_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workloads (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL,
    user_id TEXT NOT NULL, status TEXT NOT NULL, backend TEXT NOT NULL,
    workload_type TEXT NOT NULL, config TEXT NOT NULL, errors TEXT, result TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, start_timestamp TEXT,
    end_timestamp TEXT);
CREATE INDEX IF NOT EXISTS workloads_project ON workloads (project_id, seq);
CREATE INDEX IF NOT EXISTS workloads_status ON workloads (status);
"""

# Created after the upgrade (they name `ordinal`, which older databases lack until then).
# - jobs_batch (above): a status's jobs of a batch in creation order; the counters' GROUP BY.
# - jobs_batch_order: a batch's jobs in creation order, holding every column a job filter
#   reads, so that counting or skipping through a filtered batch never reads a table row.
# - jobs_unnumbered: the (normally no) jobs still waiting for an ordinal.
# - jobs_batch_errors, jobs_batch_runs, jobs_batch_created: a batch's jobs with errors, and
#   the ends of its runs and creation dates (job_bounds.py: filters without a count).
INDEXES = """
CREATE INDEX IF NOT EXISTS jobs_batch_order
    ON jobs (batch_id, ordinal, status, runs, created_at, errors);
CREATE INDEX IF NOT EXISTS jobs_unnumbered ON jobs (batch_id) WHERE ordinal IS NULL;
CREATE INDEX IF NOT EXISTS jobs_batch_errors ON jobs (batch_id)
    WHERE errors IS NOT NULL AND errors != '[]';
CREATE INDEX IF NOT EXISTS jobs_batch_runs ON jobs (batch_id, runs);
CREATE INDEX IF NOT EXISTS jobs_batch_created ON jobs (batch_id, created_at);
"""

#: Jobs with errors, as job lists filter them (`errors=True`); counted per batch in
#: `n_with_errors`, by the partial index `jobs_batch_errors`.
WITH_ERRORS = "errors IS NOT NULL AND errors != '[]'"

COUNTED_STATUSES = {
    "PENDING": "n_pending",
    "RUNNING": "n_running",
    "DONE": "n_done",
    "ERROR": "n_error",
    "CANCELED": "n_canceled",
}

log = logging.getLogger("pasqal_tui.localcloud")


def next_ordinal(conn: sqlite3.Connection, batch_id: str) -> int:
    """The ordinal the batch's next job gets (its unnumbered jobs are numbered first)."""
    number_jobs(conn, batch_id)
    row = conn.execute("SELECT MAX(ordinal) FROM jobs WHERE batch_id = ?", (batch_id,)).fetchone()
    return 0 if row[0] is None else int(row[0]) + 1


def number_jobs(conn: sqlite3.Connection, batch_id: str | None = None) -> int:
    """Give the jobs without an ordinal (of one batch, or of all) the next ones of their
    batch, in creation order. Returns how many were numbered; a no-op costs one index probe."""
    scope = "" if batch_id is None else "AND j.batch_id = :batch"
    probe = f"SELECT 1 FROM jobs j WHERE j.ordinal IS NULL {scope} LIMIT 1"
    if conn.execute(probe, {"batch": batch_id}).fetchone() is None:
        return 0
    cur = conn.execute(
        "UPDATE jobs SET ordinal = n.base + n.rank - 1 FROM ("
        "  SELECT j.seq, row_number() OVER (PARTITION BY j.batch_id ORDER BY j.seq) AS rank,"
        "    (SELECT COALESCE(MAX(o.ordinal) + 1, 0) FROM jobs o"
        "     WHERE o.batch_id = j.batch_id) AS base"
        f"  FROM jobs j WHERE j.ordinal IS NULL {scope}"
        ") AS n WHERE jobs.seq = n.seq",
        {"batch": batch_id},
    )
    return cur.rowcount


def recount(conn: sqlite3.Connection) -> None:
    """Recompute every batch's job counters from the jobs table."""
    sums = ", ".join(f"SUM(status = '{s}') AS {col}" for s, col in COUNTED_STATUSES.items())
    sets = ", ".join(f"{col} = c.{col}" for col in COUNTED_STATUSES.values())
    zero = ", ".join(f"{col} = 0" for col in ("jobs_count", *COUNTED_STATUSES.values()))
    conn.execute(f"UPDATE batches SET {zero}, n_with_errors = 0")
    conn.execute(
        f"UPDATE batches SET jobs_count = c.total, {sets} FROM ("
        f"  SELECT batch_id, COUNT(*) AS total, {sums} FROM jobs GROUP BY batch_id"
        ") AS c WHERE batches.id = c.batch_id"
    )
    _count_errors(conn)


def _count_errors(conn: sqlite3.Connection) -> None:
    conn.execute(
        "UPDATE batches SET n_with_errors = (SELECT COUNT(*) FROM jobs "
        f"WHERE jobs.batch_id = batches.id AND {WITH_ERRORS})"
    )


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring a database written by an older server up to this schema, in one transaction:
    add `jobs.ordinal` (numbering every job), the job indexes, and recount the counters the
    job lists now answer totals from. A no-op on an up-to-date database."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(jobs)")}
        counters = {str(r[1]) for r in conn.execute("PRAGMA table_info(batches)")}
        if "n_with_errors" not in counters:
            conn.execute("ALTER TABLE batches ADD COLUMN n_with_errors INTEGER NOT NULL DEFAULT 0")
        started = time.monotonic()
        added = "ordinal" not in columns
        numbered = 0
        if added:  # number every job before the indexes exist: one pass, no index upkeep
            conn.execute("ALTER TABLE jobs ADD COLUMN ordinal INTEGER")
            numbered = conn.execute(
                "UPDATE jobs SET ordinal = n.rank - 1 FROM (SELECT seq, row_number() OVER "
                "(PARTITION BY batch_id ORDER BY seq) AS rank FROM jobs) AS n "
                "WHERE jobs.seq = n.seq"
            ).rowcount
        for statement in INDEXES.split(";"):  # not executescript: it would commit
            if statement.strip():
                conn.execute(statement)
        numbered += number_jobs(conn)  # rows an older server wrote since
        if "n_with_errors" not in counters and not added:
            _count_errors(conn)
        if added:
            recount(conn)
            log.warning(
                "database upgraded: %d jobs numbered, indexes built, counters checked (%.1f s)",
                numbered,
                time.monotonic() - started,
            )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
