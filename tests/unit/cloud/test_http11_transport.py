"""The client's HTTP/1.1 transport (cloud/transport/http11.py) over real sockets: the pool's
limits, the answer shapes HTTP/1.1 allows, the failures as httpx names them (which the retry
rules read), connections opened ahead, and a request cancelled half way."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from support.tinyserver import TinyServer, serve, until_in_flight, until_open

from pasqal_tui.cloud import PasqalClient, local
from pasqal_tui.cloud.transport.http11 import Http11Transport
from pasqal_tui.cloud.transport.retry import not_sent


def transport(connections: int = 4, keepalive: int = 4, expiry: float = 60) -> Http11Transport:
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=keepalive, keepalive_expiry=expiry
    )
    return Http11Transport(ssl_context=httpx.create_ssl_context(verify=False), limits=limits)


def client(base: str, over: Http11Transport, **options: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, transport=over, **options)  # type: ignore[arg-type]


# -- the pool ----------------------------------------------------------------------------------


async def test_requests_share_connections_up_to_the_limit_and_queue_beyond(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=4)
    over = transport(connections=4)
    async with client(base, over) as http:
        answers = await asyncio.gather(*(http.get(f"/page/{i}?n={i}") for i in range(10)))
        again = await http.get("/after")
    assert [a.json()["path"] for a in answers] == [f"/page/{i}?n={i}" for i in range(10)]
    assert again.status_code == 200 and again.http_version == "HTTP/1.1"
    assert server.peak == 4 and server.connections == 4 == over.connections_opened


async def test_idle_connections_above_the_keepalive_cap_are_closed(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=6)
    async with client(base, transport(connections=6, keepalive=2)) as http:
        await asyncio.gather(*(http.get(f"/{i}") for i in range(6)))
        await until_open(server, lambda n: n <= 2)
        assert (await http.get("/again")).status_code == 200
    assert server.connections == 6  # the two kept were reused


async def test_a_connection_the_server_closed_while_idle_is_not_reused(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, close_idle=True)
    async with client(base, transport()) as http:
        assert (await http.get("/first")).status_code == 200
        await until_open(server, lambda n: n == 0)  # closed by the server, idle in the pool
        # Sent on the dead socket, this would fail with "Server disconnected".
        assert (await http.get("/second")).json() == {"path": "/second"}
    assert server.connections == 2


async def test_an_idle_connection_past_its_expiry_is_not_reused(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory)
    async with client(base, transport(expiry=0.0)) as http:
        await http.get("/first")
        await http.get("/second")
    assert server.connections == 2


async def test_warm_opens_the_connections_the_next_requests_use(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=3)
    over = transport(connections=3)
    async with client(base, over) as http:
        assert await over.warm(base + "/", 5) == 3  # no more than the pool allows
        assert await over.warm(base + "/", 3) == 0  # already there
        assert over.connections_opened == 3
        answers = await asyncio.gather(*(http.get(f"/{i}") for i in range(3)))
    assert [a.status_code for a in answers] == [200] * 3
    assert server.connections == 3 == over.connections_opened


async def test_warm_against_a_closed_port_opens_nothing_and_the_request_says_why() -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    over = transport()
    async with client(base, over) as http:
        assert await over.warm(base, 2) == 0
        with pytest.raises(httpx.ConnectError) as raised:
            await http.get("/")
    assert not_sent(raised.value)  # safe to repeat: nothing left this machine


async def test_a_request_waits_for_a_free_connection_no_longer_than_the_pool_timeout(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=2)  # answers once two requests are in
    timeout = httpx.Timeout(5.0, pool=0.2)
    async with client(base, transport(connections=1), timeout=timeout) as http:
        first = asyncio.ensure_future(http.get("/held"))
        await until_in_flight(server)
        with pytest.raises(httpx.PoolTimeout) as raised:
            await http.get("/waits")
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)
    assert not_sent(raised.value)


async def test_a_proxy_from_the_environment_carries_the_clients_requests(
    server_factory: list[TinyServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a transport, httpx ignores HTTP(S)_PROXY: with one set, the client leaves the
    transport to httpx, whose requests then go through the proxy (none opened ahead); a cloud
    on this machine (the embedded local cloud) is never reached through one."""
    origin, base = await serve(server_factory)
    proxy, proxy_url = await serve(server_factory)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    far = "http://cloud.invalid"
    async with PasqalClient(local(far)) as proxied:
        await proxied._warm(proxied.environment.core_url + "/", 3)
        answer = await proxied._http.get(far + "/proxied")
    assert answer.json() == {"path": far + "/proxied"}  # the proxy got the absolute form
    async with PasqalClient(local(base)) as near:
        await near._warm(near.environment.core_url + "/", 3)
        assert (await near._http.get(base + "/direct")).json() == {"path": "/direct"}
    assert proxy.connections == 1 and origin.connections == 3


# -- answers -------------------------------------------------------------------------------------


