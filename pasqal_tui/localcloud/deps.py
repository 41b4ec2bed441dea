"""FastAPI dependencies: the server context and the authenticated caller."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.security import token_digest


def cloud_of(request: Request) -> Cloud:
    cloud: Cloud = request.app.state.cloud
    return cloud


async def get_cloud(request: Request) -> Cloud:
    """A dependency (async: FastAPI runs a plain `def` one in a worker thread, a hop per
    dependency per request)."""
    return cloud_of(request)


CloudDep = Annotated[Cloud, Depends(get_cloud)]


@dataclass(frozen=True)
class Caller:
    user_id: str
    username: str
    project_ids: tuple[str, ...]


def authenticate(request: Request) -> Caller:
    """401 unless the bearer token is known and unexpired. `CloudRoute` calls this before
    it reads the body; the result is kept on the request so the dependency reuses it."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    cloud = cloud_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token: log in at /oauth/token first.")
    with cloud.store.reader():  # one snapshot for both reads (one BEGIN, not two)
        user = cloud.store.token_owner(token_digest(token.strip()), time.time())
        if user is None:
            raise ApiError(401, "Invalid or expired token: log in again.")
        projects = cloud.store.user_projects(str(user["id"]))
    caller = Caller(str(user["id"]), str(user["username"]), tuple(str(p["id"]) for p in projects))
    request.state.caller = caller
    return caller


async def get_caller(request: Request) -> Caller:
    """The dependency every authenticated route declares (and `CloudRoute` looks for); it
    runs after `CloudRoute` authenticated, so it only reads the result back."""
    return authenticate(request)


CallerDep = Annotated[Caller, Depends(get_caller)]
