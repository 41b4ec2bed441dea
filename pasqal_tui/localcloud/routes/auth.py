"""`POST /oauth/token`: the Auth0 password-realm and plain password grants.

SDK 0.21+ sends a form-encoded body; 0.12.5 (auth0-python 3.x) sends JSON. Errors carry the
OAuth `error` / `error_description` the SDK reads, inside the usual envelope. Failed password
checks are throttled per user name and per client address (`throttle.SignInThrottle`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pasqal_tui.localcloud.bodies import CloudRequest, CloudRoute
from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.deps import CloudDep
from pasqal_tui.localcloud.routes.answers import answers
from pasqal_tui.localcloud.schemas import JSendResponse, OAuthFail, fail
from pasqal_tui.localcloud.security import new_token, token_digest, verify_password

router = APIRouter(tags=["auth"], route_class=CloudRoute)

GRANTS = ("http://auth0.com/oauth/grant-type/password-realm", "password")
# A sign-in form is a few hundred bytes; anyone may post here, so it gets no more than this
# (a 16 MiB form of empty fields would cost far more memory once parsed).
TOKEN_BODY_LIMIT = 64 * 1024

_FIELDS = {
    "type": "object",
    "required": ["grant_type", "username", "password"],
    "properties": {
        "grant_type": {"type": "string", "enum": list(GRANTS)},
        "username": {"type": "string"},
        "password": {"type": "string", "format": "password"},
    },
    "additionalProperties": True,
}
_TOKEN = {
    "type": "object",
    "properties": {
        "access_token": {"type": "string"},
        "expires_in": {"type": "integer"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
    },
}
_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": _FIELDS},
            "application/json": {"schema": _FIELDS},
        },
    },
    "responses": {"200": {"content": {"application/json": {"schema": _TOKEN}}}},
}


def _oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = fail(status, description, {"description": description})
    body.update(error=error, error_description=description)
    return JSendResponse(body, status, headers=headers)


async def _fields(request: Request) -> dict[str, Any]:
    if isinstance(request, CloudRequest):
        request.body_limit = TOKEN_BODY_LIMIT
    raw = await request.body()
    if "json" in request.headers.get("content-type", ""):
        try:
            data = await request.json() if raw else {}
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


def _throttled(seconds: int) -> JSONResponse:
    return _oauth_error(
        429,
        "too_many_attempts",
        f"Too many failed sign-ins: try again in {seconds} s.",
        {"Retry-After": str(seconds)},
    )


@router.post(
    "/oauth/token",
    summary="Get a bearer token (password or password-realm grant)",
    responses=answers(400, 403, 413, 429, model=OAuthFail),
    openapi_extra=_DOC,
)
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
    address = request.client.host if request.client else ""
    throttle = cloud.throttle
    async with throttle.lock(username):
        wait = throttle.retry_after(username, address)
        if wait:
            return _throttled(wait)
        ttl = cloud.settings.token_ttl
        access = await asyncio.to_thread(_login, cloud, username, password, ttl)
        if access is None:
            throttle.failed(username, address)
            return _oauth_error(403, "invalid_grant", "Wrong email or password.")
    return JSONResponse(
        {"access_token": access, "expires_in": int(ttl), "token_type": "Bearer"},
        headers={"Cache-Control": "no-store"},
    )
