"""Crash safety and reproducible demo data, with real server processes."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import httpx
from support.localcloud import DEMO_CLOCK_ORIGIN, api_client, data, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"


def _jobs(api: httpx.Client, batch_id: str) -> list[dict[str, object]]:
    params = {"batch_id": batch_id, "order_by": "creation_order", "order_by_direction": "ASC"}
    return list(data(api.get(f"{CORE}/v2/jobs", params=params)))


def test_sigkill_mid_batch_loses_nothing(
    local_cloud_factory: Callable[..., LocalCloudProcess], tmp_path: Path
) -> None:
    # QPU jobs take 0.5 s each here: long enough to kill the server in the middle.
    args = ["--time-scale", "0.25", "--workers", "1"]
    cloud = local_cloud_factory(args, data_dir=tmp_path / "cloud")
    rabi = sequences.rabi_oscillation(2)
    with api_client(cloud) as api:
        project = data(api.get("/account/api/v1/projects"))[0]["id"]
        jobs = [
            {"runs": 20, "variables": {"omega": 3.0, "duration": 300 + 50 * i}} for i in range(6)
        ]
        batch = data(
            api.post(
                f"{CORE}/v1/batches",
                json={"project_id": project, "sequence_builder": rabi, "jobs": jobs,
                      "device_type": "FRESNEL"},
            )
        )  # fmt: skip
        job_ids = [j["id"] for j in batch["jobs"]]

        def midway() -> bool:
            counts = data(api.get(f"{CORE}/v1/batches/{batch['id']}/status"))
            per = counts["jobs_count_per_status"]
            return per["DONE"] >= 1 and per["RUNNING"] == 1 and per["PENDING"] >= 1

        wait_until(midway, timeout=60, every=0.05)
    cloud.kill()

    cloud.restart()
    with api_client(cloud) as api:
        wait_until(
            lambda: data(api.get(f"{CORE}/v2/batches/{batch['id']}"))["status"] == "DONE",
            timeout=90,
        )
        final = data(api.get(f"{CORE}/v2/batches/{batch['id']}"))
        after = _jobs(api, batch["id"])
        links = [
            data(api.get(f"{CORE}/v1/jobs/{job['id']}/results_link"))["results_link"]
            for job in after
        ]
    assert final["job_ids"] == job_ids
    assert [j["id"] for j in after] == job_ids
    assert [j["status"] for j in after] == ["DONE"] * 6
    assert final["jobs_count_per_status"] == {
        "PENDING": 0, "RUNNING": 0, "DONE": 6, "ERROR": 0, "CANCELED": 0,
    }  # fmt: skip
    assert final["start_datetime"] <= final["end_datetime"]
    for link in links:
        assert sum(httpx.get(link).json()["counter"].values()) == 20


def _snapshot(cloud: LocalCloudProcess) -> tuple[list[tuple[object, ...]], list[str]]:
    with api_client(cloud) as api:
        batches = data(api.get(f"{CORE}/v1/batches"))
        big = next(b for b in batches if "pagination" in b["tags"])
        jobs = data(api.get(f"{CORE}/v2/jobs", params={"batch_id": big["id"], "offset": 4900}))
    # Live activity (the demo's QPU queue starting up) is dated from the same origin.
    if "--clock-origin" in cloud.extra_args:
        assert all(b["updated_at"] < "2025-06-01T13:00:00" for b in batches), "wall clock leaked"
    rows = []
    for b in batches:
        finished = b["status"] in ("DONE", "ERROR", "CANCELED", "TIMED_OUT") and not b["open"]
        fixed = (b["updated_at"], b["end_datetime"], b["jobs_count_per_status"]) if finished else ()
        rows.append((b["id"], b["created_at"], b["device_type"], b["tags"], b["parent_id"], *fixed))
    return rows, [f"{j['id']} {j['created_at']} {j['end_timestamp']}" for j in jobs]


def test_demo_seed_is_deterministic(local_cloud_factory: Callable[..., LocalCloudProcess]) -> None:
    args = ["--demo", "--seed", "99", "--clock-origin", DEMO_CLOCK_ORIGIN, "--time-scale", "1000"]
    first = _snapshot(local_cloud_factory([*args, "--workers", "1"]))
    second = _snapshot(local_cloud_factory([*args, "--workers", "1"]))
    assert first == second
    assert len(first[0]) >= 30 and len(first[1]) == 100
    assert all(created <= "2025-06-01T12:00:00" for _, created, *_ in first[0])
    other = _snapshot(local_cloud_factory(["--demo", "--seed", "100", "--workers", "1"]))
    assert {row[0] for row in other[0]}.isdisjoint({row[0] for row in first[0]})


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    return found


def test_workers_leave_when_only_the_server_is_killed(
    local_cloud_factory: Callable[..., LocalCloudProcess], tmp_path: Path
) -> None:
    """A SIGKILL to the server alone (not its group) must not leave emulation workers behind."""
    cloud = local_cloud_factory(["--workers", "1"], data_dir=tmp_path / "cloud")
    rabi = sequences.rabi_oscillation(2)
    with api_client(cloud) as api:
        project = data(api.get("/account/api/v1/projects"))[0]["id"]
        job = {"runs": 10, "variables": {"omega": 3.0, "duration": 300}}
        batch = data(
            api.post(
                f"{CORE}/v1/batches",
                json={"project_id": project, "sequence_builder": rabi, "jobs": [job],
                      "device_type": "EMU_FREE"},
            )
        )  # fmt: skip
        wait_until(
            lambda: data(api.get(f"{CORE}/v2/batches/{batch['id']}"))["status"] == "DONE",
            timeout=90,
        )
    workers = _children(cloud.pid)
    assert workers, "the server should have started an emulation worker"
    os.kill(cloud.pid, signal.SIGKILL)
    wait_until(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), timeout=10)
