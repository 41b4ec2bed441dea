"""One page of a job list (op 11) at a cost that does not grow with the batch.

The API pages with offset/limit and puts the total on every page. A plain `COUNT(*)` and
`LIMIT ? OFFSET ?` cost the whole batch on every page; here:

- Scope first: with `batch_id`, the batches are read once and the caller's projects (and the
  `project_id` / `user_id` filters) checked on them: every job carries its batch's project and
  user, so no job row is read for that check.
- The total comes from the batches' counters (`jobs_count`, `n_<status>`) when only a status
  filter (or none) remains, else from a count over `jobs_batch_order`, which holds every column
  a job filter reads (no table row is read).
- The page's rows are found by a seek where possible, and always from the nearer end:
  * one batch, no filter: by ordinal, `ordinal >= offset`, whatever the offset;
  * status filters: a merge of the (batch, status) runs of `jobs_batch`, each in creation
    order, so the first and last pages read about `limit` index entries;
  * other filters: the filtered index entries are skipped to the offset (index only), from
    whichever end is nearer, then only the page's rows are read.

All of it runs in the caller's snapshot (`Store.reader()`), so a total and its page agree.
Results are those of the plain query (`job_where`, `ORDER BY seq`); tests compare the two.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from pasqal_tui.localcloud.job_bounds import errors_total, without_needless_bounds
from pasqal_tui.localcloud.queries import JobFilters, Where, job_where
from pasqal_tui.localcloud.schema import COUNTED_STATUSES

# Every column `job_out` reads, but the sequence (kilobytes, never in a list).
JOB_LIST_COLUMNS = (
    "seq, id, batch_id, project_id, user_id, status, runs, variables, errors, parent_id, "
    "created_at, updated_at, start_timestamp, end_timestamp"
)
# The same job as `job_out` writes it, as JSON text built by SQLite: a list page costs no
# Python dict per job nor a `json.dumps` of them (about half a page's server time).
_JSON_FIELDS = (
    "id", "batch_id", "project_id", "user_id", "status", "runs", "variables", "errors",
    "parent_id", "created_at", "updated_at", "start_timestamp", "end_timestamp",
)  # fmt: skip
JOB_JSON = (
    "json_object("
    + ", ".join(
        f"'{c}', json({c})" if c in ("variables", "errors") else f"'{c}', {c}" for c in _JSON_FIELDS
    )
    + ")"
)
_COUNTERS = ", ".join(COUNTED_STATUSES.values())
MAX_ARMS = 200  # SELECTs merged in one compound (SQLite's limit is 500)

Query = tuple[str, list[Any]]
# The seqs of the jobs at positions [skip, skip + take) in one direction, as a query:
# finder(skip, take, forward).
Finder = Callable[[int, int, bool], Query]


def list_jobs(
    conn: sqlite3.Connection,
    allowed: Sequence[str],
    f: JobFilters,
    offset: int,
    limit: int,
    ascending: bool = False,
    select: str = JOB_LIST_COLUMNS,
) -> tuple[list[sqlite3.Row], int]:
    """One page of the jobs matching `f` in the caller's projects, in creation order (ASC or
    DESC), and the total that match; `select` names what each row holds (`JOB_JSON`: one
    column, the job as JSON text)."""
    if not allowed:
        return [], 0
    if f.batch_ids:
        batches = _batches(conn, allowed, f)
        if not batches:
            return [], 0
        total, finder = _in_batches(conn, batches, f)
    else:
        total, finder = _in_projects(conn, allowed, f)
    if offset >= total:
        return [], total
    take = min(limit, total - offset)
    skip, forward = offset, ascending
    if total - offset - take < offset:  # nearer the end: walk from there
        skip, forward = total - offset - take, not ascending
    sql, args = finder(skip, take, forward)
    order = "ASC" if ascending else "DESC"
    rows = conn.execute(
        f"SELECT {select} FROM jobs WHERE seq IN ({sql}) ORDER BY seq {order}", args
    ).fetchall()
    return rows, total


def _batches(conn: sqlite3.Connection, allowed: Sequence[str], f: JobFilters) -> list[sqlite3.Row]:
    """The filter's batches that the caller may see, with their counters, oldest first."""
    w = Where()
    w.any_of("id", f.batch_ids)
    w.any_of("project_id", list(allowed))
    w.any_of("project_id", f.project_ids)
    w.any_of("user_id", f.user_ids)
    return conn.execute(
        f"SELECT id, jobs_count, n_with_errors, {_COUNTERS} FROM batches WHERE {w.sql()} "
        "ORDER BY seq",
        w.args,
    ).fetchall()


