"""HTTP/1.1 over asyncio's own streams: the client's transport wherever it speaks HTTP/1.1.

httpx's default stack (httpcore's pool, h11's parser, anyio's streams and cancel scopes) cost
~1.3 ms of CPU to fetch one 46 KB page of 100 jobs on this 2-core machine, more than parsing
the page into models; a fetch-all kept the client's core busy with it. This transport does what
the client needs and no more (~0.3 ms a page):

- a pool of keep-alive connections per origin within ``httpx.Limits`` (at most
  ``max_connections`` open, ``max_keepalive_connections`` idle, each closed after
  ``keepalive_expiry`` idle seconds); an idle connection is checked (one ``poll``) before it is
  reused, so one the server closed is never handed a request;
- plain TCP or TLS (the client's SSL context, ALPN ``http/1.1``);
- answers sized by ``Content-Length``, chunked, or read to the end (that connection is then
  closed); none for HEAD, 1xx, 204 and 304;
- httpx's timeouts (``connect``, ``read`` per read, ``write``, ``pool``) and exceptions, so the
  retry rules (:mod:`.retry`) see what they see with httpx's own transport;
- :meth:`Http11Transport.warm`: connections opened before they are needed.

HTTP/2 stays with httpcore (:mod:`.pool`), proxies with the transports httpx mounts for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx

from .pool import is_readable

__all__ = ["Http11Transport"]

T = TypeVar("T")
Origin = tuple[str, str, int]

#: Longest header block an answer may have; also where a connection's reader stops buffering.
READ_LIMIT = 1 << 20
#: A body is read this much at a time, each read within the read timeout (as httpx does).
READ_CHUNK = 1 << 16
#: Seconds between sweeps of every idle connection for expiry and server closes.
SWEEP_EVERY = 1.0
_NO_BODY = frozenset({204, 304})


async def _within(
    step: Coroutine[Any, Any, T], seconds: float | None, error: Callable[[str], Exception]
) -> T:
    """``await step``, as ``error`` if it makes no progress in ``seconds`` (None: no limit)."""
    if seconds is None:
        return await step
    try:
        if sys.version_info >= (3, 11):
            async with asyncio.timeout(seconds):  # no task of its own, unlike wait_for
                return await step
        return await asyncio.wait_for(step, seconds)  # pragma: no cover - Python 3.10
    except (TimeoutError, asyncio.TimeoutError):
        raise error(f"no progress in {seconds:g} s") from None


class _Connection:
    __slots__ = ("idle_since", "reader", "socket", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.socket = writer.get_extra_info("socket")
        self.idle_since = 0.0

    def reusable(self, now: float, expiry: float) -> bool:
        """Idle for less than ``expiry`` and not closed by the server meanwhile (a readable
        idle socket holds the server's close, or data nobody asked for)."""
        return (
            now - self.idle_since < expiry
            and not self.reader.at_eof()
            and not is_readable(self.socket)
        )

    def close(self) -> None:
        self.writer.close()


class Http11Transport(httpx.AsyncBaseTransport):
    """An ``httpx`` transport for HTTP/1.1 origins (see the module's docstring)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._ssl = ssl_context
        self._ssl.set_alpn_protocols(["http/1.1"])
        self._max = limits.max_connections or sys.maxsize
        keepalive = limits.max_keepalive_connections
        self._max_idle = self._max if keepalive is None else keepalive
        self._expiry = float("inf") if limits.keepalive_expiry is None else limits.keepalive_expiry
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._open = 0  # connections open or being opened, idle or not
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._next_sweep = 0.0
        self._closed = False
        #: Connections opened so far (what the tests and the benches count).
        self.connections_opened = 0

    # -- httpx's transport API ------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = _origin(request.url)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        head = _request_head(request)
        body = await request.aread()
        if request.headers.get("transfer-encoding", "").lower() == "chunked":
            # A body of unknown length (a stream): sent whole, as one chunk and the last one.
            body = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
        connection = await self._acquire(origin, timeouts.get("pool"), timeouts.get("connect"))
        try:
            answer = await _exchange(connection, request.method, head + body, timeouts)
        except BaseException:
            self._drop(connection)
            raise
        status, reason, version, headers, content, keep = answer
        if keep and not _says_close(request.headers.get("connection")):
            self._keep(origin, connection)
        else:
            self._drop(connection)
        return httpx.Response(
            status,
            headers=headers,
            stream=httpx.ByteStream(content),
            extensions={"http_version": version, "reason_phrase": reason},
        )

    async def aclose(self) -> None:
        self._closed = True
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
                self._open -= 1
        self._idle.clear()
        self._idle_count = 0

    # -- opening ahead ---------------------------------------------------------------------------

    async def warm(self, url: httpx.URL | str, count: int, timeout: float | None = 10.0) -> int:
        """Open connections to ``url``'s origin until ``count`` of them are idle (fewer if the
        pool has no room), for the requests that follow: a new connection costs a round trip
        (two or three with TLS) that a sign-in or a first page can hide. Returns how many were
        opened; failures are left to the requests that follow to report."""
        origin = _origin(httpx.URL(url))
        wanted = min(count - len(self._idle.get(origin, ())), self._max - self._open)
        if wanted <= 0 or self._closed:
            return 0
        self._open += wanted

        async def one() -> int:
            try:
                connection = await self._connect(origin, timeout)
            except (httpx.TransportError, OSError):
                self._open -= 1
                self._wake()
                return 0
            except BaseException:
                self._open -= 1
                self._wake()
                raise
            self._keep(origin, connection)
            return 1

        return sum(await asyncio.gather(*(one() for _ in range(wanted))))

    # -- the pool -----------------------------------------------------------------------------

    async def _acquire(
        self, origin: Origin, pool_timeout: float | None, connect_timeout: float | None
    ) -> _Connection:
        if self._closed:
            raise httpx.ConnectError("the client was closed")
        now = time.monotonic()
        if now >= self._next_sweep:
            self._sweep(now)
        while True:
            idle = self._idle.get(origin)
            while idle:
                connection = idle.pop()  # the most recently used: the least likely to expire
                self._idle_count -= 1
                if connection.reusable(now, self._expiry):
                    return connection
                connection.close()
                self._open -= 1
            if self._open < self._max or self._close_an_idle_one():
                break
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                await _within(_wait(waiter), pool_timeout, httpx.PoolTimeout)
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # the turn it was given goes to the next in line
                raise
            finally:
                if not waiter.done():
                    waiter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiting.remove(waiter)
            now = time.monotonic()
        self._open += 1
        try:
            return await self._connect(origin, connect_timeout)
        except BaseException:
            self._open -= 1
            self._wake()
            raise

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        tls = self._ssl if scheme == "https" else None
        try:
            reader, writer = await _within(
                asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None, limit=READ_LIMIT
                ),
                timeout,
                httpx.ConnectTimeout,
            )
        except OSError as exc:  # refused, unreachable, TLS refused: nothing was sent
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}") from exc
        self.connections_opened += 1
        return _Connection(reader, writer)

    def _keep(self, origin: Origin, connection: _Connection) -> None:
        if self._closed or self._idle_count >= self._max_idle:
            self._drop(connection)
            return
        connection.idle_since = time.monotonic()
        self._idle.setdefault(origin, []).append(connection)
        self._idle_count += 1
        self._wake()

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self._open -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _close_an_idle_one(self) -> bool:
        """Room for a new connection made by closing an idle one (of another origin)."""
        for idle in self._idle.values():
            if idle:
                idle.pop(0).close()
                self._idle_count -= 1
                self._open -= 1
                return True
        return False

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + SWEEP_EVERY
        for idle in self._idle.values():
            for connection in list(idle):
                if not connection.reusable(now, self._expiry):
                    idle.remove(connection)
                    connection.close()
                    self._idle_count -= 1
                    self._open -= 1


async def _wait(waiter: asyncio.Future[None]) -> None:
    await waiter


def _origin(url: httpx.URL) -> Origin:
    scheme = url.scheme
    if scheme not in ("http", "https"):
        raise httpx.UnsupportedProtocol(f"{scheme or 'no'} scheme in {url!r}: need http(s)")
    if not url.host:
        raise httpx.UnsupportedProtocol(f"no host in {url!r}")
    return scheme, url.host, url.port or (443 if scheme == "https" else 80)


def _request_head(request: httpx.Request) -> bytes:
    lines = [b"%s %s HTTP/1.1\r\n" % (request.method.encode("ascii"), request.url.raw_path)]
    for name, value in request.headers.raw:
        if b"\n" in value or b"\r" in value or b"\n" in name or b"\r" in name or b":" in name:
            raise httpx.LocalProtocolError(f"illegal header {name!r}")
        lines.append(b"%s: %s\r\n" % (name, value))
    lines.append(b"\r\n")
    return b"".join(lines)


def _says_close(value: str | bytes | None) -> bool:
    if value is None:
        return False
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return "close" in (token.strip().lower() for token in text.split(","))


Answer = tuple[int, bytes, bytes, list[tuple[bytes, bytes]], bytes, bool]


async def _exchange(
    connection: _Connection, method: str, data: bytes, timeouts: dict[str, float | None]
) -> Answer:
    """Send one request and read its whole answer: status, reason, version, headers, body,
    and whether the connection may carry another request."""
    writer, reader = connection.writer, connection.reader
    try:
        writer.write(data)
        await _within(writer.drain(), timeouts.get("write"), httpx.WriteTimeout)
    except OSError as exc:
        raise httpx.WriteError(f"{type(exc).__name__}: {exc}") from exc
    read_timeout = timeouts.get("read")
    try:
        while True:
            status, reason, version, headers = await _read_head(reader, read_timeout)
            if status >= 200:
                break
            if status == 101:
                raise httpx.RemoteProtocolError("the server switched protocols (unsupported)")
        keep = version == b"HTTP/1.1"
        length: int | None = None
        chunked = to_close = False
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                if not value.isdigit() or (length is not None and int(value) != length):
                    raise httpx.RemoteProtocolError(f"bad Content-Length {value!r}")
                length = int(value)
            elif lower == b"transfer-encoding":
                # Chunked last: chunks; any other coding: the body runs to the close.
                chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
                to_close = to_close or not chunked
            elif lower == b"connection" and _says_close(value):
                keep = False
        if method == "HEAD" or status in _NO_BODY:
            content = b""
        elif chunked:
            content = await _read_chunked(reader, read_timeout)
        elif length is not None and not to_close:
            content = await _read_exactly(reader, length, read_timeout)
        else:
            content = await _read_to_end(reader, read_timeout)
            keep = False
    except OSError as exc:
        raise httpx.ReadError(f"{type(exc).__name__}: {exc}") from exc
    return status, reason, version, headers, content, keep


async def _read_head(
    reader: asyncio.StreamReader, timeout: float | None
) -> tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]:
    try:
        block = await _within(reader.readuntil(b"\r\n\r\n"), timeout, httpx.ReadTimeout)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response."
            ) from None
        raise httpx.RemoteProtocolError("the server closed the connection mid-headers") from None
    except asyncio.LimitOverrunError:
        raise httpx.RemoteProtocolError(f"headers longer than {READ_LIMIT} bytes") from None
    lines = block[:-4].split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise httpx.RemoteProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name[-1:] in b" \t" or line[:1] in b" \t":
            raise httpx.RemoteProtocolError(f"malformed header line {line[:80]!r}")
        headers.append((name, value.strip(b" \t")))
    return int(code), reason, version, headers


async def _read_exactly(reader: asyncio.StreamReader, size: int, timeout: float | None) -> bytes:
    parts: list[bytes] = []
    left = size
    while left > 0:
        step = min(left, READ_CHUNK)
        try:
            parts.append(await _within(reader.readexactly(step), timeout, httpx.ReadTimeout))
        except asyncio.IncompleteReadError as exc:
            got = size - left + len(exc.partial)
            raise httpx.RemoteProtocolError(
                f"the server closed the connection {got} bytes into a {size}-byte body"
            ) from None
        left -= step
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def _read_chunked(reader: asyncio.StreamReader, timeout: float | None) -> bytes:
    parts: list[bytes] = []
    try:
        while True:
            line = await _within(reader.readuntil(b"\r\n"), timeout, httpx.ReadTimeout)
            try:
                size = int(line[:-2].split(b";", 1)[0].strip(), 16)
            except ValueError:
                size = -1
            if size < 0:
                raise httpx.RemoteProtocolError(f"bad chunk size line {line[:40]!r}")
            if size == 0:
                while await _within(reader.readuntil(b"\r\n"), timeout, httpx.ReadTimeout) != (
                    b"\r\n"
                ):
                    pass  # trailers: nothing the client reads
                return b"".join(parts)
            parts.append(await _read_exactly(reader, size, timeout))
            if await _within(reader.readexactly(2), timeout, httpx.ReadTimeout) != b"\r\n":
                raise httpx.RemoteProtocolError("a chunk not followed by CRLF")
    except asyncio.IncompleteReadError:
        raise httpx.RemoteProtocolError("the server closed the connection mid-body") from None
    except asyncio.LimitOverrunError:
        raise httpx.RemoteProtocolError("a chunk line too long") from None


async def _read_to_end(reader: asyncio.StreamReader, timeout: float | None) -> bytes:
    parts: list[bytes] = []
    while chunk := await _within(reader.read(READ_CHUNK), timeout, httpx.ReadTimeout):
        parts.append(chunk)
    return b"".join(parts)
