"""Batches: ops 1-10 and 22 of SPEC §4, at their real v1/v2 paths."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.context import Cloud, random_id
from pasqal_tui.localcloud.deps import Caller, CallerDep, CloudDep
from pasqal_tui.localcloud.errors import not_found
from pasqal_tui.localcloud.lifecycle import (
    add_jobs,
    cancel_jobs,
    close_batch,
    create_batch,
    end_batch,
    rebatch,
    set_tags,
)
from pasqal_tui.localcloud.queries import (
    BatchFilters,
    JobFilters,
    batch_jobs,
    get_batch,
    list_batches,
)
from pasqal_tui.localcloud.routes.answers import CHANGE_ONE, LIST, READ_ONE, answers
from pasqal_tui.localcloud.routes.filters import (
    Limit,
    Offset,
    batch_filters,
    cancel_job_filters,
    direction,
    rebatch_filters,
)
from pasqal_tui.localcloud.schemas import (
    BatchCreate,
    CancelBatches,
    JobItem,
    batch_out,
    counts_out,
    job_out,
    ok,
    ok_json,
    ok_page_json,
    spliced,
)
from pasqal_tui.localcloud.submission import check_batch, check_jobs

router = APIRouter(prefix="/core-fast/api", tags=["batches"], route_class=CloudRoute)


def _owned(conn: sqlite3.Connection, batch_id: str, caller: Caller) -> sqlite3.Row:
    row = get_batch(conn, batch_id, caller.project_ids)
    if row is None:
        raise not_found("Batch", batch_id)
    return row


def _with_jobs(conn: sqlite3.Connection, batch_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    out = batch_out(row)
    out["sequence_builder"] = row["sequence_builder"]
    out["jobs"] = [job_out(j, with_sequence=True) for j in batch_jobs(conn, batch_id)]
    return out


def _changed(cloud: Cloud, batch_id: str) -> JSONResponse:
    cloud.wake()
    with cloud.store.read() as conn:
        return ok(_with_jobs(conn, batch_id))


@router.post(
    "/v1/batches", summary="Create a batch (op 1)", responses=answers(400, 401, 403, 413, 422)
)
def create(body: BatchCreate, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    projects = {
        str(p["id"]): str(p["queue_priority"]) for p in cloud.store.user_projects(caller.user_id)
    }
    spec, jobs = check_batch(body, caller.user_id, projects)
    with cloud.store.transaction() as conn:
        batch_id = create_batch(conn, spec, jobs, random_id, cloud.clock.now_iso())
    return _changed(cloud, batch_id)


@router.get("/v1/batches", summary="List batches, newest first (op 3)", responses=LIST)
def list_(
    cloud: CloudDep,
    caller: CallerDep,
    filters: Annotated[BatchFilters, Depends(batch_filters)],
    offset: Offset,
    limit: Limit = 100,
    order_by_direction: str = "DESC",
) -> Response:
    ascending = direction(order_by_direction) == "ASC"
    with cloud.store.reader() as conn:
        rows, total = list_batches(conn, caller.project_ids, filters, offset, limit, ascending)
        items = cloud.batch_items.json_of(conn, rows)
    return ok_page_json(items, total, offset)


@router.get(
    "/v2/batches/{batch_id}", summary="Get a batch with its job ids (op 2)", responses=READ_ONE
)
def get(batch_id: str, cloud: CloudDep, caller: CallerDep) -> Response:
    with cloud.store.reader() as conn:
        row = _owned(conn, batch_id, caller)
        job_ids = cloud.job_ids.json_of(conn, [row])[str(row["id"])]
    out = {**batch_out(row), "sequence_builder": row["sequence_builder"]}
    return ok_json(spliced(out, {"job_ids": job_ids}))


@router.get(
    "/v1/batches/{batch_id}/status",
    summary="Batch status and job counts (op 22)",
    responses=READ_ONE,
)
def status(batch_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.reader() as conn:
        row = _owned(conn, batch_id, caller)
    return ok({"status": row["status"], "jobs_count_per_status": counts_out(row)})


@router.patch(
    "/v2/batches/{batch_id}/complete", summary="Close an open batch (op 4)", responses=READ_ONE
)
def complete(batch_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.transaction() as conn:
        _owned(conn, batch_id, caller)
        close_batch(conn, batch_id, cloud.clock.now_iso())
    return _changed(cloud, batch_id)


@router.patch(
    "/v2/batches/{batch_id}/cancel", summary="Cancel a batch (op 5)", responses=CHANGE_ONE
)
def cancel(batch_id: str, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.transaction() as conn:
        _owned(conn, batch_id, caller)
        end_batch(conn, batch_id, "CANCELED", cloud.clock.now_iso())
    return _changed(cloud, batch_id)


_CANCEL_MANY = answers(400, 401, 413, 422)


@router.patch("/v1/batches/cancel", summary="Cancel several batches (op 6)", responses=_CANCEL_MANY)
@router.patch("/v2/batches/cancel", include_in_schema=False, responses=_CANCEL_MANY)
def cancel_many(body: CancelBatches, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    done: list[str] = []
    errors: dict[str, str] = {}
    for batch_id in body.batch_ids:
        with cloud.store.transaction() as conn:
            row = get_batch(conn, batch_id, caller.project_ids)
            if row is None:
                errors[batch_id] = "Batch not found."
            elif row["status"] in ("DONE", "ERROR", "CANCELED", "TIMED_OUT"):
                errors[batch_id] = f"Batch is already {row['status']}."
            else:
                end_batch(conn, batch_id, "CANCELED", cloud.clock.now_iso())
                done.append(batch_id)
    cloud.wake()
    with cloud.store.read() as conn:
        batches = [_with_jobs(conn, b) for b in done]
    return ok({"batches": batches, "errors": errors})


@router.post(
    "/v1/batches/{batch_id}/rebatch",
    summary="Copy jobs into a new batch (op 7)",
    responses=answers(400, 401, 404, 409, 422),
)
def rebatch_(
    batch_id: str,
    cloud: CloudDep,
    caller: CallerDep,
    filters: Annotated[JobFilters, Depends(rebatch_filters)],
) -> JSONResponse:
    with cloud.store.transaction() as conn:
        _owned(conn, batch_id, caller)
        new_id = rebatch(conn, batch_id, filters, random_id, cloud.clock.now_iso())
    return _changed(cloud, new_id)


@router.post(
    "/v2/batches/{batch_id}/jobs",
    summary="Add jobs to an open batch (op 8)",
    responses=answers(400, 401, 404, 409, 413, 422),
)
def add(
    batch_id: str, jobs: Annotated[list[JobItem], Body()], cloud: CloudDep, caller: CallerDep
) -> JSONResponse:
    with cloud.store.transaction() as conn:
        row = _owned(conn, batch_id, caller)
        new = check_jobs(jobs, row["sequence_builder"] is not None, str(row["device_type"]))
        add_jobs(conn, batch_id, new, random_id, cloud.clock.now_iso())
    return _changed(cloud, batch_id)


@router.patch(
    "/v1/batches/{batch_id}/tags",
    summary="Replace a batch's tags (op 9)",
    responses=answers(400, 401, 404, 413, 422),
)
def replace_tags(
    batch_id: str, tags: Annotated[list[str], Body()], cloud: CloudDep, caller: CallerDep
) -> JSONResponse:
    with cloud.store.transaction() as conn:
        _owned(conn, batch_id, caller)
        set_tags(conn, batch_id, tags, cloud.clock.now_iso())
    return _changed(cloud, batch_id)


@router.patch(
    "/v2/batches/{batch_id}/cancel/jobs",
    summary="Cancel jobs of a batch (op 10)",
    responses=answers(400, 401, 404, 422),
)
def cancel_some(
    batch_id: str,
    cloud: CloudDep,
    caller: CallerDep,
    filters: Annotated[JobFilters, Depends(cancel_job_filters)],
) -> JSONResponse:
    with cloud.store.transaction() as conn:
        _owned(conn, batch_id, caller)
        canceled, errors = cancel_jobs(conn, batch_id, filters, cloud.clock.now_iso())
    cloud.wake()
    with cloud.store.read() as conn:
        # One JSON parameter, not one per job: a big batch has more jobs than SQLite allows
        # parameters in a statement.
        rows = conn.execute(
            "SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY seq",
            (json.dumps(canceled),),
        ).fetchall()
    return ok({"jobs": [job_out(r) for r in rows], "errors": errors})
