"""Sorting batches into the digest's sections: what ended since then, and how; what still runs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from pasqal_tui.cloud.models import Batch
from pasqal_tui.ops.digest import Digest, digest_document, sort_batches

SINCE = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def batch(n: int, status: str, ended: int | None, **counts: int) -> Batch:
    """A batch that ended ``ended`` minutes after SINCE (negative: before), None: not ended."""
    end = SINCE + timedelta(minutes=ended) if ended is not None else None
    fields: dict[str, Any] = {
        "id": f"00000000-0000-0000-0000-{n:012d}",
        "open": False,
        "status": status,
        "device_type": "EMU_FREE",
        "project_id": "p",
        "created_at": SINCE - timedelta(days=3),
        "updated_at": end or SINCE,
        "end_datetime": end,
        "jobs_count": sum(counts.values()),
        "jobs_count_per_status": counts,
    }
    return Batch(**fields)


def ids(batches: list[Batch]) -> list[int]:
    return [int(b.id[-12:]) for b in batches]


def test_each_batch_lands_in_one_section() -> None:
    digest = sort_batches(
        [
            batch(1, "DONE", 5, DONE=3),
            batch(2, "DONE", 5, DONE=2, ERROR=1),  # a failed job alone leaves a batch DONE
            batch(3, "ERROR", 1, ERROR=2),
            batch(4, "CANCELED", 2, CANCELED=2, ERROR=1),
            batch(5, "TIMED_OUT", 3, TIMED_OUT=1),
            batch(6, "RUNNING", None, RUNNING=1),
            batch(7, "PENDING", None, PENDING=1),
            batch(8, "DONE", -1, DONE=1),  # ended before: no news
            batch(9, "ERROR", -60, ERROR=1),
        ],
        SINCE,
    )
    assert ids(digest.done) == [1]
    assert ids(digest.with_errors) == [2, 3]
    assert ids(digest.canceled) == [4] and ids(digest.timed_out) == [5]
    assert ids(digest.running) == [6, 7]
    assert digest.changed and ids(digest.ended) == [2, 3, 1, 4, 5]
    assert digest.headline() == (
        "Since 2026-03-01 12:00 UTC: 2 batches with errors, 1 batch done, 1 batch canceled, "
        "1 batch timed out, 2 batches still running"
    )


def test_running_alone_is_no_news() -> None:
    digest = sort_batches([batch(6, "RUNNING", None), batch(8, "DONE", -5)], SINCE)
    assert not digest.changed and ids(digest.running) == [6]
    assert not Digest(since=SINCE).changed
    assert Digest(since=SINCE).headline().endswith("nothing ended and nothing is running")


def test_the_json_names_every_section() -> None:
    document = digest_document(sort_batches([batch(3, "ERROR", 1, ERROR=2)], SINCE))
    assert set(document) == {"since", "with_errors", "done", "canceled", "timed_out",
                             "running", "error_groups", "batches_read", "complete"}  # fmt: skip
    (errored,) = document["with_errors"]
    assert errored["jobs_count_per_status"] == {"ERROR": 2} and document["complete"] is True
