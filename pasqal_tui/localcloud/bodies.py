"""Request bodies as the SDK sends them: gzip-compressed (0.22+) or plain."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from pasqal_tui.localcloud.errors import ApiError


class GzipRequest(Request):
    """Decompresses `Content-Encoding: gzip` bodies, as SDK 0.22+ sends on batch creation."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            raw = await super().body()
            if "gzip" in self.headers.get("content-encoding", "").lower():
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError, zlib.error) as exc:
                    raise ApiError(400, f"Request body is not valid gzip: {exc}") from exc
            self._body = raw
        return self._body


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            return await handler(GzipRequest(request.scope, request.receive))

        return wrapped