def _job_level(f: JobFilters) -> bool:
    """Whether a filter other than batch, project, user and status is set."""
    return bool(
        f.ids
        or f.min_runs is not None
        or f.max_runs is not None
        or f.errors is not None
        or f.start_date is not None
        or f.end_date is not None
    )


def _only_errors(f: JobFilters) -> bool:
    """Whether `errors` is the only job-level filter left."""
    return f.errors is not None and not (
        f.ids or f.min_runs is not None or f.max_runs is not None or f.start_date or f.end_date
    )


def _uncounted(row: sqlite3.Row) -> int:
    """Jobs of the batch whose status has no counter (none, unless written by hand)."""
    return int(row["jobs_count"]) - sum(int(row[c]) for c in COUNTED_STATUSES.values())


def _counted_total(rows: Sequence[sqlite3.Row], statuses: set[str]) -> int | None:
    """The total from the counters, or None when they cannot tell it."""
    if not statuses:
        return sum(int(r["jobs_count"]) for r in rows)
    if any(s not in COUNTED_STATUSES for s in statuses) and any(_uncounted(r) for r in rows):
        return None
    return sum(int(r[COUNTED_STATUSES[s]]) for r in rows for s in statuses if s in COUNTED_STATUSES)


def _in_batches(
    conn: sqlite3.Connection, batches: list[sqlite3.Row], f: JobFilters
) -> tuple[int, Finder]:
    ids = [str(b["id"]) for b in batches]
    statuses = set(f.statuses)
    ordered = len(ids) == 1 and _numbered(conn, batches[0])
    if len(ids) == 1 and _job_level(f):
        narrowed = without_needless_bounds(conn, ids[0], f)
        if narrowed is None:
            return 0, _Nothing()
        f = narrowed
        if _only_errors(f) and ordered and not statuses and not _uncounted(batches[0]):
            matching = errors_total(batches[0], bool(f.errors))
            scoped = dataclasses.replace(f, batch_ids=ids, project_ids=[], user_ids=[])
            return matching, _Plain(job_where([], scoped), "ordinal", by_order=not f.ids)
    if not _job_level(f):
        total = _counted_total(batches, statuses)
        if total is not None:
            if ordered and not statuses:
                return total, _ByOrdinal(ids[0], total)
            arms = _arms(batches, statuses)
            if arms is not None and len(arms) <= MAX_ARMS:
                return total, _Merged(arms)
    # The remaining filters are the job's own: the scope is the batches found.
    scoped = dataclasses.replace(f, batch_ids=ids, project_ids=[], user_ids=[])
    w = job_where([], scoped)
    # One numbered batch: creation order is ordinal order, which `jobs_batch_order` holds.
    return _count(conn, w), _Plain(w, "ordinal" if ordered else "seq", ordered and not f.ids)


def _in_projects(
    conn: sqlite3.Connection, allowed: Sequence[str], f: JobFilters
) -> tuple[int, Finder]:
    """No batch filter: every job of the caller's projects that matches."""
    w = job_where(allowed, f)
    total: int | None = None
    if not _job_level(f):
        b = Where()
        b.any_of("project_id", list(allowed))
        b.any_of("project_id", f.project_ids)
        b.any_of("user_id", f.user_ids)
        rows = conn.execute(
            f"SELECT jobs_count, {_COUNTERS} FROM batches WHERE {b.sql()}", b.args
        ).fetchall()
        total = _counted_total(rows, set(f.statuses))
    if total is None:
        total = _count(conn, w)
    return total, _Plain(w, "seq")


