"""The local cloud answers with at least the fields the real service's recorded answers carry
(shared/pasqal-api/recorded, the latest SDK's layout), route by route: a client written
against the real service finds every field it may read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.cloudfakes import RECORDED
from support.localcloud import api_client, data

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

LATEST = RECORDED / "v0.23"
BATCH_1 = "00000000-0000-0000-0000-000000000001"
JOB_1 = "00000000-0000-0000-0000-000000022010"


def recorded(path: str) -> dict[str, Any]:
    body = json.loads((LATEST / path).read_text())
    item = body.get("data", body)
    found: dict[str, Any] = item[0] if isinstance(item, list) else item
    return found


@pytest.fixture(scope="module")
def answers(local_cloud: LocalCloudProcess) -> dict[str, dict[str, Any]]:
    """One answer of ours per recorded route, from a fresh closed batch and the demo data."""
    if not LATEST.is_dir():
        pytest.skip(f"no recordings at {LATEST}")
    with api_client(local_cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
        created = data(
            api.post(
                "/core-fast/api/v1/batches",
                json={
                    "project_id": project_id,
                    "sequence_builder": sequences.rabi_oscillation(2),
                    "device_type": "EMU_FREE",
                    "jobs": [{"runs": 5, "variables": {"omega": 1.0, "duration": 100}}] * 2,
                },
            )
        )
        listed = data(api.get("/core-fast/api/v1/batches", params={"limit": 20}))
        one = data(api.get(f"/core-fast/api/v2/batches/{created['id']}"))
        jobs = data(api.get("/core-fast/api/v2/jobs", params={"batch_id": created["id"]}))
        job = data(api.get(f"/core-fast/api/v2/jobs/{jobs[0]['id']}"))
        return {
            "v1/batches GET": next(b for b in listed if b["id"] == created["id"]),
            "v1/batches POST": created,
            "v2/batches/{id} GET": one,
            "v2/jobs GET": jobs[0],
            "v2/jobs/{id} GET": job,
        }


ROUTES = {
    "v1/batches GET": "core-fast/api/v1/batches/_.GET.json",
    "v1/batches POST": "core-fast/api/v1/batches/_.POST.json",
    "v2/batches/{id} GET": f"core-fast/api/v2/batches/{BATCH_1}/_.GET.json",
    "v2/jobs GET": "core-fast/api/v2/jobs/_.GET.json",
    "v2/jobs/{id} GET": f"core-fast/api/v2/jobs/{JOB_1}/_.GET.json",
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_recorded_field_is_answered(route: str, answers: dict[str, dict[str, Any]]) -> None:
    missing = sorted(set(recorded(ROUTES[route])) - set(answers[route]))
    assert missing == [], f"{route}: the real service also sends {missing}"


def test_list_items_carry_their_job_ids_in_creation_order(
    answers: dict[str, dict[str, Any]],
) -> None:
    listed, one = answers["v1/batches GET"], answers["v2/batches/{id} GET"]
    assert len(listed["job_ids"]) == 2
    created = [j["id"] for j in answers["v1/batches POST"]["jobs"]]
    assert listed["job_ids"] == one["job_ids"] == created
