"""Request bodies: size-limited, gzip-aware (SDK 0.22+), strictly parsed, and only read once
the caller is authenticated.

Every router uses `CloudRoute`. For a route that needs a bearer token, the token is checked
before a single byte of the body is read, so an anonymous client cannot make the server read,
inflate or parse anything. The body is then read against `Settings.max_body_bytes`, both on
the wire and after decompression; gzip is inflated chunk by chunk with a cap, so a small gzip
bomb never grows beyond the limit in memory. JSON is parsed strictly (`hygiene.parse_json`)
before FastAPI validates it, so nothing the store or the encoder cannot take back is accepted.
"""

from __future__ import annotations

import contextlib
import email.message
import inspect
import json
import zlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from pasqal_tui.localcloud.deps import authenticate, get_caller
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.hygiene import parse_json
from pasqal_tui.localcloud.reads import on_loop

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def too_large(limit: int, what: str) -> ApiError:
    return ApiError(413, f"Request body is larger than {limit} bytes {what}: send less at once.")


async def _limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large(limit, "on the wire")
        yield chunk


class _Gunzip:
    """Streaming gzip (several members allowed, as `gzip.decompress`) with an output cap."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._inflater = zlib.decompressobj(_GZIP_WBITS)
        self._member_started = False

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        while data:
            self._member_started = True
            try:
                part = self._inflater.decompress(data, self._limit - self._size + 1)
            except zlib.error as exc:
                raise ApiError(400, f"Request body is not valid gzip: {exc}") from None
            self._size += len(part)
            if self._size > self._limit:
                raise too_large(self._limit, "once decompressed")
            out.append(part)
            if self._inflater.eof:
                data = self._inflater.unused_data
                self._inflater = zlib.decompressobj(_GZIP_WBITS)
                self._member_started = False
            else:
                data = self._inflater.unconsumed_tail
        return out

    def close(self) -> None:
        if self._member_started:
            raise ApiError(400, "Request body is not valid gzip: it ends before the gzip end.")


def is_json(content_type: str | None) -> bool:
    """Whether FastAPI would parse this body as JSON (a missing type counts, as it did)."""
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


class CloudRequest(Request):
    """A request whose body is capped, gunzipped when `Content-Encoding: gzip` says so, and
    whose JSON is parsed by `hygiene.parse_json` (lone surrogates, huge integers... refused)."""

    json_root = ""
    # A route may ask for less than the server-wide limit (the token endpoint does).
    body_limit: int | None = None

    @property
    def max_body_bytes(self) -> int:
        limit: int = self.app.state.cloud.settings.max_body_bytes
        return limit if self.body_limit is None else min(limit, self.body_limit)

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            limit = self.max_body_bytes
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_large(limit, "on the wire")
            encoding = self.headers.get("content-encoding", "").lower()
            gunzip = _Gunzip(limit) if "gzip" in encoding else None
            parts: list[bytes] = []
            async for chunk in _limited(self.stream(), limit):
                parts.extend(gunzip.feed(chunk) if gunzip else [chunk])
            if gunzip:
                gunzip.close()
            self._body = b"".join(parts)
        return self._body

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body(), self.json_root)
        return self._json


def _needs(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_needs(d, call) for d in dependant.dependencies)


def _json_root(route: APIRoute) -> str:
    """How errors name the body's top level: nothing for a model (its fields are named),
    else the parameter's name (`tags[0]` for the bare array of op 9)."""
    field = route.body_field
    if field is None:
        return ""
    annotation = getattr(field.field_info, "annotation", None)
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return "" if is_model else str(field.alias)


class CloudRoute(APIRoute):
    """Authenticate first, then read and check the body, then run FastAPI's handler. A GET
    (a plain `def`) runs on the event loop (`reads.py`), its authentication too."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.reads = set(kwargs.get("methods") or ()) <= {"GET", "HEAD"}
        if self.reads and not inspect.iscoroutinefunction(endpoint):
            endpoint = on_loop(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        needs_auth = _needs(self.dependant, get_caller)
        takes_body = self.body_field is not None
        root = _json_root(self)

        async def wrapped(request: Request) -> Response:
            cloud_request = CloudRequest(request.scope, request.receive)
            cloud_request.json_root = root
            try:
                if needs_auth and self.reads:
                    authenticate(cloud_request)
                elif needs_auth:
                    await run_in_threadpool(authenticate, cloud_request)
                body = await cloud_request.body() if takes_body else b""
                if body and is_json(cloud_request.headers.get("content-type")):
                    # A syntax error is left to FastAPI, which answers it with its usual 422.
                    with contextlib.suppress(json.JSONDecodeError):
                        await cloud_request.json()
                return await handler(cloud_request)
            except ClientDisconnect:
                # The client left mid-body (e.g. gave up on a big upload): nobody reads this,
                # and it is no server error worth a traceback in the log.
                return Response(status_code=400)

        return wrapped
