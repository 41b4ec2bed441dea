"""One router per resource; `all_routers` is what `create_app` mounts."""

from __future__ import annotations

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    from pasqal_tui.localcloud.routes import (
        auth,
        batches,
        devices,
        jobs,
        projects,
        results,
        workloads,
    )

    return [
        auth.router,
        batches.router,
        jobs.router,
        workloads.router,
        devices.router,
        projects.router,
        results.router,
    ]
