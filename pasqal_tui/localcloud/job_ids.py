"""The `job_ids` of batches as JSON text, kept between requests.

Every batch in a list page and every `GET /v2/batches/{id}` carries its job ids in creation
order, as the real service's do: 20 batches of 1,000 jobs make a 800 KB page that took 60 ms
to read and write on each poll, and a 100,000-job batch 3.7 MB. A batch's job ids only ever
grow at the end (jobs are added to an open batch, never removed nor reordered), so the list for
a given `jobs_count` never changes: it is written once and kept, keyed by (batch, jobs_count).
A batch whose count and ids disagree (a database written by hand) is never kept.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence

__all__ = ["JobIdsCache"]

Key = tuple[str, int]


class JobIdsCache:
    """At most ``max_chars`` of JSON text, least recently used out first (thread-safe)."""

    def __init__(self, max_chars: int = 64 * 1024 * 1024) -> None:
        self.max_chars = max_chars
        self._kept: OrderedDict[Key, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def json_of(self, conn: sqlite3.Connection, batches: Sequence[sqlite3.Row]) -> dict[str, str]:
        """Batch id -> its job ids as a JSON array, for rows holding `id` and `jobs_count`
        read in ``conn``'s snapshot (so a kept list and the count agree)."""
        found: dict[str, str] = {}
        missing: dict[str, int] = {}
        with self._lock:
            for row in batches:
                key = (str(row["id"]), int(row["jobs_count"]))
                text = self._kept.get(key)
                if text is None:
                    missing[key[0]] = key[1]
                else:
                    self._kept.move_to_end(key)
                    found[key[0]] = text
        if missing:
            for batch_id, ids in _read(conn, list(missing)).items():
                text = json.dumps(ids, separators=(",", ":"))
                found[batch_id] = text
                if len(ids) == missing[batch_id]:
                    self._keep((batch_id, missing[batch_id]), text)
        return found

    def _keep(self, key: Key, text: str) -> None:
        if len(text) > self.max_chars:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = text
            self._chars += len(text)
            while self._chars > self.max_chars:
                _, dropped = self._kept.popitem(last=False)
                self._chars -= len(dropped)


def _read(conn: sqlite3.Connection, batch_ids: list[str]) -> dict[str, list[str]]:
    """The job ids of these batches, in creation order, in one query."""
    found: dict[str, list[str]] = {b: [] for b in batch_ids}
    marks = ",".join("?" * len(batch_ids))
    rows = conn.execute(
        f"SELECT batch_id, id FROM jobs WHERE batch_id IN ({marks}) ORDER BY batch_id, seq",
        batch_ids,
    )
    for batch_id, job_id in rows:
        found[str(batch_id)].append(str(job_id))
    return found
