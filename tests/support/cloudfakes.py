"""A scripted Pasqal Cloud behind ``httpx.MockTransport``: real client, real HTTP objects."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from pasqal_tui.cloud import PasqalClient, PasswordAuth, local

# The recorded answers of the real service; CI keeps `shared/` beside the clone, as here.
RECORDED = Path(
    os.environ.get(
        "PASQAL_API_RECORDED",
        Path(__file__).parents[2].parent / "shared" / "pasqal-api" / "recorded",
    )
)

BASE = "http://cloud.test"
ENV = local(BASE)
PROJECT = "11111111-1111-1111-1111-111111111111"
BATCH = "00000000-0000-0000-0000-000000000001"
JOB = "00000000-0000-0000-0000-000000022010"

Handler = Callable[[httpx.Request], "httpx.Response | Awaitable[httpx.Response]"]


def envelope(data: Any, *, pagination: dict[str, int] | None = None, code: int = 200) -> Any:
    body: dict[str, Any] = {"status": "success", "message": "OK.", "code": code, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return body


def fail(status: int, message: str, description: Any = None) -> httpx.Response:
    data = {"description": description} if description is not None else None
    body = {"status": "fail", "message": message, "code": str(status), "data": data}
    return httpx.Response(status, json=body)


def batch_json(batch_id: str = BATCH, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": batch_id,
        "open": False,
        "status": "PENDING",
        "device_type": "EMU_FREE",
        "project_id": PROJECT,
        "user_id": "EQZj1ZQE",
        "created_at": "2024-05-01T10:00:00+00:00",
        "updated_at": "2024-05-01T10:00:00+00:00",
        "sequence_builder": "seq",
    }
    data.update(over)
    return data


def job_json(job_id: str = JOB, batch_id: str = BATCH, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job_id,
        "batch_id": batch_id,
        "project_id": PROJECT,
        "status": "DONE",
        "runs": 100,
        "created_at": "2024-05-01T10:00:00",
        "updated_at": "2024-05-01T10:01:00",
    }
    data.update(over)
    return data


def body_of(request: httpx.Request) -> Any:
    raw = request.content
    if request.headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw) if raw else None


MakeClient = Callable[..., PasqalClient]
"""The ``make_client`` fixture: a client on the fake cloud; keyword arguments override."""
GET_BATCH = f"/core-fast/api/v2/batches/{BATCH}"
OK = httpx.Response(200, json=envelope(batch_json()))


@dataclass
class FakeCloud:
    """Routes ``(method, path)`` to handlers; serves tokens; records every request."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    tokens_issued: int = 0
    token_lifetime: float | None = 3600.0
    token_delay: float = 0.0
    token_forms: list[dict[str, str]] = field(default_factory=list)

    def on(self, method: str, path: str, handler: Handler | Any) -> None:
        """Answer with ``handler(request)``, or with the envelope of a fixed ``data``."""
        if callable(handler):
            self.routes[(method, path)] = handler
        else:
            data = handler
            self.routes[(method, path)] = lambda _r: httpx.Response(200, json=envelope(data))

    def sequence(self, method: str, path: str, responses: list[httpx.Response]) -> None:
        """Answer successive calls with successive responses (the last one repeats)."""
        queue = list(responses)

        def handler(_request: httpx.Request) -> httpx.Response:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.routes[(method, path)] = handler

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            self.token_forms.append(dict(parse_qsl(request.content.decode())))
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            self.tokens_issued += 1
            token: dict[str, Any] = {"access_token": f"token-{self.tokens_issued}"}
            if self.token_lifetime is not None:
                token["expires_in"] = self.token_lifetime
            return httpx.Response(200, json=token)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return fail(404, f"no route {request.method} {request.url.path}")
        result = handler(request)
        if not isinstance(result, httpx.Response):
            result = await result
        return result

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]


@dataclass
class Sleeps:
    """Injected ``sleep``: records delays, never waits."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def scripted_client(cloud: FakeCloud, **kwargs: Any) -> PasqalClient:
    """A client of ``cloud`` signed in as a fixed user, in the fake project, never sleeping."""
    kwargs.setdefault("project_id", PROJECT)
    auth = PasswordAuth(ENV, "ada@example.com", "s3cret")
    return PasqalClient(ENV, auth, transport=httpx.MockTransport(cloud), sleep=Sleeps(), **kwargs)
