"""Account service: the caller's projects (op 21)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.deps import CallerDep, CloudDep
from pasqal_tui.localcloud.devices import DEVICE_TYPES
from pasqal_tui.localcloud.routes.answers import answers
from pasqal_tui.localcloud.schemas import ok, project_out

router = APIRouter(prefix="/account/api", tags=["projects"], route_class=CloudRoute)


@router.get(
    "/v1/projects", summary="Projects the caller belongs to (op 21)", responses=answers(401)
)
def projects(cloud: CloudDep, caller: CallerDep, project_status: str | None = None) -> JSONResponse:
    rows = cloud.store.user_projects(caller.user_id)
    data = [project_out(r, list(DEVICE_TYPES)) for r in rows]
    if project_status is not None:
        data = [p for p in data if p["project_status"] == project_status]
    return ok(data)
