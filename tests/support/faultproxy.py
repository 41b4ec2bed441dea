"""A loopback fault-injecting HTTP proxy, put between a client (or the app) and a real local
cloud to test what happens when answers are slow, refused, cut or lost.

It runs on its own thread and event loop, so a test that blocks its own loop (sync httpx calls
to count batches) never stalls it. Every fault is bounded: it applies to ``times`` matching
requests, then the proxy forwards as if it were not there; the proxy itself refuses to serve
after ``max_requests`` requests or ``max_seconds``, and every wait on the upstream has a timeout.
Only loopback is spoken to, on both sides. One request per connection (``Connection: close``),
so a dropped connection never takes another request with it.

    with FaultProxy(cloud.base_url) as proxy:
        proxy.add(Fault.lose_answer("POST", r"/api/v1/batches$"))
        ...  # point the client at proxy.base_url
        assert proxy.forwarded("POST", r"/api/v1/batches$") == 1
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

Action = Literal[
    "status",  # answer ``status`` at once; the server never sees the request
    "latency",  # forward, then hold the answer ``delay`` seconds
    "drop_mid_body",  # forward; send the head and half the body, then close
    "truncate_json",  # forward; answer a complete response whose JSON is cut in half
    "lose_answer",  # forward (the server acts), then close without answering
    "status_after",  # forward (the server acts), then answer ``status`` instead
]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
IO_TIMEOUT = 30.0
MAX_DELAY = 30.0


@dataclass
class Fault:
    """One fault for the next ``times`` requests matching ``method`` and the ``path`` regex."""

    action: Action
    method: str | None = None
    path: str = ""
    times: int = 1
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    applied: int = 0

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("a fault applies at least once")
        if not 0 <= self.delay <= MAX_DELAY:
            raise ValueError(f"delay must be within 0..{MAX_DELAY} s")

    # ---- the faults, by name ---------------------------------------------------------------

    @classmethod
    def burst(
        cls, status: int = 500, method: str | None = None, path: str = "", times: int = 3
    ) -> Fault:
        """``times`` answers ``status`` in a row, without bothering the server."""
        return cls("status", method, path, times, status=status)

    @classmethod
    def rate_limited(
        cls, retry_after: float = 1.0, method: str | None = None, path: str = "", times: int = 1
    ) -> Fault:
        """429 with ``Retry-After`` (seconds)."""
        return cls("status", method, path, times, status=429, retry_after=retry_after)

    @classmethod
    def latency(
        cls, delay: float, method: str | None = None, path: str = "", times: int = 1
    ) -> Fault:
        """The server acts at once; its answer arrives ``delay`` seconds late."""
        return cls("latency", method, path, times, delay=delay)

    @classmethod
    def drop_mid_body(cls, method: str | None = None, path: str = "", times: int = 1) -> Fault:
        return cls("drop_mid_body", method, path, times)

    @classmethod
    def truncate_json(cls, method: str | None = None, path: str = "", times: int = 1) -> Fault:
        return cls("truncate_json", method, path, times)

    @classmethod
    def lose_answer(cls, method: str | None = None, path: str = "", times: int = 1) -> Fault:
        """The request reaches the server and is done; the answer never comes back."""
        return cls("lose_answer", method, path, times)

    @classmethod
    def status_after(
        cls, status: int = 502, method: str | None = None, path: str = "", times: int = 1
    ) -> Fault:
        """The server acts; the client gets ``status`` (a gateway failing after the commit)."""
        return cls("status_after", method, path, times, status=status)

    def matches(self, method: str, path: str) -> bool:
        if self.applied >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return re.search(self.path, path) is not None


@dataclass(frozen=True)
class Seen:
    """One request through the proxy: what it was, what the proxy did, whether it was forwarded."""

    method: str
    path: str
    action: str
    forwarded: bool
    query: str = ""


@dataclass
class _Response:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def encode(self, body: bytes | None = None, *, length: int | None = None) -> bytes:
        body = self.body if body is None else body
        skip = {"content-length", "transfer-encoding", "connection"}
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        lines += [f"{k}: {v}" for k, v in self.headers if k.lower() not in skip]
        lines.append(f"content-length: {len(body) if length is None else length}")
        lines.append("connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class FaultProxy:
    """Forwards HTTP/1.1 requests from 127.0.0.1:<port> to ``upstream``, with faults."""

    def __init__(self, upstream: str, *, max_requests: int = 5000, max_seconds: float = 600.0):
        parts = urlsplit(upstream)
        if parts.hostname not in LOOPBACK or parts.scheme != "http":
            raise ValueError(f"the fault proxy speaks plain HTTP to loopback only, not {upstream}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.seen: list[Seen] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._started = 0.0
        self.port = 0

    # ---- life --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is not None and server is not None and not loop.is_closed():
            loop.call_soon_threadsafe(server.close)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            self._started = time.monotonic()
            self._ready.set()
            loop.run_forever()
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    # ---- faults ------------------------------------------------------------------------------

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        """How many fault applications are left."""
        with self._lock:
            return sum(f.times - f.applied for f in self._faults)

    def forwarded(self, method: str, path: str = "", query: str = "") -> int:
        """How many matching requests reached the server (``path`` and ``query``: regexes)."""
        with self._lock:
            return sum(
                1
                for s in self.seen
                if s.forwarded
                and s.method == method
                and re.search(path, s.path)
                and re.search(query, s.query)
            )

    def applied(self, action: str) -> int:
        with self._lock:
            return sum(1 for s in self.seen if s.action == action)

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.applied += 1
                    return fault
        return None

    def _note(self, method: str, path: str, action: str, forwarded: bool, query: str = "") -> None:
        with self._lock:
            self.seen.append(Seen(method, path, action, forwarded, query))

    # ---- serving -----------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(self._one(reader, writer), IO_TIMEOUT + MAX_DELAY)
        except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()
            with suppress(Exception):
                await writer.wait_closed()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = [tuple(h.split(":", 1)) for h in header_lines if ":" in h]
        length = next((int(v) for k, v in headers if k.strip().lower() == "content-length"), 0)
        if any(k.strip().lower() == "transfer-encoding" for k, _ in headers):
            writer.write(_Response(501, "Not Implemented").encode(b"chunked bodies unsupported"))
            return
        body = await reader.readexactly(length) if length else b""
        path = urlsplit(target).path
        too_many = len(self.seen) >= self.max_requests
        too_late = time.monotonic() - self._started > self.max_seconds
        if too_many or too_late:
            self._note(method, path, "refused (proxy bounds)", False)
            writer.write(_Response(503, "Proxy Exhausted").encode(b""))
            return
        fault = self._take(method, path)
        if fault is not None and fault.action == "status":
            self._note(method, path, f"status {fault.status}", False)
            writer.write(_canned(fault).encode())
            await writer.drain()
            return
        answer = await self._forward(method, target, headers, body)
        action = fault.action if fault is not None else "forward"
        self._note(method, path, action, True, urlsplit(target).query)
        if fault is None:
            writer.write(answer.encode())
        elif fault.action == "latency":
            await asyncio.sleep(fault.delay)
            writer.write(answer.encode())
        elif fault.action == "drop_mid_body":
            writer.write(
                answer.encode(answer.body[: len(answer.body) // 2], length=len(answer.body))
            )
        elif fault.action == "truncate_json":
            writer.write(answer.encode(answer.body[: len(answer.body) // 2]))
        elif fault.action == "status_after":
            writer.write(_canned(fault).encode())
        # lose_answer: nothing at all is written back
        await writer.drain()

    async def _forward(
        self, method: str, target: str, headers: list[tuple[str, ...]], body: bytes
    ) -> _Response:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.upstream_host, self.upstream_port), IO_TIMEOUT
        )
        try:
            lines = [f"{method} {target} HTTP/1.1"]
            lines += [f"{k.strip()}:{v}" for k, v in headers if k.strip().lower() != "connection"]
            lines.append("connection: close")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), IO_TIMEOUT)
        finally:
            writer.close()
            with suppress(Exception):
                await writer.wait_closed()
        return _parse_response(raw)


def _canned(fault: Fault) -> _Response:
    reasons = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway"}
    reason = reasons.get(fault.status, "Injected")
    headers = [("content-type", "application/json")]
    if fault.retry_after is not None:
        headers.append(("retry-after", f"{fault.retry_after:g}"))
    body = (
        f'{{"status":"fail","message":"{reason} (injected)","code":{fault.status},"data":null}}'
    ).encode()
    return _Response(fault.status, reason, headers, body)


def _parse_response(raw: bytes) -> _Response:
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    _version, status, *reason = status_line.split(" ", 2)
    headers = [
        (k.strip(), v.strip()) for k, v in (h.split(":", 1) for h in header_lines if ":" in h)
    ]
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
    return _Response(
        int(status), reason[0] if reason else "", headers, _dechunk(rest) if chunked else rest
    )


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    for size, chunk in _chunks(data):
        if size == 0:
            break
        out += chunk
    return bytes(out)


def _chunks(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos < len(data):
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        yield size, data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
