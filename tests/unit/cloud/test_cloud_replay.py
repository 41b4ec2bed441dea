"""The client's own calls, answered from the recorded files of the real service.

A transport serves ``recorded/v0.23/<path>/_.<METHOD>.json`` for each request, so a wrong method
or path in the client fails here (404), and every operation's answer goes through the same
parsing as in production.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.cloudfakes import RECORDED

from pasqal_tui.cloud import (
    BatchStatus,
    CreateBatchRequest,
    CreateWorkloadRequest,
    JobInput,
    JobStatus,
    PasqalClient,
    TokenAuth,
    local,
)

LAYOUT = RECORDED / "v0.23"
B1 = "00000000-0000-0000-0000-000000000001"
B2 = "00000000-0000-0000-0000-000000000002"
JOB = "00000000-0000-0000-0000-000000022010"
PROJECT = "00000000-0000-0000-0000-000000000001"

pytestmark = pytest.mark.skipif(not LAYOUT.is_dir(), reason=f"no recordings at {LAYOUT}")


class Replay:
    def __init__(self) -> None:
        self.served: list[Path] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "jobs-result-link":
            file = LAYOUT / f"core-fast/api/v1/jobs/{request.url.path.strip('/')}/results_link"
            file = file / "result.json"
        else:
            file = LAYOUT / request.url.path.strip("/") / f"_.{request.method}.json"
        if not file.is_file():
            return httpx.Response(404, json={"status": "fail", "message": f"no recording {file}"})
        self.served.append(file)
        return httpx.Response(200, json=json.loads(file.read_text()))


OPS: list[tuple[str, Callable[[PasqalClient], Awaitable[Any]], Callable[[Any], bool]]] = [
    (
        "1 create batch",
        lambda c: c.create_batch(
            CreateBatchRequest(sequence_builder="s", jobs=[JobInput(runs=50)])
        ),
        lambda b: b.tags == ["test"] and len(b.jobs) == 1 and b.configuration["dt"] == 10.0,
    ),
    ("2 get batch", lambda c: c.get_batch(B1), lambda b: b.job_ids == [JOB] and not b.jobs),
    ("3 list batches", lambda c: c.list_batches(), lambda p: p.total == 1 and p.items[0].id == B2),
    ("4 close batch", lambda c: c.close_batch(B1), lambda b: b.open is False),
    (
        "5 cancel batch",
        lambda c: c.cancel_batch(B1),
        lambda b: b.status is BatchStatus.CANCELED and b.jobs_count_per_status,
    ),
    ("6 cancel batches", lambda c: c.cancel_batches([B1, B2]), lambda r: len(r.batches) == 2),
    ("7 rebatch", lambda c: c.rebatch(B1), lambda b: b.parent_id == B1 and b.id == B2),
    ("8 add jobs", lambda c: c.add_jobs(B1, [JobInput(runs=1)]), lambda b: len(b.jobs) >= 2),
    ("9 set tags", lambda c: c.set_batch_tags(B1, ["test"]), lambda b: b.tags == ["test"]),
    (
        "10 cancel jobs",
        lambda c: c.cancel_jobs(B1),
        lambda r: list(r.errors) == ["00000000-0000-0000-0000-000000000003"],
    ),
    ("11 list jobs", lambda c: c.list_jobs(), lambda p: p.items[0].errors[1].startswith("Error 2")),
    ("11b all jobs", lambda c: c.all_jobs(B1), lambda jobs: [j.id for j in jobs] == [JOB]),
    ("12 get job", lambda c: c.get_job(JOB), lambda j: j.sequence == "pulser_test_sequence"),
    ("13 cancel job", lambda c: c.cancel_job(JOB), lambda j: j.status is JobStatus.CANCELED),
    ("14+15 results", lambda c: c.get_job_results(JOB), lambda r: r.counter["0110"] == 35),
    (
        "16 create workload",
        lambda c: c.create_workload(CreateWorkloadRequest(workload_type="w", backend="b")),
        lambda w: w.status is JobStatus.PENDING,
    ),
    (
        "17 get workload",
        lambda c: c.get_workload(B1),
        lambda w: (
            w.result
            == {
                "1001": 12,
                "0110": 35,
                "1111": 1,
            }
        ),
    ),
    (
        "18 cancel workload",
        lambda c: c.cancel_workload(B1),
        lambda w: w.status is JobStatus.CANCELED,
    ),
    (
        "19 device specs",
        lambda c: c.get_device_specs(),
        lambda s: json.loads(s["FRESNEL"])["name"] == "device",
    ),
    ("20 public specs", lambda c: c.get_public_device_specs(), lambda s: list(s) == ["FRESNEL"]),
    (
        "21 projects",
        lambda c: c.list_projects(),
        lambda ps: ps[0].name == "Starter project test" and ps[0].project_status == "ACTIVE",
    ),
]


@pytest.mark.parametrize(("name", "call", "check"), OPS, ids=[op[0] for op in OPS])
async def test_operation_against_recording(
    name: str, call: Callable[[PasqalClient], Awaitable[Any]], check: Callable[[Any], bool]
) -> None:
    replay = Replay()
    client = PasqalClient(
        local("http://recorded.test"),
        TokenAuth("recorded"),
        project_id=PROJECT,
        transport=httpx.MockTransport(replay),
        max_retries=0,
    )
    async with client:
        result = await call(client)
    assert replay.served, name
    assert check(result), result
