"""Query-string filters of SPEC §5 as FastAPI dependencies (documented in `/docs`).

Lists arrive as repeated keys, booleans as `True`/`False` (or lower case), datetimes as naive
(UTC) or offset ISO-8601; parameters nobody asked for are ignored. Values that cannot match
anything or cannot be stored are refused with a 400 naming them: an unknown status or device
type (a typo would otherwise look like an empty result), integers beyond signed 64 bits, dates
that overflow once converted to UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from pasqal_tui.localcloud.devices import DEVICE_TYPES
from pasqal_tui.localcloud.errors import invalid
from pasqal_tui.localcloud.hygiene import INT64_MAX, bad_value, int64, one_of, utc
from pasqal_tui.localcloud.queries import BatchFilters, JobFilters

# SDK enums (SPEC §3.6, §3.7): PAUSED and TIMED_OUT are legal names even where unused here,
# and FRESNEL_CAN1 is a device the SDK knows; filtering on them simply matches nothing.
BATCH_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")
JOB_STATUSES = BATCH_STATUSES
FILTER_DEVICE_TYPES = (*DEVICE_TYPES, "FRESNEL_CAN1")
ORDER_KEYS = ("creation_order", "ordered_id", "created_at")
DIRECTIONS = ("ASC", "DESC")
# Each value is one SQL parameter; SQLite allows ~32k per statement.
MAX_LIST_VALUES = 1000


def _values_doc(values: tuple[str, ...]) -> str:
    return "One or more of: " + ", ".join(values) + " (repeat the key for several)."


ListParam = Annotated[list[str] | None, Query(description="Repeat the key for several values.")]
StatusParam = Annotated[list[str] | None, Query(description=_values_doc(BATCH_STATUSES))]
DeviceParam = Annotated[list[str] | None, Query(description=_values_doc(FILTER_DEVICE_TYPES))]
_INT64_DOC = {"minimum": 0, "maximum": INT64_MAX}
Count = Annotated[
    int | None, Query(description="Inclusive bound on runs.", json_schema_extra=_INT64_DOC)
]
Date = Annotated[
    datetime | None, Query(description="ISO-8601; naive means UTC. Compared to created_at.")
]


def _list(values: list[str] | None, field: str) -> list[str]:
    kept = [v for v in values or [] if v != ""]
    if len(kept) > MAX_LIST_VALUES:
        raise bad_value(field, f"at most {MAX_LIST_VALUES} values, got {len(kept)}.")
    return kept


def direction(value: str | None, field: str = "order_by_direction") -> str | None:
    """ASC or DESC in any case, upper-cased; None when not given."""
    if value is None:
        return None
    return one_of([value.upper()], DIRECTIONS, field)[0]


async def batch_filters(
    id: ListParam = None,
    project_id: ListParam = None,
    user_id: ListParam = None,
    device_type: DeviceParam = None,
    status: StatusParam = None,
    queue_priority: ListParam = None,
    open: bool | None = None,
    start_date: Date = None,
    end_date: Date = None,
    tag: str | None = None,
) -> BatchFilters:
    return BatchFilters(
        ids=_list(id, "id"),
        project_ids=_list(project_id, "project_id"),
        user_ids=_list(user_id, "user_id"),
        device_types=one_of(_list(device_type, "device_type"), FILTER_DEVICE_TYPES, "device_type"),
        statuses=one_of(_list(status, "status"), BATCH_STATUSES, "status"),
        # SPEC §3.6: any queue priority string is accepted.
        queue_priorities=_list(queue_priority, "queue_priority"),
        open=open,
        start_date=utc(start_date, "start_date"),
        end_date=utc(end_date, "end_date"),
        tag=tag,
    )


async def _job_filters(
    id: ListParam = None,
    status: StatusParam = None,
    min_runs: Count = None,
    max_runs: Count = None,
    start_date: Date = None,
    end_date: Date = None,
) -> JobFilters:
    return _make_job_filters(id, status, min_runs, max_runs, start_date, end_date)


def _make_job_filters(
    id: list[str] | None,
    status: list[str] | None,
    min_runs: int | None,
    max_runs: int | None,
    start_date: datetime | None,
    end_date: datetime | None,
) -> JobFilters:
    for value, field in ((min_runs, "min_runs"), (max_runs, "max_runs")):
        if value is not None:
            int64(value, field, 0)
    if min_runs is not None and max_runs is not None and min_runs > max_runs:
        raise invalid(f"min_runs ({min_runs}) is greater than max_runs ({max_runs}).")
    return JobFilters(
        ids=_list(id, "id"),
        statuses=one_of(_list(status, "status"), JOB_STATUSES, "status"),
        min_runs=min_runs,
        max_runs=max_runs,
        start_date=utc(start_date, "start_date"),
        end_date=utc(end_date, "end_date"),
    )


async def job_filters(
    base: Annotated[JobFilters, Depends(_job_filters)],
    project_id: ListParam = None,
    user_id: ListParam = None,
    batch_id: ListParam = None,
    errors: bool | None = None,
) -> JobFilters:
    base.project_ids = _list(project_id, "project_id")
    base.user_ids = _list(user_id, "user_id")
    base.batch_ids = _list(batch_id, "batch_id")
    base.errors = errors
    return base


async def rebatch_filters(base: Annotated[JobFilters, Depends(_job_filters)]) -> JobFilters:
    return base


async def cancel_job_filters(
    id: ListParam = None,
    min_runs: Count = None,
    max_runs: Count = None,
    start_date: Date = None,
    end_date: Date = None,
) -> JobFilters:
    return _make_job_filters(id, None, min_runs, max_runs, start_date, end_date)


async def _offset(
    offset: Annotated[
        int,
        Query(description="Items to skip.", json_schema_extra=_INT64_DOC),
    ] = 0,
) -> int:
    return int64(offset, "offset", 0)


Offset = Annotated[int, Depends(_offset)]
Limit = Annotated[int, Query(ge=1, le=100)]
