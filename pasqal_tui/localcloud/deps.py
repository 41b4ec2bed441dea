"""FastAPI dependencies: the server context and the authenticated caller."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.security import token_digest


def get_cloud(request: Request) -> Cloud:
    cloud: Cloud = request.app.state.cloud
    return cloud


CloudDep = Annotated[Cloud, Depends(get_cloud)]


@dataclass(frozen=True)
class Caller:
    user_id: str
    username: str
    project_ids: tuple[str, ...]


def get_caller(request: Request, cloud: CloudDep) -> Caller:
    """401 unless the bearer token is known and unexpired."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token: log in at /oauth/token first.")
    user = cloud.store.token_owner(token_digest(token.strip()), time.time())
    if user is None:
        raise ApiError(401, "Invalid or expired token: log in again.")
    projects = cloud.store.user_projects(str(user["id"]))
    return Caller(str(user["id"]), str(user["username"]), tuple(str(p["id"]) for p in projects))


CallerDep = Annotated[Caller, Depends(get_caller)]
