"""A tiny HTTP/1.1 server on a real socket, for the tests of the client's transports."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable


class TinyServer:
    """HTTP/1.1 with keep-alive on a real socket; answers wait until ``gate`` requests are in
    flight (so concurrency is proven, not assumed); ``close_idle`` closes each connection after
    its answer without saying so, as a server's idle timeout does."""

    def __init__(self, gate: int = 1, close_idle: bool = False) -> None:
        self.gate, self.close_idle = gate, close_idle
        self.connections = self.open = self.peak = self.in_flight = 0
        self._enough = asyncio.Event()
        #: Notified whenever a connection ends (what the tests wait on).
        self.closed = asyncio.Condition()
        #: Set when a request arrives (what a test waits on before the next step).
        self.arrived = asyncio.Event()
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open += 1
        self.peak = max(self.peak, self.open)
        try:
            while request_line := await reader.readline():
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                self.in_flight += 1
                self.arrived.set()
                if self.in_flight >= self.gate:
                    self._enough.set()
                await self._enough.wait()
                self.in_flight -= 1
                body = json.dumps({"path": request_line.split()[1].decode()}).encode()
                head = f"HTTP/1.1 200 OK\r\ncontent-length: {len(body)}\r\n\r\n".encode()
                writer.write(head + body)
                await writer.drain()
                if self.close_idle:
                    break
        finally:
            self.open -= 1
            writer.close()
            async with self.closed:
                self.closed.notify_all()


async def serve(made: list[TinyServer], **options: object) -> tuple[TinyServer, str]:
    """A started server (kept in ``made``, which the test's fixture stops) and its base URL."""
    server = TinyServer(**options)  # type: ignore[arg-type]
    made.append(server)
    return server, await server.start()


async def until_open(server: TinyServer, check: Callable[[int], bool]) -> None:
    """Until ``check(open connections)`` holds, woken by each connection that ends."""
    async with server.closed:
        await asyncio.wait_for(server.closed.wait_for(lambda: check(server.open)), 5.0)


async def until_in_flight(server: TinyServer) -> None:
    """Until a request has reached the server (and waits there at its gate)."""
    await asyncio.wait_for(server.arrived.wait(), 5.0)
