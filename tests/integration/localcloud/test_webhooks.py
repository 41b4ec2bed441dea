"""A batch's webhook is called when the batch ends: a POST of the batch to a receiver on
loopback, retried when the receiver fails, never for a non-loopback target by default."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from support.localcloud import api_client, data, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.localcloud.webhooks import is_loopback_url


class Receiver:
    """A loopback HTTP server that records each POST and answers `codes` in turn (then 200)."""

    def __init__(self, codes: list[int]) -> None:
        self.calls: list[dict[str, Any]] = []
        self.codes = list(codes)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                receiver.calls.append(
                    {
                        "path": self.path,
                        "type": self.headers.get("content-type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(receiver.codes.pop(0) if receiver.codes else 200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    made = Receiver(getattr(request, "param", []))
    yield made
    made.server.shutdown()


def _batch(cloud: LocalCloudProcess, webhook: str, *, open_: bool = False) -> dict[str, Any]:
    with api_client(cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
        created: dict[str, Any] = data(
            api.post(
                "/core-fast/api/v1/batches",
                json={
                    "project_id": project_id,
                    "sequence_builder": sequences.rabi_oscillation(2),
                    "device_type": "EMU_FREE",
                    "open": open_,
                    "webhook": webhook,
                    "jobs": [{"runs": 5, "variables": {"omega": 1.0, "duration": 100}}] * 2,
                },
            )
        )
    return created


def test_the_webhook_gets_the_batch_when_it_ends(
    local_cloud: LocalCloudProcess, receiver: Receiver
) -> None:
    created = _batch(local_cloud, receiver.url)
    wait_until(lambda: receiver.calls, timeout=60)
    (call,) = receiver.calls
    assert call["path"] == "/hook" and call["type"] == "application/json"
    body = call["body"]
    assert body["id"] == created["id"] and body["status"] == "DONE"
    assert body["webhook"] == receiver.url and body["end_datetime"]
    assert body["job_ids"] == [j["id"] for j in created["jobs"]]
    assert body["jobs_count_per_status"]["DONE"] == 2


def test_a_canceled_batch_calls_it_too(local_cloud: LocalCloudProcess, receiver: Receiver) -> None:
    created = _batch(local_cloud, receiver.url, open_=True)
    with api_client(local_cloud) as api:
        data(api.patch(f"/core-fast/api/v2/batches/{created['id']}/cancel"))
    wait_until(lambda: receiver.calls, timeout=30)
    assert [c["body"]["status"] for c in receiver.calls] == ["CANCELED"]


@pytest.mark.parametrize("receiver", [[500, 503]], indirect=True)
def test_a_failing_receiver_is_retried_until_it_accepts(
    local_cloud: LocalCloudProcess, receiver: Receiver
) -> None:
    created = _batch(local_cloud, receiver.url)
    wait_until(lambda: len(receiver.calls) >= 3, timeout=60)
    assert [c["body"]["id"] for c in receiver.calls] == [created["id"]] * 3
    assert receiver.codes == []  # answered 500, 503, then 200: no fourth call follows


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:9/hook", True),
        ("http://localhost:9/hook", True),
        ("https://[::1]/hook", True),
        ("http://10.0.1.5/hook", False),
        ("http://198.51.100.7/hook", False),
        ("ftp://127.0.0.1/hook", False),
        ("not a url", False),
    ],
)
def test_only_loopback_targets_are_called_by_default(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
