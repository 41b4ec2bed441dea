"""Jobs: ops 11-14 and 23 of SPEC §4."""

from __future__ import annotations

import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.deps import Caller, CallerDep, CloudDep
from pasqal_tui.localcloud.errors import not_found
from pasqal_tui.localcloud.hygiene import one_of
from pasqal_tui.localcloud.job_pages import JOB_JSON, list_jobs
from pasqal_tui.localcloud.lifecycle import cancel_job
from pasqal_tui.localcloud.queries import JobFilters, get_job, result_doc
from pasqal_tui.localcloud.routes.answers import CHANGE_ONE, LIST, READ_ONE
from pasqal_tui.localcloud.routes.filters import ORDER_KEYS, Limit, Offset, direction, job_filters
from pasqal_tui.localcloud.routes.results import signed_url
from pasqal_tui.localcloud.schemas import job_out, ok, ok_page, ok_page_json

router = APIRouter(prefix="/core-fast/api", tags=["jobs"], route_class=CloudRoute)

_ORDER_DOC = "Creation order, whichever of: " + ", ".join(ORDER_KEYS) + "."


def _owned(conn: sqlite3.Connection, job_id: str, caller: Caller) -> sqlite3.Row:
    row = get_job(conn, job_id, caller.project_ids)
    if row is None:
        raise not_found("Job", job_id)
    return row


@router.get("/v2/jobs", summary="List jobs, newest first unless ordered (op 11)", responses=LIST)
def list_(
    cloud: CloudDep,
    caller: CallerDep,
    filters: Annotated[JobFilters, Depends(job_filters)],
    offset: Offset,
    limit: Limit = 100,
    order_by: Annotated[str | None, Query(description=_ORDER_DOC)] = None,
    order_by_direction: Annotated[str | None, Query(description="ASC or DESC.")] = None,
) -> Response:
    # Every accepted `order_by` means creation order; the default is newest first.
    if order_by is not None:
        one_of([order_by], ORDER_KEYS, "order_by")
    ascending = (direction(order_by_direction) or ("ASC" if order_by else "DESC")) == "ASC"
    with cloud.store.reader() as conn:
        try:
            rows, total = list_jobs(
                conn, caller.project_ids, filters, offset, limit, ascending, JOB_JSON
            )
            return ok_page_json([str(r[0]) for r in rows], total, offset)
        except (sqlite3.OperationalError, UnicodeDecodeError):
            pass  # a row SQLite cannot write as JSON: Python writes the page (same answer)
        rows, total = list_jobs(conn, caller.project_ids, filters, offset, limit, ascending)
    return ok_page([job_out(r) for r in rows], total, offset)


@router.get("/v2/jobs/{job_id}", summary="Get a job with its sequence (op 12)", responses=READ_ONE)
def get(job_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.reader() as conn:
        row = _owned(conn, job_id, caller)
    return ok(job_out(row, with_sequence=True))


@router.get("/v1/jobs/{job_id}/status", summary="Job status (op 23)", responses=READ_ONE)
def status(job_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.reader() as conn:
        row = _owned(conn, job_id, caller)
    return ok({"status": row["status"]})


@router.patch("/v2/jobs/{job_id}/cancel", summary="Cancel a job (op 13)", responses=CHANGE_ONE)
def cancel(job_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.transaction() as conn:
        row = _owned(conn, job_id, caller)
        cancel_job(conn, row, cloud.clock.now_iso())
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    cloud.wake()
    return ok(job_out(row, with_sequence=True))


@router.get(
    "/v1/jobs/{job_id}/results_link",
    summary="Signed link to a job's results (op 14)",
    responses=READ_ONE,
)
def results_link(job_id: str, request: Request, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.reader() as conn:
        _owned(conn, job_id, caller)
        has_result = result_doc(conn, job_id) is not None
    link = signed_url(request, cloud, "jobs", job_id) if has_result else None
    return ok({"results_link": link})
