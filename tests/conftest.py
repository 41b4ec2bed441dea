"""Shared fixtures: real local cloud servers on free loopback ports (one per session by
default, more on demand), started through `LocalCloudProcess` exactly as the dashboard does."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from support.localcloud import DEMO_CLOCK_ORIGIN, DEMO_SEED

from pasqal_tui.localcloud.process import LocalCloudProcess

CloudFactory = Callable[..., LocalCloudProcess]

# Demo history, fixed seed and clock, QPU time shrunk so that batches finish quickly.
DEFAULT_ARGS = (
    "--demo",
    "--seed", str(DEMO_SEED),
    "--clock-origin", DEMO_CLOCK_ORIGIN,
    "--time-scale", "0.02",
    "--workers", "1",
    # The demo's open batch must stay open for the whole run (the suite takes longer than
    # the default 10 min idle timeout, and the smoke test expects one open batch).
    "--open-batch-timeout", "86400",
)  # fmt: skip


@pytest.fixture(scope="session")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    """One shared server with the demo history; tests must not rely on being alone on it."""
    cloud = LocalCloudProcess(tmp_path_factory.mktemp("local-cloud"), DEFAULT_ARGS)
    cloud.start()
    yield cloud
    cloud.stop()


@pytest.fixture
def local_cloud_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudFactory]:
    """Start extra servers (own data dir, own flags); they stop when the test ends."""
    started: list[LocalCloudProcess] = []

    def start(args: Sequence[str] = (), data_dir: Path | None = None) -> LocalCloudProcess:
        cloud = LocalCloudProcess(data_dir or tmp_path_factory.mktemp("local-cloud"), args)
        started.append(cloud)
        return cloud.start()

    yield start
    for cloud in started:
        cloud.stop()
