"""httpx's transport with a connection pool whose bookkeeping does not grow with its size.

httpcore's pool (1.0) walks every connection on each request sent and each answer read: for
each one it asks the socket whether the server closed it (two system calls through anyio) and
counts the idle ones again (a list of all connections per connection). With the 32 pages a
fetch-all keeps in flight, that took ~9 ms of CPU a request on a 2-core machine, more than
parsing the page. This pool keeps httpcore's connections and request queue and changes only how
requests are handed to connections: an idle connection is asked whether it expired (one
``poll``) when it is about to be reused, and all idle connections at most once a second.
"""

from __future__ import annotations

import select
import socket
import sys
import time
import typing
from collections.abc import Iterable

import httpcore
import httpx

if typing.TYPE_CHECKING:
    from httpcore._async.interfaces import AsyncConnectionInterface

__all__ = ["LeanPool", "LeanTransport", "is_readable"]

#: Seconds between sweeps of every idle connection for expiry (between sweeps, a connection is
#: checked when it is about to be reused, so a closed one is never handed a request).
SWEEP_EVERY = 1.0


def is_readable(sock: socket.socket | None) -> bool:
    """An idle HTTP/1.1 socket that is readable was closed by the server (or is broken)."""
    if sock is None or sock.fileno() < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):  # pragma: no cover
        ready, _, _ = select.select([sock], [], [], 0)
        return bool(ready)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """anyio's stream, with the socket looked up once: anyio builds a dict of every attribute
    (and asks the kernel for the peer's address) on each lookup."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            return is_readable(self._socket)
        if info == "socket":
            return self._socket
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - no unix sockets here
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class LeanPool(httpcore.AsyncConnectionPool):
    """httpcore's pool with the hand-out of requests to connections in linear time."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        kwargs.setdefault("network_backend", _Backend())
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[AsyncConnectionInterface]:
        # Called by httpcore under its lock whenever a request is queued or an answer is done;
        # returns the connections to close (closed by httpcore outside the lock).
        closing: list[AsyncConnectionInterface] = []
        now = time.monotonic()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + SWEEP_EVERY
        kept: list[AsyncConnectionInterface] = []
        idle = 0
        for connection in self._connections:
            if connection.is_closed():
                continue
            if connection.is_idle():
                if idle >= self._max_keepalive_connections or (sweep and connection.has_expired()):
                    closing.append(connection)
                    continue
                idle += 1
            kept.append(connection)
        self._connections = kept

        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            origin = pool_request.request.url.origin
            reused = self._reusable(origin, closing)
            if reused is not None:
                connection = reused
            else:
                if len(self._connections) >= self._max_connections:
                    spare = next((c for c in self._connections if c.is_idle()), None)
                    if spare is None:
                        continue  # stays queued until a connection frees up
                    self._connections.remove(spare)
                    closing.append(spare)
                connection = self.create_connection(origin)
                self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _reusable(
        self, origin: httpcore.Origin, closing: list[AsyncConnectionInterface]
    ) -> AsyncConnectionInterface | None:
        for connection in list(self._connections):
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            if connection.is_idle() and connection.has_expired():
                self._connections.remove(connection)
                closing.append(connection)
                continue
            return connection
        return None


class LeanTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` over :class:`LeanPool` (same TLS, HTTP/2 and limits)."""

    def __init__(self, *, verify: bool, http2: bool, limits: httpx.Limits) -> None:
        # The parent builds a pool (without loading any CA bundle) that is replaced at once.
        super().__init__(verify=False, http2=http2, limits=limits)
        self._pool = LeanPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
        )
