"""pulser-pasqal 0.24's emulator backends (EmuMPSBackend, EmuSVBackend, EmuFreeBackendV2) run
unmodified against the local cloud, in their own environment (pulser-pasqal pins an older
pasqal-cloud than the dev extra): `make pulser-pasqal` builds it."""

from __future__ import annotations

from pathlib import Path

from support.sdk import first_project_id, run_scenarios, venv_python

from pasqal_tui.localcloud.process import LocalCloudProcess

SCRIPT = Path(__file__).with_name("pulser_pasqal_scenarios.py")


def test_pulser_pasqal_emulator_backends(local_cloud: LocalCloudProcess) -> None:
    python = venv_python(".venv-pulser-pasqal", "pulser-pasqal", "PASQAL_TUI_REQUIRE_PULSER_PASQAL")
    project_id = first_project_id(local_cloud)
    config = {
        "core_url": local_cloud.core_url,
        "account_url": local_cloud.account_url,
        "token_url": local_cloud.token_url,
        "project_id": project_id,
    }
    report = run_scenarios(python, SCRIPT, config)
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
