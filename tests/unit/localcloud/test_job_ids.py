"""A batch's job ids as JSON text, kept between requests: always the ids a fresh query gives,
in creation order, also after jobs are added to the open batch; and the batch list's items,
kept while the batch's row is unchanged."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

from pasqal_tui.localcloud.job_ids import BatchItems, JobIdsCache
from pasqal_tui.localcloud.lifecycle import NewBatch, NewJob, add_jobs, create_batch
from pasqal_tui.localcloud.queries import BATCH_LIST_COLUMNS
from pasqal_tui.localcloud.schemas import batch_out
from pasqal_tui.localcloud.store import Store

PROJECT = "00000000-0000-4000-8000-00000000000a"
T0, T1 = "2025-01-01T00:00:00.000000+00:00", "2025-01-02T00:00:00.000000+00:00"
_COUNTER = itertools.count(1)


def new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_COUNTER):012d}"


def jobs(n: int) -> list[NewJob]:
    return [NewJob(runs=1, variables=None, sequence=None) for _ in range(n)]


def fresh(conn: sqlite3.Connection, batch_id: str) -> list[str]:
    rows = conn.execute("SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq", (batch_id,))
    return [str(r[0]) for r in rows]


def batch_rows(conn: sqlite3.Connection, *ids: str) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(ids))
    return conn.execute(f"SELECT id, jobs_count FROM batches WHERE id IN ({marks})", ids).fetchall()


def test_kept_lists_are_the_fresh_ones_and_follow_added_jobs(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        a = create_batch(conn, NewBatch(PROJECT, "u", "EMU_FREE", "MEDIUM", True, "{}"),
                         jobs(120), new_id, T0)  # fmt: skip
        b = create_batch(conn, NewBatch(PROJECT, "u", "EMU_FREE", "MEDIUM", False, "{}"),
                         jobs(3), new_id, T0)  # fmt: skip
    cache = JobIdsCache()
    with store.reader() as conn:
        first = cache.json_of(conn, batch_rows(conn, a, b))
        assert json.loads(first[a]) == fresh(conn, a) and len(json.loads(first[a])) == 120
        assert json.loads(first[b]) == fresh(conn, b)
        # The second answer is the kept text itself (no query), the same as the first.
        again = cache.json_of(conn, batch_rows(conn, a, b))
        assert again == first and again[a] is first[a]
    with store.transaction() as conn:
        add_jobs(conn, a, jobs(7), new_id, T1)
    with store.reader() as conn:
        grown = cache.json_of(conn, batch_rows(conn, a))
        assert json.loads(grown[a]) == fresh(conn, a) and len(json.loads(grown[a])) == 127
        assert json.loads(grown[a])[:120] == json.loads(first[a])
    store.close()


def test_a_count_that_disagrees_with_the_rows_is_never_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        a = create_batch(conn, NewBatch(PROJECT, "u", "EMU_FREE", "MEDIUM", False, "{}"),
                         jobs(5), new_id, T0)  # fmt: skip
        conn.execute("UPDATE batches SET jobs_count = 9 WHERE id = ?", (a,))  # written by hand
    cache = JobIdsCache()
    with store.reader() as conn:
        assert json.loads(cache.json_of(conn, batch_rows(conn, a))[a]) == fresh(conn, a)
        assert json.loads(cache.json_of(conn, batch_rows(conn, a))[a]) == fresh(conn, a)
    assert cache.kept.chars == 0 and not cache.kept.order()
    items = BatchItems(cache)
    with store.reader() as conn:
        item = json.loads(items.json_of(conn, [list_row(conn, a)])[0])
        assert item["job_ids"] == fresh(conn, a) and item["jobs_count"] == 9
    assert not items.kept.order()
    store.close()


def test_the_least_recently_used_list_goes_first_beyond_the_bound(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        ids = [create_batch(conn, NewBatch(PROJECT, "u", "EMU_FREE", "MEDIUM", False, "{}"),
                            jobs(10), new_id, T0) for _ in range(3)]  # fmt: skip
    size = 10 * 38 + 11  # ten quoted uuids, their commas and the brackets
    cache = JobIdsCache(max_chars=2 * size)
    with store.reader() as conn:
        cache.json_of(conn, batch_rows(conn, ids[0]))
        cache.json_of(conn, batch_rows(conn, ids[1]))
        cache.json_of(conn, batch_rows(conn, ids[0]))  # used again: ids[1] is now the oldest
        cache.json_of(conn, batch_rows(conn, ids[2]))
    assert [key[0] for key in cache.kept.order()] == [ids[0], ids[2]]  # type: ignore[index]
    assert cache.kept.chars == 2 * size
    store.close()


def list_row(conn: sqlite3.Connection, batch_id: str) -> sqlite3.Row:
    sql = f"SELECT {BATCH_LIST_COLUMNS} FROM batches WHERE id = ?"
    row: sqlite3.Row = conn.execute(sql, (batch_id,)).fetchone()
    return row


def test_list_items_are_kept_while_the_row_is_unchanged(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.transaction() as conn:
        a = create_batch(conn, NewBatch(PROJECT, "u", "EMU_FREE", "MEDIUM", True, "{}"),
                         jobs(4), new_id, T0)  # fmt: skip
    items = BatchItems(JobIdsCache())

    def listed() -> dict[str, object]:
        with store.reader() as conn:
            row = list_row(conn, a)
            item = json.loads(items.json_of(conn, [row])[0])
            assert item == {**batch_out(row), "job_ids": fresh(conn, a)}  # what a fresh read gives
            return item

    first = listed()
    with store.reader() as conn:
        row = conn.execute(
            f"SELECT {BATCH_LIST_COLUMNS} FROM batches WHERE id = ?", (a,)
        ).fetchone()
        assert items.json_of(conn, [row])[0] is items.json_of(conn, [row])[0]  # kept, not rebuilt
    with store.transaction() as conn:
        add_jobs(conn, a, jobs(2), new_id, T1)
    grown = listed()
    assert grown["jobs_count"] == 6 and len(grown["job_ids"]) == 6  # type: ignore[arg-type]
    with store.transaction() as conn:
        conn.execute("UPDATE batches SET tags = ? WHERE id = ?", ('["moved"]', a))
    tagged = listed()
    assert tagged["tags"] == ["moved"] and first["tags"] == []
    store.close()
