"""pulser-pasqal 0.24's emulator backends (EmuMPSBackend, EmuSVBackend, EmuFreeBackendV2) run
unmodified against the local cloud, in their own environment (pulser-pasqal pins an older
pasqal-cloud than the dev extra): `make pulser-pasqal` builds it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support.localcloud import api_client, data

from pasqal_tui.localcloud.process import LocalCloudProcess

ROOT = Path(__file__).resolve().parents[3]
VENV_PYTHON = ROOT / ".venv-pulser-pasqal" / "bin" / "python"
SCRIPT = Path(__file__).with_name("pulser_pasqal_scenarios.py")


def test_pulser_pasqal_emulator_backends(local_cloud: LocalCloudProcess) -> None:
    if not VENV_PYTHON.exists():
        message = f"{VENV_PYTHON} missing: run `make pulser-pasqal` to create it"
        if os.environ.get("PASQAL_TUI_REQUIRE_PULSER_PASQAL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with api_client(local_cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
    config = {
        "core_url": local_cloud.core_url,
        "account_url": local_cloud.account_url,
        "token_url": local_cloud.token_url,
        "project_id": project_id,
    }
    run = subprocess.run(
        [str(VENV_PYTHON), str(SCRIPT)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, f"stdout:\n{run.stdout[-1500:]}\nstderr:\n{run.stderr[-3000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["pulser_pasqal"].startswith("0.24.")
    by_backend = {r["backend"]: r for r in report["runs"]}
    assert {name: r["device_type"] for name, r in by_backend.items()} == {
        "EmuFreeBackendV2": "EMU_FREE",
        "EmuMPSBackend": "EMU_MPS",
        "EmuSVBackend": "EMU_SV",
    }
    for run_report in by_backend.values():
        assert run_report["runs_sent"] == 1  # pulser-pasqal's placeholder, ignored
        assert run_report["shots"] == run_report["counter_shots"] == 40
        assert run_report["tags"] == ["bitstrings", "correlation_matrix", "energy", "occupation"]
        assert all(n > 0.9 for n in run_report["final_occupation"])  # a pi pulse on each atom
