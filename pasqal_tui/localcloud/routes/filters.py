"""Query-string filters of SPEC §5 as FastAPI dependencies (documented in `/docs`).

Lists arrive as repeated keys, booleans as `True`/`False` (or lower case), datetimes as naive
(UTC) or offset ISO-8601; parameters nobody asked for are ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from pasqal_tui.localcloud.errors import invalid
from pasqal_tui.localcloud.queries import BatchFilters, JobFilters

ListParam = Annotated[list[str] | None, Query()]


def _list(values: list[str] | None) -> list[str]:
    return [v for v in values or [] if v != ""]


def batch_filters(
    id: ListParam = None,
    project_id: ListParam = None,
    user_id: ListParam = None,
    device_type: ListParam = None,
    status: ListParam = None,
    queue_priority: ListParam = None,
    open: bool | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    tag: str | None = None,
) -> BatchFilters:
    return BatchFilters(
        ids=_list(id),
        project_ids=_list(project_id),
        user_ids=_list(user_id),
        device_types=_list(device_type),
        statuses=_list(status),
        queue_priorities=_list(queue_priority),
        open=open,
        start_date=start_date,
        end_date=end_date,
        tag=tag,
    )


def _job_filters(
    id: ListParam = None,
    status: ListParam = None,
    min_runs: int | None = None,
    max_runs: int | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> JobFilters:
    if min_runs is not None and max_runs is not None and min_runs > max_runs:
        raise invalid(f"min_runs ({min_runs}) is greater than max_runs ({max_runs}).")
    return JobFilters(
        ids=_list(id),
        statuses=_list(status),
        min_runs=min_runs,
        max_runs=max_runs,
        start_date=start_date,
        end_date=end_date,
    )


def job_filters(
    base: Annotated[JobFilters, Depends(_job_filters)],
    project_id: ListParam = None,
    user_id: ListParam = None,
    batch_id: ListParam = None,
    errors: bool | None = None,
) -> JobFilters:
    base.project_ids = _list(project_id)
    base.user_ids = _list(user_id)
    base.batch_ids = _list(batch_id)
    base.errors = errors
    return base


def rebatch_filters(base: Annotated[JobFilters, Depends(_job_filters)]) -> JobFilters:
    return base


def cancel_job_filters(
    id: ListParam = None,
    min_runs: int | None = None,
    max_runs: int | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> JobFilters:
    return _job_filters(id, None, min_runs, max_runs, start_date, end_date)


Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=100)]
