"""Device specs: op 19 (authenticated map) and op 20 (public list)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.deps import CallerDep, CloudDep
from pasqal_tui.localcloud.routes.answers import answers
from pasqal_tui.localcloud.schemas import ok

router = APIRouter(prefix="/core-fast/api", tags=["devices"], route_class=CloudRoute)


@router.get(
    "/v1/devices/specs", summary="Specs of every device, by type (op 19)", responses=answers(401)
)
def specs(cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    return ok(cloud.specs())


@router.get("/v1/devices/public-specs", summary="Public specs list, no auth (op 20)")
def public_specs(cloud: CloudDep) -> JSONResponse:
    return ok(
        [
            {"device_type": name, "specs": specs, "available": True}
            for name, specs in cloud.specs().items()
        ]
    )
