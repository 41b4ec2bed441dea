"""The shared server starts, seeds the demo history and answers the core read routes."""

from __future__ import annotations

from support.localcloud import api_client, data

from pasqal_tui.localcloud.process import LocalCloudProcess


def test_ready_line_and_demo_login(local_cloud: LocalCloudProcess) -> None:
    assert local_cloud.stdout_lines[0] == f"Local Pasqal Cloud ready at {local_cloud.base_url}"
    assert local_cloud.stdout_lines[1] == "Demo login: demo / demo"


def test_demo_batches_are_listed_with_pagination(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        body = api.get("/core-fast/api/v1/batches").json()
    assert body["pagination"]["total"] >= 30
    statuses = {b["status"] for b in body["data"]}
    assert {"DONE", "ERROR", "CANCELED", "TIMED_OUT"} <= statuses
    assert any(b["open"] for b in body["data"])


def test_big_demo_batch_pages_through_5000_jobs(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        batches = data(api.get("/core-fast/api/v1/batches", params={"tag": "pagination"}))
        (big,) = batches
        page = api.get(
            "/core-fast/api/v2/jobs",
            params={
                "batch_id": big["id"],
                "order_by": "creation_order",
                "order_by_direction": "ASC",
                "offset": 4950,
            },
        ).json()
    assert big["jobs_count"] == 5000
    assert page["pagination"] == {"total": 5000, "start": 4950, "end": 5000}
    assert len(page["data"]) == 50
