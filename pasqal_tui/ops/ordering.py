"""Sort keys of the table columns, for ordering a loaded page on the client.

The API orders batches newest first and jobs by creation order (either way); every other
order is applied to the rows already loaded. Rows without a value (no start time yet, no runs)
always come last, whichever the direction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.cloud.models import Job

__all__ = ["BATCH_KEYS", "JOB_KEYS", "SortKey", "sort_items"]

T = TypeVar("T")
SortKey = Callable[[Any], Any]


def _first_error(job: Job) -> str | None:
    return job.errors[0].strip().lower() if job.errors else None


def _variables(job: Job) -> str | None:
    if not job.variables:
        return None
    return " ".join(f"{k}={v}" for k, v in job.variables.items())


BATCH_KEYS: dict[str, SortKey] = {
    "id": lambda b: b.id,
    "status": lambda b: b.status.value,
    "device": lambda b: b.device_type,
    "jobs": lambda b: b.jobs_count,
    "created": lambda b: b.created_at,
    "updated": lambda b: b.updated_at,
    "open": lambda b: b.open,
    "tags": lambda b: ", ".join(user_tags(b.tags)).lower() or None,
    "parent": lambda b: b.parent_id,
}
JOB_KEYS: dict[str, SortKey] = {
    "id": lambda j: j.id,
    "status": lambda j: j.status.value,
    "runs": lambda j: j.runs,
    "variables": _variables,
    "error": _first_error,
    "created": lambda j: j.created_at,
    "started": lambda j: j.start_timestamp,
    "ended": lambda j: j.end_timestamp,
}


def sort_items(items: Sequence[T], key: SortKey, *, descending: bool) -> list[T]:
    """``items`` ordered by ``key``, stable, with the rows that have no value last."""
    valued = [i for i in items if key(i) is not None]
    empty = [i for i in items if key(i) is None]
    return sorted(valued, key=key, reverse=descending) + empty
