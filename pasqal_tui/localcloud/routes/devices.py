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
async def specs(cloud: CloudDep, caller: CallerDep) -> JSONResponse:
    return ok(await cloud.specs())


@router.get("/v1/devices/public-specs", summary="Public specs list, no auth (op 20)")
async def public_specs(cloud: CloudDep) -> JSONResponse:
    specs = await cloud.specs()
    return ok(
        [{"device_type": name, "specs": spec, "available": True} for name, spec in specs.items()]
    )
