"""The client over real sockets: a threaded HTTP server on loopback, no mocks in between.

Checks what a mock transport cannot: gzip bodies as a server reads them off the wire, a real
read timeout on a slow create (sent once, never again), and a refused connection.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from support.cloudfakes import BATCH, PROJECT, batch_json, envelope

from pasqal_tui.cloud import (
    CreateBatchRequest,
    JobInput,
    NetworkError,
    OutcomeUnknownNetworkError,
    PasqalClient,
    PasswordAuth,
    local,
)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    received: list[dict[str, Any]]
    #: When set, creates are answered only once the test releases them.
    hold: threading.Event | None = None

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, Handler)
        self.received = []
        self._open = 0
        self._idle = threading.Condition()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._idle:  # counted on accept, in accept order
            self._open += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        with self._idle:
            self._open -= 1
            self._idle.notify_all()

    def settle(self, timeout: float = 10.0) -> None:
        """Return once every connection accepted so far has been handled."""
        with self._idle:
            assert self._idle.wait_for(lambda: self._open == 0, timeout), "handlers still busy"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _answer(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/oauth/token":
            self._answer(200, {"access_token": "real-token", "expires_in": 3600})
            return
        if self.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        self.server.received.append(
            {
                "path": self.path,
                "auth": self.headers.get("authorization"),
                "body": json.loads(raw),
            }
        )
        if self.server.hold is not None:
            self.server.hold.wait(10)
            with contextlib.suppress(OSError):  # the client stopped waiting long ago
                self._answer(200, envelope(batch_json(jobs=[])))
            return
        self._answer(200, envelope(batch_json(jobs=[])))


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server(("127.0.0.1", 0))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def url(server: Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def client_for(server: Server, **kwargs: Any) -> PasqalClient:
    env = local(url(server))
    return PasqalClient(env, PasswordAuth(env, "u", "p"), project_id=PROJECT, **kwargs)


REQUEST = CreateBatchRequest(sequence_builder="seq", jobs=[JobInput(runs=7, variables={"t": 1})])


async def test_gzip_body_reaches_a_real_server(server: Server) -> None:
    async with client_for(server) as client:
        batch = await client.create_batch(REQUEST)
    assert batch.id == BATCH
    (received,) = server.received
    assert received["path"] == "/core-fast/api/v1/batches"
    assert received["auth"] == "Bearer real-token"
    assert received["body"]["jobs"] == [{"runs": 7, "variables": {"t": 1}, "sequence": None}]
    assert received["body"]["project_id"] == PROJECT


async def test_slow_create_times_out_once_and_is_not_resent(server: Server) -> None:
    server.hold = threading.Event()
    async with client_for(server, create_timeout=0.2) as client:
        with pytest.raises(OutcomeUnknownNetworkError, match="did not answer in time") as info:
            await client.create_batch(REQUEST)
    server.hold.set()
    # Connections are accepted in order: once this later one is answered, any resend the client
    # made has been accepted too; settle() then waits until each was read and answered.
    httpx.post(f"{url(server)}/oauth/token", timeout=10).raise_for_status()
    server.settle()
    assert len(server.received) == 1
    assert "may have reached the server" in str(info.value)
    assert info.value.marker in server.received[0]["body"]["tags"]


async def test_refused_connection_names_the_address() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = local(f"http://127.0.0.1:{port}")
    client = PasqalClient(env, None, max_retries=1, sleep=_no_sleep)
    async with client:
        with pytest.raises(NetworkError, match=rf"cannot connect to 127\.0\.0\.1:{port}"):
            await client.get_public_device_specs()


async def _no_sleep(_delay: float) -> None:
    return None
