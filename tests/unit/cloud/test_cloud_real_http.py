"""The client over real sockets: a threaded HTTP server on loopback, no mocks in between.

Checks what a mock transport cannot: gzip bodies as a server reads them off the wire, a real
read timeout on a slow create (sent once, never again), and a refused connection.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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
    slow_seconds: float = 0.0


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
        if self.server.slow_seconds:
            time.sleep(self.server.slow_seconds)
        self._answer(200, envelope(batch_json(jobs=[])))


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server(("127.0.0.1", 0), Handler)
    srv.received = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def client_for(server: Server, **kwargs: Any) -> PasqalClient:
    env = local(f"http://127.0.0.1:{server.server_address[1]}")
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
    server.slow_seconds = 0.6
    async with client_for(server, create_timeout=0.2) as client:
        with pytest.raises(OutcomeUnknownNetworkError, match="did not answer in time") as info:
            await client.create_batch(REQUEST)
    time.sleep(0.5)  # let the slow handler finish: any resend would have arrived by now
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
