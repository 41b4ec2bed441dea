"""A TCP proxy on loopback that delays every chunk by half the round-trip time, each way.

It stands in for a cloud that is far away: the local cloud answers in milliseconds, Pasqal's
servers (and their identity provider) from a laptop or an SSH box are tens to hundreds of
milliseconds away, and the start path pays each sequential round trip.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time

_METHODS = (b"GET ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ")


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop where installed: the proxy stands in for a network, which costs the measured
    machine no CPU, so its own pumping should cost as little as it can (a third less here)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class LatencyProxy:
    """``with LatencyProxy(port, rtt_ms) as proxy: proxy.base_url``: forwards to ``port``."""

    def __init__(self, target_port: int, rtt_ms: float) -> None:
        self.target_port = target_port
        self.delay = rtt_ms / 2000.0
        self.port = 0
        self.connections = 0  # TCP connections opened through the proxy
        self.requests = 0  # HTTP/1.1 requests sent through it (chunks that start one)
        self._loop = _new_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await asyncio.sleep(self.delay * 2)  # the TCP handshake costs a round trip too
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(
            self._pump(reader, up_writer, count=True),
            self._pump(up_reader, writer),
            return_exceptions=True,
        )

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: bool = False
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while data := await reader.read(65536):
                if count and data.startswith(_METHODS):
                    self.requests += 1
                queue.put_nowait((time.monotonic() + self.delay, data))
        finally:
            queue.put_nowait((0.0, b""))
            await sender


class LatencyProxyProcess:
    """The same proxy in a process of its own: a client measured in this process then shares
    neither its interpreter lock nor its event loop with the proxy's pumping."""

    def __init__(self, target_port: int, rtt_ms: float) -> None:
        self.args = [sys.executable, __file__, str(target_port), str(rtt_ms)]
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LatencyProxyProcess:
        self._proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        self.port = int(self._proc.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)


if __name__ == "__main__":
    with LatencyProxy(int(sys.argv[1]), float(sys.argv[2])) as proxy:
        print(proxy.port, flush=True)
        threading.Event().wait()
