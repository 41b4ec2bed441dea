"""The wire contract seen by any HTTP client: auth, isolation, the JSend envelope on every
error, and the query encodings of the SDK (SPEC §1.4, §1.5, §7)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import uuid
from collections.abc import Callable

import httpx
import pytest
from support.localcloud import api_client, data, get_token, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"


def _assert_fail_envelope(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] in ("fail", "error")
    assert body["code"] == status
    assert isinstance(body["data"], dict) and body["data"].get("description")
    assert isinstance(body["message"], str) and body["message"]
    return body


def _add_user(cloud: LocalCloudProcess, name: str, project: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "local-cloud", "add-user", name,
         "--project", project, "--password-stdin", "--data-dir", str(cloud.data_dir)],
        input=password + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip


def _project(api: httpx.Client) -> str:
    return str(data(api.get("/account/api/v1/projects"))[0]["id"])


def test_no_token_and_bad_token_are_401(local_cloud: LocalCloudProcess) -> None:
    _assert_fail_envelope(httpx.get(f"{local_cloud.core_url}/api/v1/batches"), 401)
    bad = httpx.get(
        f"{local_cloud.core_url}/api/v1/batches", headers={"Authorization": "Bearer nope"}
    )
    _assert_fail_envelope(bad, 401)


def test_wrong_password_is_refused_with_a_message(local_cloud: LocalCloudProcess) -> None:
    response = httpx.post(
        local_cloud.token_url,
        data={"grant_type": "password", "username": "demo", "password": "wrong"},
    )
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["error"] == "invalid_grant" and "password" in body["error_description"]


def test_token_endpoint_takes_json_password_realm(local_cloud: LocalCloudProcess) -> None:
    """auth0-python 3.x (SDK 0.12.5) sends JSON with the password-realm grant."""
    response = httpx.post(
        local_cloud.token_url,
        json={
            "grant_type": "http://auth0.com/oauth/grant-type/password-realm",
            "username": "demo", "password": "demo", "realm": "pcs-users",
            "client_id": "x", "client_secret": "", "scope": "openid profile email",
            "audience": "https://apis.pasqal.cloud/account/api/v1",
        },
    )  # fmt: skip
    body = response.json()
    assert response.status_code == 200 and body["token_type"] == "Bearer"
    assert body["expires_in"] > 60 and len(body["access_token"]) > 20


def test_other_projects_batches_are_404(local_cloud: LocalCloudProcess) -> None:
    bob = f"bob-{uuid.uuid4().hex[:6]}"  # the server is shared: a name of our own
    _add_user(local_cloud, bob, f"{bob}'s lab", "s3cret-bob")
    bob_token = get_token(local_cloud, bob, "s3cret-bob")
    with api_client(local_cloud) as demo, api_client(local_cloud, bob_token) as other:
        demo_batch = data(demo.get(f"{CORE}/v1/batches", params={"limit": 1}))[0]
        _assert_fail_envelope(other.get(f"{CORE}/v2/batches/{demo_batch['id']}"), 404)
        _assert_fail_envelope(other.patch(f"{CORE}/v2/batches/{demo_batch['id']}/cancel"), 404)
        job_id = data(demo.get(f"{CORE}/v2/jobs", params={"limit": 1}))[0]["id"]
        _assert_fail_envelope(other.get(f"{CORE}/v2/jobs/{job_id}"), 404)
        assert other.get(f"{CORE}/v1/batches").json()["pagination"]["total"] == 0
        bob_projects = data(other.get("/account/api/v1/projects"))
        assert [p["name"] for p in bob_projects] == [f"{bob}'s lab"]
        refused = other.post(
            f"{CORE}/v1/batches",
            json={"project_id": _project(demo), "sequence_builder": "{}", "jobs": [{"runs": 1}]},
        )
        _assert_fail_envelope(refused, 403)


def test_expired_token_is_401(local_cloud_factory: Callable[..., LocalCloudProcess]) -> None:
    cloud = local_cloud_factory(["--token-ttl", "1", "--workers", "1"])
    token = get_token(cloud)
    with api_client(cloud, token) as api:
        assert api.get(f"{CORE}/v1/batches").status_code == 200

        def refused() -> httpx.Response | None:
            response = api.get(f"{CORE}/v1/batches")
            return response if response.status_code != 200 else None

        _assert_fail_envelope(wait_until(refused, timeout=30), 401)  # once the second is over


def test_every_error_is_an_envelope(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        _assert_fail_envelope(api.get("/no/such/route"), 404)
        _assert_fail_envelope(api.delete(f"{CORE}/v1/batches"), 405)
        _assert_fail_envelope(api.get(f"{CORE}/v1/batches", params={"limit": 1000}), 422)
        _assert_fail_envelope(api.get(f"{CORE}/v2/jobs", params={"errors": "maybe"}), 422)
        _assert_fail_envelope(api.get(f"{CORE}/v2/batches/not-a-batch"), 404)
        garbage = api.post(
            f"{CORE}/v1/batches",
            content=b"\x1f\x8b this is not gzip",
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        _assert_fail_envelope(garbage, 400)
        missing = api.post(f"{CORE}/v1/batches", json={"jobs": []})
        body = _assert_fail_envelope(missing, 422)
        assert "project_id" in json.dumps(body["data"])


def test_gzip_batch_and_bare_array_bodies(local_cloud: LocalCloudProcess) -> None:
    rabi = sequences.rabi_oscillation(2)
    with api_client(local_cloud) as api:
        payload = {
            "project_id": _project(api), "sequence_builder": rabi, "open": True,
            "device_type": "EMU_FREE", "jobs": [], "webhook": None,
        }  # fmt: skip
        created = api.post(
            f"{CORE}/v1/batches",
            content=gzip.compress(json.dumps(payload).encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        batch = data(created)
        assert batch["open"] is True and batch["jobs"] == []
        jobs = [{"runs": 5, "variables": {"omega": 1.0, "duration": 100}, "sequence": None}]
        added = api.post(
            f"{CORE}/v2/batches/{batch['id']}/jobs",
            content=gzip.compress(json.dumps(jobs).encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert len(data(added)["jobs"]) == 1
        tagged = data(api.patch(f"{CORE}/v1/batches/{batch['id']}/tags", json=["x", "y"]))
        assert tagged["tags"] == ["x", "y"]
        closed = data(api.patch(f"{CORE}/v2/batches/{batch['id']}/complete"))
        assert closed["open"] is False and closed["complete"] is True
        late = api.post(f"{CORE}/v2/batches/{batch['id']}/jobs", json=jobs)
        _assert_fail_envelope(late, 409)


def test_query_encodings_of_the_sdk(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        get = lambda params: api.get(f"{CORE}/v1/batches", params=params).json()  # noqa: E731
        both = get([("status", "DONE"), ("status", "CANCELED"), ("open", "False")])
        assert {b["status"] for b in both["data"]} == {"DONE", "CANCELED"}
        lower = get({"status": "DONE", "open": "false"})["pagination"]["total"]
        upper = get({"status": "DONE", "open": "False"})["pagination"]["total"]
        assert lower == upper > 0
        assert get({"open": "True"})["data"][0]["open"] is True
        naive = get({"start_date": "2025-05-25T00:00:00", "end_date": "2025-05-28T00:00:00"})
        aware = get(
            {"start_date": "2025-05-25T02:00:00+02:00", "end_date": "2025-05-28T00:00:00+00:00"}
        )
        assert naive["pagination"]["total"] == aware["pagination"]["total"] > 0
        assert all("2025-05-25" <= b["created_at"] <= "2025-05-28" for b in naive["data"])
        assert get({"ordered_id": "x", "whatever": "1"})["pagination"]["total"] >= 30
        newest = get({"limit": 5})["data"]
        assert [b["created_at"] for b in newest] == sorted(
            (b["created_at"] for b in newest), reverse=True
        )


def test_results_link_is_signed_and_needs_no_auth(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        job = data(api.get(f"{CORE}/v2/jobs", params={"status": "DONE", "limit": 1}))[0]
        link = data(api.get(f"{CORE}/v1/jobs/{job['id']}/results_link"))["results_link"]
        pending = data(api.get(f"{CORE}/v2/jobs", params={"status": "CANCELED", "limit": 1}))[0]
        none = data(api.get(f"{CORE}/v1/jobs/{pending['id']}/results_link"))["results_link"]
    assert link.startswith(local_cloud.base_url) and none is None
    document = httpx.get(link).json()
    assert set(document) == {"counter", "raw", "serialised_results"}
    assert sum(document["counter"].values()) == job["runs"] == len(document["raw"])
    _assert_fail_envelope(httpx.get(link.replace("signature=", "signature=x")), 403)
    expired = link.split("expires=")[0] + "expires=1&" + link.split("&", 1)[1]
    _assert_fail_envelope(httpx.get(expired), 403)


def test_status_endpoints_and_docs(local_cloud: LocalCloudProcess) -> None:
    with api_client(local_cloud) as api:
        batch = data(api.get(f"{CORE}/v1/batches", params={"tag": "pagination"}))[0]
        status = data(api.get(f"{CORE}/v1/batches/{batch['id']}/status"))
        assert status == {"status": "DONE", "jobs_count_per_status": batch["jobs_count_per_status"]}
        job = data(api.get(f"{CORE}/v2/jobs", params={"batch_id": batch["id"], "limit": 1}))[0]
        assert data(api.get(f"{CORE}/v1/jobs/{job['id']}/status")) == {"status": job["status"]}
        assert api.get("/docs").status_code == 200
        paths = api.get("/openapi.json").json()["paths"]
    assert f"{CORE}/v1/batches" in paths and "/oauth/token" in paths


@pytest.mark.parametrize("grant", ["client_credentials", ""])
def test_unsupported_grant_is_400(local_cloud: LocalCloudProcess, grant: str) -> None:
    response = httpx.post(local_cloud.token_url, data={"grant_type": grant, "username": "demo"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"
