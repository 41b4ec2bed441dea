"""A batch's `webhook`, called when the batch ends, as the real service does.

When a batch with a webhook reaches DONE, ERROR, CANCELED or TIMED_OUT, the batch (the fields of
`GET /api/v2/batches/{id}`'s `data`: status, counts, `job_ids`, ...) is POSTed to the webhook as
JSON. A sweeper task finds ended batches (by `end_datetime`, from the server's start on: a
restart does not call again), and each call runs in its own task with a timeout and a few
retries, so a slow or dead receiver never holds the scheduler or a request. Only loopback
targets are called unless the server runs with `--allow-remote`; others are skipped with a log
line. Delivery is at most once per server run (no outbox survives a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.lifecycle import BATCH_TERMINAL
from pasqal_tui.localcloud.queries import batch_job_ids
from pasqal_tui.localcloud.schemas import batch_out

log = logging.getLogger("pasqal_tui.localcloud.webhooks")

ATTEMPTS = 3
TIMEOUT_S = 5.0
SWEEP_S = 0.5
Post = Callable[[str, dict[str, Any]], Awaitable[int]]


def is_loopback_url(url: str) -> bool:
    """True when `url` is http(s) to a loopback host (resolved, so `localhost` counts)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


class Webhooks:
    """Calls the webhooks of batches that end while the server runs."""

    def __init__(
        self,
        cloud: Cloud,
        *,
        allow_remote: bool = False,
        sweep_s: float = SWEEP_S,
        retry_s: float = 0.5,
        post: Post | None = None,
    ) -> None:
        self._cloud = cloud
        self._allow_remote = allow_remote
        self._sweep_s = sweep_s
        self._retry_s = retry_s
        self._post = post
        self._http: httpx.AsyncClient | None = None
        self._since = cloud.clock.now_iso()
        self._called: set[str] = set()
        self._main: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._post is None:
            self._http = httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False)
        self._main = asyncio.create_task(self._run(), name="webhooks")

    async def stop(self) -> None:
        for task in [t for t in (self._main, *self._tasks) if t is not None]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._http is not None:
            await self._http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                for batch_id, url, body in await asyncio.to_thread(self._ended):
                    self._called.add(batch_id)
                    task = asyncio.create_task(self._deliver(batch_id, url, body))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            except Exception:  # a failed sweep is retried at the next one
                log.exception("webhook sweep failed")
            await asyncio.sleep(self._sweep_s)

    def _ended(self) -> list[tuple[str, str, dict[str, Any]]]:
        marks = ",".join("?" * len(BATCH_TERMINAL))
        with self._cloud.store.read() as conn:
            rows = conn.execute(
                "SELECT * FROM batches WHERE webhook IS NOT NULL AND webhook != '' "
                f"AND status IN ({marks}) AND end_datetime >= ?",
                (*BATCH_TERMINAL, self._since),
            ).fetchall()
            found = []
            for row in rows:
                if row["id"] in self._called:
                    continue
                body = batch_out(row)
                body["job_ids"] = batch_job_ids(conn, str(row["id"]))
                found.append((str(row["id"]), str(row["webhook"]), body))
        return found

    async def _deliver(self, batch_id: str, url: str, body: dict[str, Any]) -> None:
        if not self._allow_remote and not await asyncio.to_thread(is_loopback_url, url):
            log.warning("batch %s: webhook %s not called: not loopback", batch_id, url)
            return
        for attempt in range(1, ATTEMPTS + 1):
            try:
                status = await self._send(url, body)
                if 200 <= status < 300:
                    return
                problem = f"answered {status}"
            except (httpx.HTTPError, OSError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            log.warning("batch %s: webhook %s %s (try %d)", batch_id, url, problem, attempt)
            if attempt < ATTEMPTS:
                await asyncio.sleep(self._retry_s * 2 ** (attempt - 1))

    async def _send(self, url: str, body: dict[str, Any]) -> int:
        if self._post is not None:
            return await self._post(url, body)
        assert self._http is not None
        content = json.dumps(body).encode()
        headers = {"content-type": "application/json", "user-agent": "pasqal-tui-local-cloud"}
        response = await self._http.post(url, content=content, headers=headers)
        return response.status_code
