"""Values the local cloud must refuse with a 400 naming the field, before anything is stored:
lone surrogates in any body field, integers beyond signed 64 bits, non-finite numbers, dates
that overflow on the way to UTC, and unknown filter values. The project stays readable."""

from __future__ import annotations

import http.client
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.localcloud import api_client, data

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"
BIG = 2**64
JSON = {"Content-Type": "application/json"}
LONE = "\ud800"


@pytest.fixture(scope="module")
def api(local_cloud: LocalCloudProcess) -> Iterator[httpx.Client]:
    with api_client(local_cloud) as client:
        yield client


@pytest.fixture(scope="module")
def project(api: httpx.Client) -> str:
    return str(data(api.get("/account/api/v1/projects"))[0]["id"])


def _batch_body(project: str, **extra: Any) -> dict[str, Any]:
    body = {
        "project_id": project, "sequence_builder": sequences.rabi_oscillation(2),
        "open": True, "device_type": "EMU_FREE", "jobs": [], "webhook": None,
    }  # fmt: skip
    body.update(extra)
    return body


@pytest.fixture(scope="module")
def batch(api: httpx.Client, project: str) -> Iterator[dict[str, Any]]:
    """An open emulator batch with no jobs: it holds no device and runs nothing."""
    created = data(api.post(f"{CORE}/v1/batches", json=_batch_body(project, tags=["keep"])))
    yield created
    api.patch(f"{CORE}/v2/batches/{created['id']}/cancel")


def _send(api: httpx.Client, method: str, url: str, body: Any) -> httpx.Response:
    """`body` as JSON text: json.dumps escapes a lone surrogate as `\\ud800`, as an abuser would."""
    return api.request(method, url, content=json.dumps(body).encode(), headers=JSON)


def _assert_400(response: httpx.Response, *named: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == "fail" and body["code"] == 400
    for name in named:
        assert name in body["message"], body["message"]
        assert name in body["data"]["description"]
    return body


def _project_reads(api: httpx.Client) -> tuple[int, int]:
    """The project's batch and job totals; both lists must answer 200."""
    batches = api.get(f"{CORE}/v1/batches", params={"limit": 1})
    jobs = api.get(f"{CORE}/v2/jobs", params={"limit": 1})
    assert batches.status_code == 200 and jobs.status_code == 200, (batches.text, jobs.text)
    return batches.json()["pagination"]["total"], jobs.json()["pagination"]["total"]


def _workloads(cloud: LocalCloudProcess) -> int:
    path = cloud.data_dir / "cloud.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM workloads").fetchone()[0])


# -- invalid Unicode, field by field -------------------------------------------------------

CREATE_FIELDS = [
    ("tags", ["ok", LONE], "tags[1]"),
    ("webhook", f"http://hook/{LONE}", "webhook"),
    ("sequence_builder", '{"x": "' + LONE + '"}', "sequence_builder"),
    ("configuration", {"dt": LONE}, "configuration.dt"),
    ("configuration", {LONE: 1}, "configuration"),
    ("backend_configuration", LONE, "backend_configuration"),
    ("jobs", [{"runs": 1, "variables": {"omega": LONE}}], "jobs[0].variables.omega"),
    ("jobs", [{"runs": 1, "sequence": LONE}], "jobs[0].sequence"),
    ("project_id", LONE, "project_id"),
]


@pytest.mark.parametrize(("field", "value", "named"), CREATE_FIELDS)
def test_create_batch_refuses_lone_surrogates(
    api: httpx.Client, project: str, field: str, value: Any, named: str
) -> None:
    before = _project_reads(api)
    response = _send(api, "POST", f"{CORE}/v1/batches", _batch_body(project, **{field: value}))
    _assert_400(response, named, "Unicode")
    assert _project_reads(api) == before  # nothing stored, and the lists still answer


