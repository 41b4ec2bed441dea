"""The 0.12 series of the official SDK, which users still run, in its own environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.sdk import first_project_id, run_scenarios, venv_python

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

SCRIPT = Path(__file__).with_name("sdk012_scenarios.py")


def test_sdk_012_scenarios(local_cloud: LocalCloudProcess) -> None:
    python = venv_python(".venv-sdk012", "sdk012", "PASQAL_TUI_REQUIRE_SDK012")
    project_id = first_project_id(local_cloud)
    config = {
        "core_url": local_cloud.core_url,
        "token_domain": local_cloud.base_url.removeprefix("http://"),
        "project_id": project_id,
        "rabi": sequences.rabi_oscillation(2),
        "bell": sequences.bell_like(),
    }
    report = run_scenarios(python, SCRIPT, config)
    assert report["specs"] == sorted(
        ["FRESNEL", "EMU_FREE", "EMU_TN", "EMU_MPS", "EMU_SV", "EMU_FRESNEL"]
    )
    probe = "import importlib.metadata as m; print(m.version('pasqal-cloud'))"
    version = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version.startswith("0.12.")
