"""`LocalCloudProcess`, as the dashboard's launcher uses it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pasqal_tui.localcloud.process import LocalCloudError, LocalCloudProcess


def specs_status(cloud: LocalCloudProcess) -> int:
    """The specs just after a start, which the server is still building (it imports Pulser)."""
    return httpx.get(f"{cloud.core_url}/api/v1/devices/public-specs", timeout=60).status_code


def test_failure_to_start_carries_the_servers_message(tmp_path: Path) -> None:
    cloud = LocalCloudProcess(tmp_path, ["--fail-rate", "7"])
    with pytest.raises(LocalCloudError) as info:
        cloud.start()
    assert "exited with code 2" in str(info.value)
    assert "fail rate must be between 0 and 1" in str(info.value)


def test_urls_restart_and_temporary_data_dir() -> None:
    cloud = LocalCloudProcess(extra_args=["--workers", "1"])
    data_dir = cloud.data_dir
    with cloud:
        assert cloud.core_url == f"{cloud.base_url}/core-fast"
        assert cloud.account_url == f"{cloud.base_url}/account"
        assert cloud.token_url == f"{cloud.base_url}/oauth/token"
        first_pid, first_url = cloud.pid, cloud.base_url
        assert specs_status(cloud) == 200
        cloud.restart()
        assert cloud.pid != first_pid and cloud.base_url != ""
        # The demo user already exists on the second start: no login line this time.
        assert cloud.stdout_lines == [f"Local Pasqal Cloud ready at {cloud.base_url}"]
        assert specs_status(cloud) == 200
        assert first_url.startswith("http://127.0.0.1:")
    assert not data_dir.exists()  # the temporary directory went with the server
