"""Workloads: ops 16-18 of SPEC §4."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.context import Cloud, random_id
from pasqal_tui.localcloud.deps import Caller, CallerDep, CloudDep
from pasqal_tui.localcloud.errors import ApiError, not_found
from pasqal_tui.localcloud.queries import get_workload
from pasqal_tui.localcloud.routes.answers import CHANGE_ONE, READ_ONE, answers
from pasqal_tui.localcloud.routes.results import signed_url
from pasqal_tui.localcloud.schemas import WorkloadCreate, ok, workload_out
from pasqal_tui.localcloud.workload_store import cancel_workload, create_workload

router = APIRouter(prefix="/core-fast/api", tags=["workloads"], route_class=CloudRoute)


def _owned(conn: sqlite3.Connection, workload_id: str, caller: Caller) -> sqlite3.Row:
    row = get_workload(conn, workload_id, caller.project_ids)
    if row is None:
        raise not_found("Workload", workload_id)
    return row


def _out(request: Request, cloud: Cloud, row: sqlite3.Row) -> JSONResponse:
    link = None
    if row["result"] is not None:
        link = signed_url(request, cloud, "workloads", str(row["id"]))
    return ok(workload_out(row, link))


@router.post(
    "/v1/workloads",
    summary="Create a workload (op 16)",
    responses=answers(400, 401, 403, 413, 422),
)
def create(
    body: WorkloadCreate, request: Request, cloud: CloudDep, caller: CallerDep
) -> JSONResponse:
    if body.project_id not in caller.project_ids:
        raise ApiError(403, f"Project {body.project_id} is not one of your projects.")
    workload_id = random_id()
    with cloud.store.transaction() as conn:
        create_workload(
            conn,
            workload_id=workload_id,
            project_id=body.project_id,
            user_id=caller.user_id,
            workload_type=body.workload_type,
            backend=body.backend,
            config=body.config,
            now=cloud.clock.now_iso(),
        )
        row = conn.execute("SELECT * FROM workloads WHERE id = ?", (workload_id,)).fetchone()
    cloud.wake()
    return _out(request, cloud, row)


@router.get("/v2/workloads/{workload_id}", summary="Get a workload (op 17)", responses=READ_ONE)
def get(workload_id: str, request: Request, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.reader() as conn:
        row = _owned(conn, workload_id, caller)
    return _out(request, cloud, row)


@router.put(
    "/v1/workloads/{workload_id}/cancel", summary="Cancel a workload (op 18)", responses=CHANGE_ONE
)
def cancel(workload_id: str, request: Request, cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    with cloud.store.transaction() as conn:
        row = _owned(conn, workload_id, caller)
        cancel_workload(conn, row, cloud.clock.now_iso())
        row = conn.execute("SELECT * FROM workloads WHERE id = ?", (workload_id,)).fetchone()
    return _out(request, cloud, row)