def _count(conn: sqlite3.Connection, w: Where) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {w.sql()}", w.args).fetchone()[0])


def _numbered(conn: sqlite3.Connection, batch: sqlite3.Row) -> bool:
    """Whether the batch's jobs hold the ordinals 0 .. jobs_count - 1 (two index probes)."""
    batch_id = str(batch["id"])
    if conn.execute(
        "SELECT 1 FROM jobs WHERE batch_id = ? AND ordinal IS NULL LIMIT 1", (batch_id,)
    ).fetchone():
        return False
    top = conn.execute("SELECT MAX(ordinal) FROM jobs WHERE batch_id = ?", (batch_id,)).fetchone()
    return (-1 if top[0] is None else int(top[0])) == int(batch["jobs_count"]) - 1


def _arms(batches: Sequence[sqlite3.Row], statuses: set[str]) -> list[tuple[str, str]] | None:
    """The (batch, status) pairs holding the matching jobs, or None if a status is uncounted."""
    if not statuses:
        if any(_uncounted(b) for b in batches):
            return None
        statuses = set(COUNTED_STATUSES)
    return [
        (str(b["id"]), s)
        for b in batches
        for s in sorted(statuses)
        if s in COUNTED_STATUSES and int(b[COUNTED_STATUSES[s]]) > 0
    ]


class _ByOrdinal:
    """One batch, no filter: position p is ordinal p (ASC) or total - 1 - p (DESC)."""

    def __init__(self, batch_id: str, total: int) -> None:
        self.batch_id, self.total = batch_id, total

    def __call__(self, skip: int, take: int, forward: bool) -> Query:
        low = skip if forward else self.total - skip - take
        return (
            "SELECT seq FROM jobs WHERE batch_id = ? AND ordinal >= ? AND ordinal < ?",
            [self.batch_id, low, low + take],
        )


class _Merged:
    """Each (batch, status) run is in creation order in `jobs_batch`: SQLite merges them."""

    def __init__(self, arms: list[tuple[str, str]]) -> None:
        self.arms = arms

    def __call__(self, skip: int, take: int, forward: bool) -> Query:
        arm = "SELECT seq FROM jobs INDEXED BY jobs_batch WHERE batch_id = ? AND status = ?"
        order = "ASC" if forward else "DESC"
        sql = " UNION ALL ".join([arm] * len(self.arms))
        args: list[Any] = [v for pair in self.arms for v in pair]
        return f"{sql} ORDER BY 1 {order} LIMIT ? OFFSET ?", [*args, take, skip]


class _Nothing:
    """No job can match (never called: the total is 0)."""

    def __call__(self, skip: int, take: int, forward: bool) -> Query:
        return "SELECT seq FROM jobs WHERE 0", []


class _Plain:
    """Any filter: skip the matching index entries, then take the page. By ordinal (one
    numbered batch, no id list), through `jobs_batch_order`: an index that serves the filter but
    not the order (e.g. `jobs_batch_errors`) would sort every match for each page."""

    def __init__(self, w: Where, key: str, by_order: bool = False) -> None:
        self.w, self.key, self.by_order = w, key, by_order

    def __call__(self, skip: int, take: int, forward: bool) -> Query:
        order = "ASC" if forward else "DESC"
        hint = " INDEXED BY jobs_batch_order" if self.by_order else ""
        return (
            f"SELECT seq FROM jobs{hint} WHERE {self.w.sql()} ORDER BY {self.key} {order} "
            "LIMIT ? OFFSET ?",
            [*self.w.args, take, skip],
        )