def test_set_tags_refuses_lone_surrogates_and_keeps_the_old_tags(
    api: httpx.Client, batch: dict[str, Any]
) -> None:
    """The reported repro: PATCH tags ["\\ud800"], then the batch list answered 500 forever."""
    for tags, named in (([LONE], "tags[0]"), (["fine", "x" + LONE], "tags[1]")):
        _assert_400(_send(api, "PATCH", f"{CORE}/v1/batches/{batch['id']}/tags", tags), named)
    assert data(api.get(f"{CORE}/v2/batches/{batch['id']}"))["tags"] == ["keep"]
    _project_reads(api)


@pytest.mark.parametrize(
    ("item", "named"),
    [
        ({"runs": 1, "variables": {"omega": LONE}}, "jobs[0].variables.omega"),
        (
            {"runs": 1, "variables": {"nested": [{"deep": LONE}]}},
            "jobs[0].variables.nested[0].deep",
        ),
        ({"runs": 1, "sequence": "{}" + LONE}, "jobs[0].sequence"),
    ],
)
def test_add_jobs_refuses_lone_surrogates(
    api: httpx.Client, batch: dict[str, Any], item: dict[str, Any], named: str
) -> None:
    response = _send(api, "POST", f"{CORE}/v2/batches/{batch['id']}/jobs", [item])
    _assert_400(response, named)
    assert data(api.get(f"{CORE}/v2/batches/{batch['id']}"))["jobs_count"] == 0
    _project_reads(api)


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("config", {"a": [LONE]}, "config.a[0]"),
        ("config", {"ok": {LONE: 1}}, "config.ok"),
        ("backend", LONE, "backend"),
        ("workload_type", LONE, "workload_type"),
    ],
)
def test_create_workload_refuses_lone_surrogates(
    api: httpx.Client,
    local_cloud: LocalCloudProcess,
    project: str,
    field: str,
    value: Any,
    named: str,
) -> None:
    body: dict[str, Any] = {
        "project_id": project, "workload_type": "pulser_emulation", "backend": "EMU_FREE",
        "config": {},
    }  # fmt: skip
    before = _workloads(local_cloud)
    _assert_400(_send(api, "POST", f"{CORE}/v1/workloads", {**body, field: value}), named)
    assert _workloads(local_cloud) == before


def test_cancel_batches_and_token_refuse_lone_surrogates(
    api: httpx.Client, local_cloud: LocalCloudProcess
) -> None:
    _assert_400(
        _send(api, "PATCH", f"{CORE}/v1/batches/cancel", {"batch_ids": [LONE]}), "batch_ids[0]"
    )
    grant = {"grant_type": "password", "username": LONE, "password": "x"}
    _assert_400(
        httpx.post(local_cloud.token_url, content=json.dumps(grant), headers=JSON), "username"
    )


def test_raw_surrogate_bytes_are_not_utf8(api: httpx.Client, batch: dict[str, Any]) -> None:
    raw = b'["\xed\xa0\x80"]'  # a surrogate encoded as UTF-8 bytes: invalid UTF-8
    response = api.patch(f"{CORE}/v1/batches/{batch['id']}/tags", content=raw, headers=JSON)
    _assert_400(response, "UTF-8")


