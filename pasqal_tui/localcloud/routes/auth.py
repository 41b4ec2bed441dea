"""`POST /oauth/token`: the Auth0 password-realm and plain password grants.

SDK 0.21+ sends a form-encoded body; 0.12.5 (auth0-python 3.x) sends JSON. Errors carry the
OAuth `error` / `error_description` the SDK reads, inside the usual envelope.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.deps import CloudDep
from pasqal_tui.localcloud.schemas import fail
from pasqal_tui.localcloud.security import new_token, token_digest, verify_password

router = APIRouter(tags=["auth"])

GRANTS = ("http://auth0.com/oauth/grant-type/password-realm", "password")


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    body = fail(status, description, {"description": description})
    body.update(error=error, error_description=description)
    return JSONResponse(body, status)


async def _fields(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if "json" in request.headers.get("content-type", ""):
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8", "replace")))


def _login(cloud: Cloud, username: str, password: str, ttl: float) -> str | None:
    """The new token, or None for bad credentials (scrypt is slow: runs off the loop)."""
    user = cloud.store.user_by_name(username)
    if user is None or not verify_password(password, str(user["password_hash"])):
        return None
    access = new_token()
    now = time.time()
    cloud.store.save_token(token_digest(access), str(user["id"]), now + ttl, now)
    return access


@router.post("/oauth/token", summary="Get a bearer token (password or password-realm grant)")
async def token(request: Request, cloud: CloudDep) -> JSONResponse:
    fields = await _fields(request)
    grant = fields.get("grant_type")
    if grant not in GRANTS:
        return _oauth_error(
            400, "unsupported_grant_type", f"grant_type must be one of {', '.join(GRANTS)}."
        )
    username, password = fields.get("username"), fields.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return _oauth_error(400, "invalid_request", "username and password are required.")
    ttl = cloud.settings.token_ttl
    access = await asyncio.to_thread(_login, cloud, username, password, ttl)
    if access is None:
        return _oauth_error(403, "invalid_grant", "Wrong email or password.")
    return JSONResponse(
        {"access_token": access, "expires_in": int(ttl), "token_type": "Bearer"},
        headers={"Cache-Control": "no-store"},
    )
