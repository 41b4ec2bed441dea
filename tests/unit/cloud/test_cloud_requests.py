"""Request shapes: method, path, query encoding, bodies and headers, as SPEC §2 and §4 fix them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from support.cloudfakes import (
    BATCH,
    JOB,
    PROJECT,
    FakeCloud,
    MakeClient,
    batch_json,
    body_of,
    envelope,
    job_json,
)

from pasqal_tui.cloud import (
    BatchFilters,
    BatchStatus,
    CancelJobFilters,
    CreateBatchRequest,
    CreateWorkloadRequest,
    EmuTNConfig,
    InvalidRequestError,
    JobFilters,
    JobInput,
    JobStatus,
    RebatchFilters,
)
from pasqal_tui.cloud.client import ALL_JOBS_CONCURRENCY
from pasqal_tui.cloud.markers import MARKER_PREFIX, is_marker

B2 = "00000000-0000-0000-0000-000000000002"
MARKER = "ptui-req:0b6e5f3c-3a52-4c0e-9d7c-2f3f7f6f9a10"


def only_request(cloud: FakeCloud) -> httpx.Request:
    api = cloud.api_requests()
    assert len(api) == 1, [str(r.url) for r in api]
    return api[0]


async def test_create_batch_is_gzipped_with_project_and_sdk_keys(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("POST", "/core-fast/api/v1/batches", batch_json(jobs=[job_json(status="PENDING")]))
    request = CreateBatchRequest(
        sequence_builder='{"seq": 1}',
        jobs=[JobInput(runs=50, variables={"omega": 1.5}), JobInput(runs=10)],
        device_type="EMU_TN",
        configuration=EmuTNConfig(dt=5.0, extra={"seed": 7}),
        tags=["demo"],
    )
    async with make_client() as client:
        batch = await client.create_batch(request, marker=MARKER)
    assert batch.id == BATCH and batch.jobs and batch.jobs[0].status is JobStatus.PENDING
    sent = only_request(cloud)
    assert sent.headers["content-encoding"] == "gzip"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["authorization"] == "Bearer token-1"
    assert sent.headers["user-agent"] == "pasqal-tui/0.1.0"
    assert body_of(sent) == {
        "sequence_builder": '{"seq": 1}',
        "webhook": None,
        "jobs": [
            {"runs": 50, "variables": {"omega": 1.5}, "sequence": None},
            {"runs": 10, "variables": None, "sequence": None},
        ],
        "open": False,
        "device_type": "EMU_TN",
        "project_id": PROJECT,
        "configuration": {
            "strict_validation": False,
            "result_types": None,
            "dt": 5.0,
            "precision": "normal",
            "max_bond_dim": 500,
            "seed": 7,
        },
        "tags": ["demo", MARKER],
    }


async def test_create_batch_leaves_out_unset_optional_keys(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("POST", "/core-fast/api/v1/batches", batch_json(open=True))
    async with make_client() as client:
        await client.create_batch(CreateBatchRequest(sequence_builder="s", open=True, tags=[]))
    body = body_of(only_request(cloud))
    keys = {"sequence_builder", "webhook", "jobs", "open", "device_type", "project_id", "tags"}
    assert set(body) == keys  # tags: only the request marker
    assert body["open"] is True and body["jobs"] == []
    (marker,) = body["tags"]
    assert is_marker(marker) and str(uuid.UUID(marker.removeprefix(MARKER_PREFIX))) == marker[9:]


async def test_every_created_batch_carries_a_fresh_marker_tag(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("POST", "/core-fast/api/v1/batches", batch_json())
    request = CreateBatchRequest(sequence_builder="s", tags=["mine", MARKER])
    async with make_client() as client:
        await client.create_batch(request)
        await client.create_batch(request)
        with pytest.raises(InvalidRequestError):
            await client.create_batch(request, marker="not-a-marker")
    first, second = (body_of(r)["tags"] for r in cloud.api_requests())
    assert first[0] == second[0] == "mine"  # a marker given as a tag is not sent again
    assert len(first) == len(second) == 2 and first[1] != second[1] != MARKER


async def test_create_without_project_is_refused_before_sending(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    async with make_client(project_id=None) as client:
        with pytest.raises(InvalidRequestError, match="no project selected"):
            await client.create_batch(CreateBatchRequest(sequence_builder="s", jobs=[JobInput()]))
        client.project_id = B2
        assert client.project_id == B2
    assert cloud.requests == []


async def test_add_jobs_posts_a_gzipped_bare_array(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("POST", f"/core-fast/api/v2/batches/{BATCH}/jobs", batch_json(open=True))
    async with make_client() as client:
        await client.add_jobs(BATCH, [JobInput(runs=5, sequence="own-seq")])
    sent = only_request(cloud)
    assert sent.headers["content-encoding"] == "gzip"
    assert body_of(sent) == [{"runs": 5, "variables": None, "sequence": "own-seq"}]


async def test_set_tags_patches_a_plain_json_array(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("PATCH", f"/core-fast/api/v1/batches/{BATCH}/tags", batch_json(tags=["a", "b"]))
    async with make_client() as client:
        batch = await client.set_batch_tags(BATCH, ["a", "b"])
    sent = only_request(cloud)
    assert "content-encoding" not in sent.headers
    assert body_of(sent) == ["a", "b"] and batch.tags == ["a", "b"]


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("PATCH", f"/api/v2/batches/{BATCH}/complete", lambda c: c.close_batch(BATCH)),
        ("PATCH", f"/api/v2/batches/{BATCH}/cancel", lambda c: c.cancel_batch(BATCH)),
        ("PATCH", f"/api/v2/jobs/{JOB}/cancel", lambda c: c.cancel_job(JOB)),
        ("PUT", f"/api/v1/workloads/{BATCH}/cancel", lambda c: c.cancel_workload(BATCH)),
    ],
)
async def test_bodyless_state_changes_send_empty_json_requests(
    cloud: FakeCloud, make_client: MakeClient, method: str, path: str, call: Any
) -> None:
    data = {
        "batches": batch_json(status="CANCELED"),
        "jobs": job_json(status="CANCELED"),
        "workloads": {
            "id": BATCH,
            "project_id": PROJECT,
            "status": "CANCELED",
            "backend": "b",
            "workload_type": "w",
            "config": {},
            "created_at": "2024-01-01T00:00:00",
            "updated_at": "2024-01-01T00:00:00",
        },
    }[path.split("/")[3]]
    cloud.on(method, "/core-fast" + path, data)
    async with make_client() as client:
        result = await call(client)
    assert result.status.value == "CANCELED"
    sent = only_request(cloud)
    assert sent.headers["content-length"] == "0" and sent.content == b""
    assert sent.headers["content-type"] == "application/json"


async def test_list_batches_query_encoding(cloud: FakeCloud, make_client: MakeClient) -> None:
    cloud.on(
        "GET",
        "/core-fast/api/v1/batches",
        lambda r: httpx.Response(
            200, json=envelope([batch_json()], pagination={"total": 31, "start": 20, "end": 21})
        ),
    )
    filters = BatchFilters(
        id=[BATCH, B2],
        status=[BatchStatus.DONE, "PENDING"],
        open=False,
        start_date=datetime(2023, 1, 1),
        end_date=datetime(2023, 2, 1, 12, 30, tzinfo=timezone.utc),
        device_type="FRESNEL",
        queue_priority="HIGH",
        tag="nightly",
    )
    async with make_client() as client:
        page = await client.list_batches(filters, offset=20, limit=10)
    sent = only_request(cloud)
    assert sent.url.params.multi_items() == [
        ("id", BATCH),
        ("id", B2),
        ("start_date", "2023-01-01T00:00:00"),
        ("end_date", "2023-02-01T12:30:00+00:00"),
        ("device_type", "FRESNEL"),
        ("status", "DONE"),
        ("status", "PENDING"),
        ("open", "False"),
        ("queue_priority", "HIGH"),
        ("tag", "nightly"),
        ("offset", "20"),
        ("limit", "10"),
    ]
    # Percent-encoded like `requests`: a raw "+" would reach the server as a space.
    assert b"start_date=2023-01-01T00%3A00%3A00&" in sent.url.query
    assert b"end_date=2023-02-01T12%3A30%3A00%2B00%3A00&" in sent.url.query
    assert (page.total, page.offset, page.limit, page.end, page.has_more) == (31, 20, 10, 21, True)


async def test_list_batches_without_filters_still_sends_paging(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", "/core-fast/api/v1/batches", [batch_json(), batch_json(B2)])
    async with make_client() as client:
        page = await client.list_batches()
    assert only_request(cloud).url.query == b"offset=0&limit=100"
    # No pagination in the answer: this is the only page.
    assert (page.total, page.has_more, [b.id for b in page.items]) == (2, False, [BATCH, B2])


async def test_list_jobs_filters_and_ordering(cloud: FakeCloud, make_client: MakeClient) -> None:
    cloud.on("GET", "/core-fast/api/v2/jobs", [job_json()])
    filters = JobFilters(batch_id=BATCH, status="ERROR", errors=True, min_runs=1, max_runs=500)
    async with make_client() as client:
        page = await client.list_jobs(filters, order_by="creation_order", order_by_direction="asc")
    assert only_request(cloud).url.params.multi_items() == [
        ("min_runs", "1"),
        ("max_runs", "500"),
        ("batch_id", BATCH),
        ("status", "ERROR"),
        ("errors", "True"),
        ("order_by", "creation_order"),
        ("order_by_direction", "ASC"),
        ("offset", "0"),
        ("limit", "100"),
    ]
    assert page.items[0].created_at.tzinfo is not None


async def test_rebatch_and_cancel_jobs_send_filters_as_query(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("POST", f"/core-fast/api/v1/batches/{BATCH}/rebatch", batch_json(B2, parent_id=BATCH))
    cloud.on(
        "PATCH",
        f"/core-fast/api/v2/batches/{BATCH}/cancel/jobs",
        {
            "jobs": [job_json(status="CANCELED")],
            "errors": {B2: "already done"},
        },
    )
    async with make_client() as client:
        new = await client.rebatch(BATCH, RebatchFilters(status=["ERROR", "CANCELED"]))
        result = await client.cancel_jobs(BATCH, CancelJobFilters(id=JOB, max_runs=10))
    rebatch, cancel = cloud.api_requests()
    assert rebatch.url.params.multi_items() == [("status", "ERROR"), ("status", "CANCELED")]
    assert rebatch.content == b""
    assert cancel.url.params.multi_items() == [("id", JOB), ("max_runs", "10")]
    assert new.parent_id == BATCH
    assert result.errors == {B2: "already done"} and result.jobs[0].status is JobStatus.CANCELED


async def test_cancel_batches_sends_ids_in_body(cloud: FakeCloud, make_client: MakeClient) -> None:
    cloud.on(
        "PATCH",
        "/core-fast/api/v1/batches/cancel",
        {
            "batches": [batch_json(status="CANCELED")],
            "errors": {B2: "batch is DONE"},
        },
    )
    async with make_client() as client:
        result = await client.cancel_batches([BATCH, B2])
    assert body_of(only_request(cloud)) == {"batch_ids": [BATCH, B2]}
    assert result.batches[0].status is BatchStatus.CANCELED and B2 in result.errors


async def test_public_specs_and_result_links_carry_no_credentials(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on(
        "GET",
        "/core-fast/api/v1/devices/public-specs",
        [
            {"device_type": "FRESNEL", "specs": '{"name": "Fresnel"}', "available": True},
        ],
    )
    cloud.on(
        "GET",
        f"/core-fast/api/v1/jobs/{JOB}/results_link",
        {"results_link": "https://bucket.test/results/abc?X-Amz-Signature=1"},
    )
    cloud.on(
        "GET",
        "/results/abc",
        lambda r: httpx.Response(
            200, json={"counter": {"01": 3}, "raw": ["01", "01", "01"], "serialised_results": None}
        ),
    )
    async with make_client() as client:
        specs = await client.get_public_device_specs()
        results = await client.get_job_results(JOB)
    public, link, document = cloud.api_requests()
    assert specs == {"FRESNEL": '{"name": "Fresnel"}'}
    assert "authorization" not in public.headers and "authorization" not in document.headers
    assert link.headers["authorization"].startswith("Bearer ")
    assert document.url.host == "bucket.test" and document.url.params["X-Amz-Signature"] == "1"
    assert results is not None and results.counter == {"01": 3}


async def test_public_specs_work_without_credentials(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", "/core-fast/api/v1/devices/public-specs", [{"device_type": "X", "specs": "{}"}])
    async with make_client(auth=None) as client:
        assert await client.get_public_device_specs() == {"X": "{}"}
        with pytest.raises(Exception, match="not signed in"):
            await client.get_device_specs()
    assert len(cloud.requests) == 1


async def test_results_link_null_means_no_results_yet(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", f"/core-fast/api/v1/jobs/{JOB}/results_link", {"results_link": None})
    async with make_client() as client:
        assert await client.get_job_results(JOB) is None
    assert len(cloud.api_requests()) == 1


async def test_workloads(cloud: FakeCloud, make_client: MakeClient) -> None:
    workload = {
        "id": BATCH,
        "project_id": PROJECT,
        "status": "DONE",
        "backend": "qutip",
        "workload_type": "vqe",
        "config": {"n": 2},
        "created_at": "2024-01-01T00:00:00",
        "updated_at": "2024-01-01T00:00:00",
        "result": None,
        "result_link": "https://bucket.test/workload/1",
    }
    cloud.on("POST", "/core-fast/api/v1/workloads", dict(workload, status="PENDING"))
    cloud.on("GET", f"/core-fast/api/v2/workloads/{BATCH}", workload)
    cloud.on("GET", "/workload/1", lambda r: httpx.Response(200, json={"energy": -1.5}))
    async with make_client() as client:
        created = await client.create_workload(
            CreateWorkloadRequest(workload_type="vqe", backend="qutip", config={"n": 2})
        )
        fetched = await client.get_workload(BATCH)
    post, get, link = cloud.api_requests()
    assert get.headers["authorization"].startswith("Bearer ")
    assert body_of(post) == {
        "workload_type": "vqe",
        "backend": "qutip",
        "config": {"n": 2},
        "project_id": PROJECT,
    }
    assert "content-encoding" not in post.headers
    assert "authorization" not in link.headers
    assert created.status is JobStatus.PENDING and fetched.result == {"energy": -1.5}


async def test_specs_status_and_projects(cloud: FakeCloud, make_client: MakeClient) -> None:
    cloud.on("GET", "/core-fast/api/v1/devices/specs", {"FRESNEL": '{"a": 1}', "EMU_X": {"b": 2}})
    cloud.on(
        "GET",
        f"/core-fast/api/v1/batches/{BATCH}/status",
        {
            "status": "RUNNING",
            "jobs_count_per_status": {"RUNNING": 1, "PENDING": 2},
        },
    )
    cloud.on("GET", f"/core-fast/api/v1/jobs/{JOB}/status", {"status": "TIMED_OUT"})
    cloud.on(
        "GET",
        "/account/api/v1/projects",
        [
            {"id": PROJECT, "name": "Lab", "queue_priority": "FREE", "company": "Pasqal"},
        ],
    )
    async with make_client() as client:
        specs = await client.get_device_specs()
        status = await client.get_batch_status(BATCH)
        job_status = await client.get_job_status(JOB)
        projects = await client.list_projects()
    assert specs == {"FRESNEL": '{"a": 1}', "EMU_X": '{"b": 2}'}
    assert status.status is BatchStatus.RUNNING and status.jobs_count_per_status == {
        "RUNNING": 1,
        "PENDING": 2,
    }
    assert job_status is JobStatus.TIMED_OUT
    assert projects[0].name == "Lab" and projects[0].extras == {"company": "Pasqal"}
    assert cloud.api_requests()[-1].url.query == b"project_status=ACTIVE"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_batch("not-a-uuid"),
        lambda c: c.get_job("42"),
        lambda c: c.cancel_batches([BATCH, "nope"]),
        lambda c: c.get_workload(""),
        lambda c: c.list_batches(limit=101),
        lambda c: c.list_jobs(offset=-1),
        lambda c: c.list_jobs(order_by_direction="sideways"),
    ],
)
async def test_bad_arguments_are_refused_without_a_request(
    cloud: FakeCloud, make_client: MakeClient, call: Any
) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert cloud.requests == []
    assert str(info.value)  # one line naming the bad value
    assert "\n" not in str(info.value)


async def test_bad_id_message_names_the_value(make_client: MakeClient) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError, match="batch id 'not-a-uuid' is not a valid UUID"):
            await client.get_batch("not-a-uuid")


async def test_all_jobs_fetches_pages_concurrently_in_creation_order(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    window = ALL_JOBS_CONCURRENCY
    total = (window + 1) * 100 + 50  # the first page, then one more than the window holds
    ids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(total)]
    in_flight = 0
    peak = 0
    full = asyncio.Event()  # as many pages on the wire as the client allows

    async def jobs_page(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        offset = int(request.url.params.get("offset", "0"))
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == window:
            full.set()
        if offset:  # the first page comes alone; the others are held until a window is out
            await asyncio.wait_for(full.wait(), 10)
        in_flight -= 1
        limit = min(int(request.url.params.get("limit", "100")), 100)
        chunk = ids[offset : offset + limit]
        return httpx.Response(
            200,
            json=envelope(
                [job_json(i) for i in chunk],
                pagination={"total": total, "start": offset, "end": offset + len(chunk)},
            ),
        )

    cloud.on("GET", "/core-fast/api/v2/jobs", jobs_page)
    async with make_client() as client:
        jobs = await client.all_jobs(BATCH)
    assert [j.id for j in jobs] == ids
    requests = cloud.api_requests()
    assert len(requests) == window + 2
    first = requests[0].url.params
    assert first.get_list("batch_id") == [BATCH]
    assert (first["order_by"], first["order_by_direction"]) == ("creation_order", "ASC")
    assert sorted(int(r.url.params["offset"]) for r in requests) == list(range(0, total, 100))
    assert peak == window  # concurrent, and never more than the window at once


async def test_all_jobs_single_page_without_pagination(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    cloud.on("GET", "/core-fast/api/v2/jobs", [job_json()])
    async with make_client() as client:
        jobs = await client.all_jobs(BATCH)
    assert [j.id for j in jobs] == [JOB] and len(cloud.api_requests()) == 1


async def test_cookies_an_answer_sets_are_not_sent_back(
    cloud: FakeCloud, make_client: MakeClient
) -> None:
    """The APIs need no cookies (the SDK keeps none): one set by an answer, as a load balancer
    may, is not kept nor sent with the next request."""
    sticky = httpx.Response(
        200, json=envelope(batch_json()), headers={"set-cookie": "AWSALB=abc; Path=/"}
    )
    cloud.on("GET", f"/core-fast/api/v2/batches/{BATCH}", lambda _r: sticky)
    async with make_client() as client:
        await client.get_batch(BATCH)
        await client.get_batch(BATCH)
        assert not client._http.cookies
        with pytest.raises(AttributeError):
            client._http.cookies = {"a": "b"}
    first, second = cloud.api_requests()
    assert "cookie" not in first.headers and "cookie" not in second.headers
