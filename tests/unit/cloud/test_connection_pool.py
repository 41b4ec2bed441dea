"""The client's connection pool (cloud/transport/pool.py) over real sockets: requests share
connections up to the limit and queue beyond it, idle ones above the keep-alive cap are closed,
and a connection the server closed while idle is never handed a request."""

from __future__ import annotations

import asyncio

import httpcore
import httpx
from support.tinyserver import TinyServer, serve, until_open

from pasqal_tui.cloud.transport.pool import LeanPool, LeanTransport


def client(base: str, connections: int, keepalive: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=keepalive)
    transport = LeanTransport(verify=False, http2=False, limits=limits)
    return httpx.AsyncClient(base_url=base, transport=transport)


async def test_requests_share_connections_up_to_the_limit_and_queue_beyond(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=4)
    async with client(base, connections=4, keepalive=4) as http:
        answers = await asyncio.gather(*(http.get(f"/page/{i}") for i in range(10)))
        again = await http.get("/after")
    assert [a.json()["path"] for a in answers] == [f"/page/{i}" for i in range(10)]
    assert again.status_code == 200
    assert server.peak == 4 and server.connections == 4  # four in flight, then reused


async def test_idle_connections_above_the_keepalive_cap_are_closed(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=6)
    async with client(base, connections=6, keepalive=2) as http:
        await asyncio.gather(*(http.get(f"/{i}") for i in range(6)))
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) <= 2
        await until_open(server, lambda n: n <= 2)


async def test_a_connection_the_server_closed_while_idle_is_not_reused(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, close_idle=True)
    async with client(base, connections=4, keepalive=4) as http:
        assert (await http.get("/first")).status_code == 200
        await until_open(server, lambda n: n == 0)  # closed by the server, idle in the pool
        # Sent on the dead socket, this would fail with "Server disconnected".
        assert (await http.get("/second")).json() == {"path": "/second"}
    assert server.connections == 2


def test_the_httpcore_internals_the_pool_relies_on_are_there() -> None:
    """The pool overrides one httpcore method and reads its state: an httpcore that renamed
    them would silently bypass it (or break), so this fails first."""
    transport = LeanTransport(
        verify=False,
        http2=False,
        limits=httpx.Limits(max_connections=3, max_keepalive_connections=2),
    )
    pool = transport._pool
    assert isinstance(pool, LeanPool)
    assert "_assign_requests_to_connections" in vars(httpcore.AsyncConnectionPool)
    for name in ("_connections", "_requests", "_max_connections", "_max_keepalive_connections"):
        assert hasattr(pool, name), name
    assert (pool._max_connections, pool._max_keepalive_connections) == (3, 2)
