"""What an export holds: the rows of jobs, batches and error groups, in one shape for the
commands' ``--csv`` / ``--json`` and the dashboard's `E`; and every page of a filtered job list.

CSV rows are flat (the user's tags, errors joined); JSON keeps the API's own fields.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pasqal_tui.cloud.filters import JobFilters
from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.cloud.models import Batch, Job
from pasqal_tui.cloud.parsing import checked_id
from pasqal_tui.core.tabular import write_file
from pasqal_tui.ops.lookup import full_batch_id, resolve_batch_id
from pasqal_tui.ops.queries import JOB_ORDER
from pasqal_tui.ops.triage import ErrorGroup

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

__all__ = [
    "BATCH_COLUMNS",
    "GROUP_COLUMNS",
    "JOB_COLUMNS",
    "all_jobs",
    "batch_row",
    "documents",
    "export_groups",
    "export_jobs",
    "group_row",
    "job_row",
    "jobs_of_batch",
]

BATCH_COLUMNS = ("id", "status", "device_type", "jobs", "done", "error", "open", "created_at",
                 "tags")  # fmt: skip
JOB_COLUMNS = ("id", "status", "runs", "variables", "errors", "created_at", "end_timestamp")
GROUP_COLUMNS = ("jobs", "runs", "batches", "devices", "message", "example", "job_ids",
                 "batch_ids")  # fmt: skip
Progress = Callable[[int, int], None]


def batch_row(batch: Batch) -> dict[str, Any]:
    counts = batch.jobs_count_per_status or {}
    return {
        "id": batch.id,
        "status": batch.status.value,
        "device_type": batch.device_type,
        "jobs": batch.jobs_count,
        "done": counts.get("DONE", 0),
        "error": counts.get("ERROR", 0),
        "open": batch.open,
        "created_at": batch.created_at.isoformat(),
        "tags": user_tags(batch.tags),  # the request markers are the app's, not the user's
    }


def job_row(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status.value,
        "runs": job.runs,
        "variables": job.variables or {},
        "errors": " | ".join(job.errors or []),
        "created_at": job.created_at.isoformat(),
        "end_timestamp": job.end_timestamp.isoformat() if job.end_timestamp else None,
    }


def group_row(group: ErrorGroup) -> dict[str, Any]:
    return {
        "jobs": group.count,
        "runs": group.runs,
        "batches": len(group.batches),
        "devices": sorted(group.devices),
        "message": group.message,
        "example": group.example,
        "job_ids": group.job_ids,
        "batch_ids": sorted(group.batches),
    }


def documents(items: list[Job] | list[Batch]) -> list[dict[str, Any]]:
    """The API's own fields, for JSON."""
    return [item.model_dump(mode="json", exclude_none=True) for item in items]


async def all_jobs(
    client: PasqalClient,
    filters: JobFilters,
    *,
    direction: str = "ASC",
    progress: Progress | None = None,
) -> list[Job]:
    """Every page of a filtered job list in creation order (``direction``), several pages in
    flight (``PasqalClient.every_job``); ``progress(read, total)`` after each page."""
    return await client.every_job(
        filters, order_by=JOB_ORDER, order_by_direction=direction, progress=progress
    )


async def jobs_of_batch(
    client: PasqalClient,
    batch: str,
    filters: JobFilters | None = None,
    *,
    direction: str = "ASC",
    progress: Progress | None = None,
) -> list[Job]:
    """Every job of the batch ``batch`` names (a full id or a unique prefix) that ``filters``
    match. A full id is not looked up first, which would cost a round trip and the batch's job
    ids (4 MB for 100,000 jobs): only an empty answer is checked, so an id that names no batch
    is still reported as such (``NotFoundError``)."""
    full = full_batch_id(batch)
    bid = checked_id(full, "batch id") if full else await resolve_batch_id(client, batch)
    scoped = JobFilters.model_validate(
        {**(filters.model_dump(exclude_none=True) if filters else {}), "batch_id": [bid]}
    )
    jobs = await all_jobs(client, scoped, direction=direction, progress=progress)
    if not jobs and full:
        await client.get_batch(bid)  # NotFoundError (or a bad id) if it names no batch
    return jobs


async def export_jobs(
    client: PasqalClient,
    filters: JobFilters,
    path: Path,
    *,
    direction: str = "ASC",
    progress: Progress | None = None,
) -> int:
    """Write every job ``filters`` match to ``path`` (CSV or JSON by its name); the count."""
    jobs = await all_jobs(client, filters, direction=direction, progress=progress)
    rows = [job_row(j) for j in jobs]
    await asyncio.to_thread(write_file, path, rows, JOB_COLUMNS, documents(jobs))
    return len(jobs)


def export_groups(groups: list[ErrorGroup], path: Path) -> int:
    """Write error groups to ``path`` (the rows `pasqal-tui errors --json` prints)."""
    rows = [group_row(g) for g in groups]
    write_file(path, rows, GROUP_COLUMNS)
    return len(rows)
