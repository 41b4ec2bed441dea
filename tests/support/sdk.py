"""Building the official SDK (0.24) against a local cloud, as a user would configure it, and
running the older official clients in their own venvs (their pins clash with ours)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pasqal_cloud.endpoints import AUTH0_TOKEN_PROVIDER_GRANT_TYPE, Endpoints, TokenProviderConf
from pasqal_cloud.pasqal_cloud_client import PasqalCloudClient

from pasqal_tui.localcloud.process import LocalCloudProcess
from support.localcloud import api_client, data

ROOT = Path(__file__).resolve().parents[2]


def make_sdk(
    cloud: LocalCloudProcess, username: str = "demo", password: str = "demo"
) -> PasqalCloudClient:
    """Log in through `/oauth/token` (form-encoded password-realm grant) and pick the project."""
    sdk = PasqalCloudClient(
        username=username,
        password=password,
        endpoints=Endpoints(core=cloud.core_url, account=cloud.account_url),
        auth_config=TokenProviderConf(
            token_endpoint=cloud.token_url,
            public_client_id="local-test",
            audience=f"{cloud.account_url}/api/v1",
            realm="pcs-users",
            grant_type=AUTH0_TOKEN_PROVIDER_GRANT_TYPE,
        ),
    )
    projects = sdk.get_all_projects()
    sdk.switch_to_project(projects[0].id)
    return sdk


def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK waits 2 s, 4 s, ... between polls; tests shorten the wait, not the protocol."""
    import pasqal_cloud.pasqal_cloud_client as client_module
    import pasqal_cloud.utils.polling as polling

    monkeypatch.setattr(polling, "POLL_WAIT_INITIAL_SECONDS", 0.05)
    monkeypatch.setattr(polling, "POLL_WAIT_MAX_SECONDS", 0.5)
    monkeypatch.setattr(client_module, "RESULT_POLLING_INTERVAL", 0.1)


def venv_python(venv: str, make_target: str, required_by: str) -> Path:
    """The Python of an official client's own venv (its pins clash with ours): a missing venv
    fails the test where CI requires it (``required_by`` set to 1), else skips it."""
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        message = f"{python} missing: run `make {make_target}` to create it"
        if os.environ.get(required_by) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return python


def first_project_id(cloud: LocalCloudProcess) -> str:
    with api_client(cloud) as api:
        project_id: str = data(api.get("/account/api/v1/projects"))[0]["id"]
    return project_id


def run_scenarios(python: Path, script: Path, config: dict[str, Any]) -> dict[str, Any]:
    """Run ``script`` in that venv with ``config`` on stdin; its last stdout line is its report."""
    run = subprocess.run(
        [str(python), str(script)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, f"stdout:\n{run.stdout[-1500:]}\nstderr:\n{run.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return report