def test_valid_unicode_round_trips(api: httpx.Client, batch: dict[str, Any]) -> None:
    """A surrogate *pair* is a real character (here U+1F600), and is kept as sent."""
    tags = ["\ud83d\ude00", "é", "日本"]
    changed = data(_send(api, "PATCH", f"{CORE}/v1/batches/{batch['id']}/tags", tags))
    assert changed["tags"] == ["😀", "é", "日本"]
    data(api.patch(f"{CORE}/v1/batches/{batch['id']}/tags", json=["keep"]))


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "named"),
    [
        ({"runs": 1, "variables": {"x": BIG}}, "jobs[0].variables.x"),
        ({"runs": 1, "variables": {"x": -(2**63) - 1}}, "jobs[0].variables.x"),
        ({"runs": BIG}, "jobs[0].runs"),
        ({"runs": 1, "variables": {"x": [1, 1e999]}}, "jobs[0].variables.x[1]"),
    ],
)
def test_out_of_range_numbers_in_bodies(
    api: httpx.Client, batch: dict[str, Any], item: dict[str, Any], named: str
) -> None:
    body = json.dumps([item]).replace("Infinity", "1e999")  # json.dumps writes 1e999 as Infinity
    url = f"{CORE}/v2/batches/{batch['id']}/jobs"
    _assert_400(api.post(url, content=body, headers=JSON), named, "range")


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b'[{"runs": 1, "variables": {"x": NaN}}]', "NaN"),
        (b'[{"runs": 1, "variables": {"x": -Infinity}}]', "Infinity"),
        (b'[{"runs": 1, "variables": {"x": ' + b"9" * 5000 + b"}}]", "number"),
        (b"[" * 100 + b"]" * 100, "nested"),
    ],
)
def test_unreadable_numbers_and_nesting(
    api: httpx.Client, batch: dict[str, Any], raw: bytes, said: str
) -> None:
    url = f"{CORE}/v2/batches/{batch['id']}/jobs"
    _assert_400(api.post(url, content=raw, headers=JSON), said)


def test_largest_integer_is_accepted(api: httpx.Client, project: str) -> None:
    body = _batch_body(project, configuration={"big": 2**63 - 1, "small": -(2**63)})
    created = data(api.post(f"{CORE}/v1/batches", json=body))
    assert created["configuration"] == {"big": 2**63 - 1, "small": -(2**63)}
    data(api.patch(f"{CORE}/v2/batches/{created['id']}/cancel"))


def _query_cases(batch_id: str) -> list[tuple[str, str, str, str]]:
    return [
        ("GET", f"{CORE}/v1/batches", "offset", str(BIG)),
        ("GET", f"{CORE}/v1/batches", "offset", "-1"),
        ("GET", f"{CORE}/v2/jobs", "offset", str(BIG)),
        ("GET", f"{CORE}/v2/jobs", "min_runs", str(BIG)),
        ("GET", f"{CORE}/v2/jobs", "max_runs", str(BIG)),
        ("GET", f"{CORE}/v2/jobs", "min_runs", "-1"),
        ("POST", f"{CORE}/v1/batches/{batch_id}/rebatch", "min_runs", str(BIG)),
        ("PATCH", f"{CORE}/v2/batches/{batch_id}/cancel/jobs", "max_runs", str(BIG)),
    ]


def test_out_of_range_integers_in_queries(api: httpx.Client, batch: dict[str, Any]) -> None:
    for method, url, param, value in _query_cases(batch["id"]):
        body = _assert_400(api.request(method, url, params={param: value}), param)
        assert body["data"]["field"] == param
    last = api.get(f"{CORE}/v1/batches", params={"offset": 2**63 - 1})
    assert last.status_code == 200 and last.json()["data"] == []
    assert data(api.get(f"{CORE}/v2/batches/{batch['id']}"))["status"] == "PENDING"


def test_results_link_edge_values(local_cloud: LocalCloudProcess) -> None:
    """No token needed here: a non-ASCII signature used to be a 500."""
    url = f"{local_cloud.base_url}/results/jobs/some-job"
    refused = httpx.get(url, params={"expires": "1", "signature": "é"})
    assert refused.status_code == 403 and refused.json()["code"] == 403
    _assert_400(httpx.get(url, params={"expires": str(BIG), "signature": "x"}), "expires")


# -- dates -----------------------------------------------------------------------------------

EDGE_DATES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]


@pytest.mark.parametrize("value", EDGE_DATES)
def test_dates_that_overflow_in_utc(api: httpx.Client, batch: dict[str, Any], value: str) -> None:
    cases = [
        ("GET", f"{CORE}/v1/batches", "start_date"),
        ("GET", f"{CORE}/v1/batches", "end_date"),
        ("GET", f"{CORE}/v2/jobs", "start_date"),
        ("GET", f"{CORE}/v2/jobs", "end_date"),
        ("POST", f"{CORE}/v1/batches/{batch['id']}/rebatch", "start_date"),
        ("PATCH", f"{CORE}/v2/batches/{batch['id']}/cancel/jobs", "end_date"),
    ]
    for method, url, param in cases:
        _assert_400(api.request(method, url, params={param: value}), param, "UTC")


