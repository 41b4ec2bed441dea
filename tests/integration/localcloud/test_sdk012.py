"""The 0.12 series of the official SDK, which users still run, in its own environment."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support.localcloud import api_client, data

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

ROOT = Path(__file__).resolve().parents[3]
VENV_PYTHON = ROOT / ".venv-sdk012" / "bin" / "python"
SCRIPT = Path(__file__).with_name("sdk012_scenarios.py")


def test_sdk_012_scenarios(local_cloud: LocalCloudProcess) -> None:
    if not VENV_PYTHON.exists():
        message = f"{VENV_PYTHON} missing: run `make sdk012` to create it"
        if os.environ.get("PASQAL_TUI_REQUIRE_SDK012") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with api_client(local_cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
    config = {
        "core_url": local_cloud.core_url,
        "token_domain": local_cloud.base_url.removeprefix("http://"),
        "project_id": project_id,
        "rabi": sequences.rabi_oscillation(2),
        "bell": sequences.bell_like(),
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
    assert report["specs"] == sorted(
        ["FRESNEL", "EMU_FREE", "EMU_TN", "EMU_MPS", "EMU_SV", "EMU_FRESNEL"]
    )
    probe = "import importlib.metadata as m; print(m.version('pasqal-cloud'))"
    version = subprocess.run(
        [str(VENV_PYTHON), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version.startswith("0.12.")
