"""The local cloud's data directory is private (700) and its SQLite files and link key are 600:
created so on first start, and tightened on start when an older install left them looser."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from support.localcloud import api_client, data

from pasqal_tui.localcloud.process import LocalCloudProcess

SECRET_FILES = ("cloud.sqlite3", "cloud.sqlite3-wal", "cloud.sqlite3-shm", "link.key")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _assert_private(data_dir: Path) -> None:
    assert _mode(data_dir) == 0o700, oct(_mode(data_dir))
    present = {p.name for p in data_dir.iterdir()}
    assert {"cloud.sqlite3", "link.key"} <= present, present
    for name in SECRET_FILES:
        if name in present:
            assert _mode(data_dir / name) == 0o600, (name, oct(_mode(data_dir / name)))


def test_first_start_creates_private_files(
    local_cloud_factory: Callable[..., LocalCloudProcess], tmp_path: Path
) -> None:
    data_dir = tmp_path / "shared" / "local-cloud"  # neither exists yet
    old = os.umask(0o022)  # the usual umask: without care, files would be 644
    try:
        cloud = local_cloud_factory(["--workers", "1"], data_dir=data_dir)
    finally:
        os.umask(old)
    with api_client(cloud) as api:  # a write, so that the WAL files exist
        data(api.get("/account/api/v1/projects"))
    _assert_private(data_dir)
    assert _mode(data_dir.parent) & 0o077, "only the data dir itself is made private"


def test_start_tightens_loose_modes(
    local_cloud_factory: Callable[..., LocalCloudProcess], tmp_path: Path
) -> None:
    data_dir = tmp_path / "local-cloud"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "cloud.sqlite3").touch()  # an empty file is an empty SQLite database
    (data_dir / "link.key").write_bytes(os.urandom(32))
    for name in ("cloud.sqlite3", "link.key"):
        (data_dir / name).chmod(0o644)
    cloud = local_cloud_factory(["--workers", "1"], data_dir=data_dir)
    with api_client(cloud) as api:
        data(api.get("/account/api/v1/projects"))
    _assert_private(data_dir)