def test_edge_dates_that_fit_are_accepted(api: httpx.Client) -> None:
    for value in ("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59"):
        assert api.get(f"{CORE}/v2/jobs", params={"start_date": value}).status_code == 200


# -- filter values ---------------------------------------------------------------------------


def test_unknown_filter_values_are_named(api: httpx.Client, batch: dict[str, Any]) -> None:
    cases = [
        ("GET", f"{CORE}/v1/batches", "status", "NOPE"),
        ("GET", f"{CORE}/v1/batches", "status", "done"),
        ("GET", f"{CORE}/v1/batches", "device_type", "NOPE"),
        ("GET", f"{CORE}/v1/batches", "order_by_direction", "SIDEWAYS"),
        ("GET", f"{CORE}/v2/jobs", "status", "NOPE"),
        ("GET", f"{CORE}/v2/jobs", "order_by", "NOPE"),
        ("GET", f"{CORE}/v2/jobs", "order_by_direction", "UP"),
        ("POST", f"{CORE}/v1/batches/{batch['id']}/rebatch", "status", "NOPE"),
    ]
    for method, url, param, value in cases:
        body = _assert_400(api.request(method, url, params={param: value}), param)
        assert value.upper() in body["message"] and "expected one of" in body["message"]
    mixed = api.get(f"{CORE}/v1/batches", params=[("status", "DONE"), ("status", "NOPE")])
    _assert_400(mixed, "NOPE")


def test_known_filter_values_still_match(api: httpx.Client) -> None:
    """Legal names the server never emits (PAUSED, FRESNEL_CAN1) match nothing, no error."""
    for params in (
        {"status": "PAUSED"},
        {"device_type": "FRESNEL_CAN1"},
        {"queue_priority": "ANYTHING"},  # SPEC §3.6: any queue priority string is accepted
        {"order_by_direction": "asc"},
    ):
        assert data(api.get(f"{CORE}/v1/batches", params=params)) is not None
    assert api.get(f"{CORE}/v1/batches", params={"status": "PAUSED"}).json()["data"] == []
    for order in ("creation_order", "ordered_id", "created_at"):
        ordered = api.get(f"{CORE}/v2/jobs", params={"order_by": order, "limit": 1})
        assert ordered.status_code == 200


def test_edge_values_keep_the_connection(
    local_cloud: LocalCloudProcess, api: httpx.Client, batch: dict[str, Any]
) -> None:
    """A 500 used to drop the keep-alive connection; a 400 is an ordinary answer on it."""
    host, port = local_cloud.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    auth = {"Authorization": str(api.headers["Authorization"]), **JSON}
    edge_requests = [
        ("GET", f"{CORE}/v1/batches?offset={BIG}", None),
        ("GET", f"{CORE}/v2/jobs?start_date=0001-01-01T00:00:00%2B01:00", None),
        ("GET", f"{CORE}/v2/jobs?min_runs={BIG}", None),
        ("PATCH", f"{CORE}/v1/batches/{batch['id']}/tags", b'["\\ud800"]'),
        ("GET", "/results/jobs/x?expires=1&signature=%C3%A9", None),
    ]
    try:
        conn.request("GET", f"{CORE}/v1/batches?limit=1", headers=auth)
        conn.getresponse().read()
        socket = conn.sock
        for method, url, body in edge_requests:
            conn.request(method, url, body=body, headers=auth)
            response = conn.getresponse()
            response.read()
            assert response.status in (400, 403), (url, response.status)
            assert conn.sock is socket, f"connection dropped after {url}"
    finally:
        conn.close()
