"""The queue as a user sees it: QPU one batch at a time, emulators side by side, open batches
timing out, hardware-like failures, and a clean stop."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.localcloud import api_client, data, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"
PI_PULSE = {"omega": math.pi, "duration": 1000}


def _create(api: httpx.Client, device: str, n_jobs: int, *, open_: bool = False) -> dict[str, Any]:
    project = data(api.get("/account/api/v1/projects"))[0]["id"]
    body = {
        "project_id": project,
        "sequence_builder": sequences.rabi_oscillation(2),
        "device_type": device,
        "open": open_,
        "jobs": [{"runs": 10, "variables": PI_PULSE} for _ in range(n_jobs)],
    }
    return dict(data(api.post(f"{CORE}/v1/batches", json=body)))


def _batch(api: httpx.Client, batch_id: str) -> dict[str, Any]:
    return dict(data(api.get(f"{CORE}/v2/batches/{batch_id}")))


@pytest.fixture(scope="module")
def queue_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    # A QPU job takes 0.4 s; an idle open batch times out after 1.5 s.
    args = ["--time-scale", "0.2", "--open-batch-timeout", "1.5", "--workers", "1"]
    with LocalCloudProcess(tmp_path_factory.mktemp("queue-cloud"), args) as cloud:
        yield cloud


def test_qpu_runs_one_batch_at_a_time_and_emulators_pass_by(queue_cloud: LocalCloudProcess) -> None:
    with api_client(queue_cloud) as api:
        holder = _create(api, "FRESNEL", 1, open_=True)
        wait_until(lambda: _batch(api, holder["id"])["jobs_count_per_status"]["DONE"] == 1)
        waiting = _create(api, "FRESNEL", 2)
        emulated = _create(api, "EMU_FREE", 2)
        # The open QPU batch holds the QPU; the emulator batch is not blocked by it.
        wait_until(lambda: _batch(api, emulated["id"])["status"] == "DONE", timeout=60)
        assert _batch(api, waiting["id"])["status"] == "PENDING"
        assert _batch(api, holder["id"])["status"] == "RUNNING"
        data(api.patch(f"{CORE}/v2/batches/{holder['id']}/complete"))
        wait_until(lambda: _batch(api, waiting["id"])["status"] == "DONE", timeout=60)
        held = _batch(api, holder["id"])
        after = _batch(api, waiting["id"])
    assert held["status"] == "DONE"
    assert after["start_datetime"] >= held["end_datetime"]


def test_idle_open_batch_times_out(queue_cloud: LocalCloudProcess) -> None:
    with api_client(queue_cloud) as api:
        batch = _create(api, "EMU_FREE", 1, open_=True)
        wait_until(lambda: _batch(api, batch["id"])["status"] == "TIMED_OUT", timeout=30)
        final = _batch(api, batch["id"])
    assert final["open"] is False and final["end_datetime"] is not None
    assert final["jobs_count_per_status"]["DONE"] == 1


def test_cancel_stops_pending_qpu_jobs(queue_cloud: LocalCloudProcess) -> None:
    with api_client(queue_cloud) as api:
        batch = _create(api, "FRESNEL", 4)
        wait_until(lambda: _batch(api, batch["id"])["status"] == "RUNNING", timeout=30)
        canceled = data(api.patch(f"{CORE}/v2/batches/{batch['id']}/cancel"))
        assert canceled["status"] == "CANCELED" and canceled["open"] is False
        counts = canceled["jobs_count_per_status"]
        assert counts["CANCELED"] >= 2 and counts["PENDING"] == counts["RUNNING"] == 0
        assert counts["CANCELED"] + counts["DONE"] == 4


def test_fail_rate_gives_hardware_like_errors(
    local_cloud_factory: Callable[..., LocalCloudProcess],
) -> None:
    cloud = local_cloud_factory(["--fail-rate", "1", "--time-scale", "0.01", "--workers", "1"])
    with api_client(cloud) as api:
        batch = _create(api, "FRESNEL", 2)
        wait_until(lambda: _batch(api, batch["id"])["status"] == "DONE", timeout=60)
        jobs = data(api.get(f"{CORE}/v2/jobs", params={"batch_id": batch["id"]}))
    assert [j["status"] for j in jobs] == ["ERROR", "ERROR"]
    assert all("job aborted" in j["errors"][0] for j in jobs)


def test_sigterm_stops_cleanly(local_cloud_factory: Callable[..., LocalCloudProcess]) -> None:
    cloud = local_cloud_factory(["--workers", "1"])
    with api_client(cloud) as api:
        batch = _create(api, "EMU_FREE", 1)
        wait_until(lambda: _batch(api, batch["id"])["status"] == "DONE", timeout=60)
    workers = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(cloud.pid)], capture_output=True, text=True
    ).stdout.split()
    assert workers
    cloud.stop()
    # The worker is shut down; multiprocessing's resource tracker follows within moments.
    wait_until(lambda: not [pid for pid in workers if Path(f"/proc/{pid}").exists()], timeout=10)
    # A clean close checkpoints the WAL into the database file.
    wal = cloud.data_dir / "cloud.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_remote_bind_needs_flag_and_a_changed_demo_password(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "pasqal_tui", "local-cloud", "serve", "--port", "0"]
    no_flag = subprocess.run(
        [*base, "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert no_flag.returncode == 2 and "--allow-remote" in no_flag.stderr
    demo_pw = subprocess.run(
        [*base, "--host", "0.0.0.0", "--allow-remote", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert demo_pw.returncode == 2 and "set-password" in demo_pw.stderr
    changed = subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "local-cloud", "set-password", "demo",
         "--password-stdin", "--data-dir", str(tmp_path)],
        input="a-better-secret\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    remote = LocalCloudProcess(tmp_path, ["--allow-remote", "--workers", "1"], host="0.0.0.0")
    with remote:
        assert remote.base_url.startswith("http://0.0.0.0:")
        assert remote.stdout_lines == [f"Local Pasqal Cloud ready at {remote.base_url}"]
    bad = subprocess.run([*base, "--fail-rate", "2"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "fail rate must be between 0 and 1" in bad.stderr


def test_exit_with_parent(tmp_path: Path) -> None:
    """A launcher that dies never leaves the server behind."""
    launcher = (
        "import sys; from pasqal_tui.localcloud.process import LocalCloudProcess; "
        f"c = LocalCloudProcess({str(tmp_path)!r}, ['--workers', '1']).start(); "
        "print(c.pid, flush=True); import os; os._exit(0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", launcher], capture_output=True, text=True, timeout=60, check=True
    )
    server_pid = int(out.stdout.split()[0])
    wait_until(lambda: not Path(f"/proc/{server_pid}").exists(), timeout=15)


def test_bulk_cancel_reports_per_batch(queue_cloud: LocalCloudProcess) -> None:
    with api_client(queue_cloud) as api:
        live = _create(api, "EMU_FREE", 1, open_=True)
        gone = _create(api, "EMU_FREE", 1)
        wait_until(lambda: _batch(api, gone["id"])["status"] == "DONE", timeout=60)
        missing = "00000000-0000-4000-8000-000000000000"
        body = {"batch_ids": [live["id"], gone["id"], missing]}
        result = data(api.patch(f"{CORE}/v1/batches/cancel", json=body))
    assert [b["id"] for b in result["batches"]] == [live["id"]]
    assert result["batches"][0]["status"] == "CANCELED"
    assert set(result["errors"]) == {gone["id"], missing}


def test_concurrent_clients_keep_counters_true(queue_cloud: LocalCloudProcess) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with api_client(queue_cloud) as api:
        _create(api, "EMU_FREE", 1)  # warm the worker up

        def submit(_: int) -> str:
            batch = _create(api, "EMU_MPS", 3, open_=True)
            data(
                api.post(
                    f"{CORE}/v2/batches/{batch['id']}/jobs",
                    json=[{"runs": 5, "variables": PI_PULSE}],
                )
            )
            data(api.patch(f"{CORE}/v2/batches/{batch['id']}/complete"))
            return str(batch["id"])

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(submit, range(8)))
        wait_until(lambda: all(_batch(api, b)["status"] == "DONE" for b in ids), timeout=120)
        for batch_id in ids:
            batch = _batch(api, batch_id)
            jobs = data(api.get(f"{CORE}/v2/jobs", params={"batch_id": batch_id}))
            statuses = [j["status"] for j in jobs]
            assert batch["jobs_count"] == len(jobs) == 4 == len(batch["job_ids"])
            assert batch["jobs_count_per_status"]["DONE"] == statuses.count("DONE") == 4
            assert all(j["start_timestamp"] <= j["end_timestamp"] for j in jobs)


def test_big_emulator_batch_does_not_starve_a_new_one(queue_cloud: LocalCloudProcess) -> None:
    with api_client(queue_cloud) as api:
        big = _create(api, "EMU_FREE", 60, open_=True)
        wait_until(lambda: _batch(api, big["id"])["jobs_count_per_status"]["DONE"] >= 2)
        small = _create(api, "EMU_SV", 2)
        wait_until(lambda: _batch(api, small["id"])["status"] == "DONE", timeout=60)
        left = _batch(api, big["id"])["jobs_count_per_status"]
        data(api.patch(f"{CORE}/v2/batches/{big['id']}/cancel"))
    assert left["PENDING"] > 30, left  # the small batch did not wait for the big one