async def test_every_body_shape_http11_allows(scripted: Scripted) -> None:
    base = await scripted(
        [
            b"HTTP/1.1 100 Continue\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n"
            b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",  # HEAD: the length, no body
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found",
            b"HTTP/1.0 200 OK\r\n\r\nto the end",  # no length: read until the server closes
        ]
    )
    async with client(base, transport()) as http:
        chunked = await http.get("/chunked")
        empty = await http.get("/empty")
        head = await http.head("/head")
        missing = await http.get("/missing")
        to_end = await http.get("/to-end")
    assert chunked.content == b"hello world" and chunked.headers["x-kind"] == "chunked"
    assert empty.status_code == 204 and empty.content == b""
    assert head.content == b"" and head.headers["content-length"] == "5"
    assert (missing.status_code, missing.reason_phrase, missing.text) == (
        404,
        "Not Found",
        "not found",
    )
    assert to_end.content == b"to the end" and to_end.http_version == "HTTP/1.0"


async def test_a_streamed_body_goes_out_chunked_and_a_coded_answer_runs_to_the_close() -> None:
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        received.append(head + await reader.readuntil(b"0\r\n\r\n"))
        # A coding other than chunked last: the body is whatever comes until the close,
        # whatever Content-Length says.
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nall of it"
        )
        await writer.drain()
        writer.close()

    async def parts() -> AsyncIterator[bytes]:
        yield b'{"jobs": '
        yield b"[1, 2]}"

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    over = transport()
    try:
        base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with client(base, over) as http:
            answer = await http.post("/stream", content=parts())
    finally:
        server.close()
    assert answer.content == b"all of it"
    head, _, body = received[0].partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert body == b'10\r\n{"jobs": [1, 2]}\r\n0\r\n\r\n'


async def test_a_connection_close_answer_is_not_reused(scripted: Scripted) -> None:
    base = await scripted(
        [b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"], per_connection=1
    )
    over = transport()
    async with client(base, over) as http:
        assert (await http.get("/1")).text == "ok"
        assert (await http.get("/2")).text == "ok"
    assert over.connections_opened == 2


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (b"", httpx.RemoteProtocolError, "without sending a response"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", httpx.RemoteProtocolError,
         "3 bytes into a 10-byte body"),
        (b"SMTP ready\r\n\r\n", httpx.RemoteProtocolError, "not an HTTP/1.1 status line"),
        (b"HTTP/1.1 200 OK\r\n bad: fold\r\n\r\n", httpx.RemoteProtocolError, "malformed header"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         httpx.RemoteProtocolError, "bad chunk size"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", httpx.RemoteProtocolError,
         "bad Content-Length"),
    ],
)  # fmt: skip
async def test_a_broken_answer_is_a_protocol_error_that_may_have_acted(
    scripted: Scripted, answer: bytes, error: type[httpx.TransportError], message: str
) -> None:
    base = await scripted([answer], per_connection=1)
    async with client(base, transport()) as http:
        with pytest.raises(error, match=message) as raised:
            await http.post("/create", json={"jobs": 1})
    assert not not_sent(raised.value)  # the request was sent: a create must be looked up


async def test_an_answer_slower_than_the_read_timeout_is_a_read_timeout(
    scripted: Scripted,
) -> None:
    base = await scripted([None])  # never answers
    async with client(base, transport(), timeout=httpx.Timeout(5.0, read=0.2)) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/slow")


async def test_a_request_cancelled_mid_answer_leaves_no_connection_behind(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory, gate=2)  # the first waits for a second
    over = transport(connections=1)
    # A connection the cancelled request kept would hold the pool's only place: the next
    # request would wait for it and time out.
    async with client(base, over, timeout=httpx.Timeout(5.0, pool=1.0)) as http:
        stuck = asyncio.ensure_future(http.get("/stuck"))
        await until_in_flight(server)
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
        server.gate = 1
        assert (await http.get("/next")).json() == {"path": "/next"}
    assert over.connections_opened == 2  # not the half-read one again


async def test_a_header_value_with_a_line_break_is_refused_before_anything_is_sent(
    server_factory: list[TinyServer],
) -> None:
    server, base = await serve(server_factory)
    async with client(base, transport()) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get("/", headers={"authorization": "Bearer x\r\nX-Injected: 1"})
    assert server.connections == 0


async def test_https_with_the_clients_ssl_context(tmp_path: Path) -> None:
    context = _self_signed(tmp_path)
    served: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client(f"https://127.0.0.1:{port}", transport()) as http:
            answer = await http.get("/tls")
        strict = Http11Transport(
            ssl_context=httpx.create_ssl_context(verify=True), limits=httpx.Limits()
        )
        async with client(f"https://127.0.0.1:{port}", strict) as http:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await http.get("/tls")
    finally:
        server.close()
        await server.wait_closed()
    assert answer.text == "secret" and served[0].startswith(b"GET /tls HTTP/1.1\r\n")


# -- helpers -----------------------------------------------------------------------------------

Scripted = Callable[..., Awaitable[str]]


@pytest.fixture
async def scripted() -> AsyncIterator[Scripted]:
    """A server that, on each connection, reads requests and writes the scripted answers in
    turn (``None``: never answer); ``per_connection`` answers, then it closes the connection."""
    servers: list[asyncio.Server] = []

    async def start(answers: list[bytes | None], per_connection: int = 99) -> str:
        queue = list(answers)

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                for _ in range(per_connection):
                    await reader.readuntil(b"\r\n\r\n")
                    answer = queue.pop(0) if len(queue) > 1 else queue[0]
                    if answer is None:
                        await reader.read()  # until the client gives up and closes
                        return
                    writer.write(answer)
                    await writer.drain()
                    if answer.startswith(b"HTTP/1.0"):
                        return
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context
