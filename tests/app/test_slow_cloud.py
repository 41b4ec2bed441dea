"""A cloud that hangs, and a mutation whose follow-up steps break: the user is told, the app
keeps answering, and nothing is left waiting forever."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from support.app import make_app, start_cloud, wait_for


@pytest.mark.slow
async def test_a_hanging_request_shows_waiting_for_the_cloud_then_clears(tmp_path: Path) -> None:
    cloud = start_cloud(tmp_path / "cloud", [])
    try:
        app = make_app(cloud.base_url, refresh=60.0)  # only the user's own requests
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(
                pilot, lambda: getattr(app.screen, "loaded", False), what="the batch list"
            )
            assert app.waiting == ""
            os.kill(cloud.pid, signal.SIGSTOP)
            try:
                await pilot.press("R")  # asks now; the request hangs
                await wait_for(
                    pilot, lambda: "waiting for the cloud" in app.waiting, timeout=10, what="line"
                )
                banner = app.screen.query_one("ErrorBanner")
                assert "waiting for the cloud" in str(banner.render())
            finally:
                os.kill(cloud.pid, signal.SIGCONT)
            await wait_for(pilot, lambda: app.waiting == "", timeout=15, what="the line to go")
            assert not app.connection_problem
    finally:
        cloud.stop()


async def test_a_mutation_whose_follow_up_breaks_is_still_said_and_released(
    demo_cloud: Any, xdg_dirs: Path
) -> None:
    """The request succeeded but building its message raised: the user learns it was done, the
    action is no longer in flight (its key works again) and the audit line says ok."""
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), what="batches")
        screen = app.screen

        async def listed(client: Any) -> int:
            return len(await client.list_projects())

        def broken(_result: int) -> Any:
            raise RuntimeError("renderer exploded")

        worker = app.cloud.mutate(screen, "tags", ["x"], listed, broken)
        assert worker is not None and app.cloud.in_flight == {"tags"}
        await wait_for(pilot, lambda: not app.cloud.in_flight, what="the action released")
        said = lambda: [n.message for n in app._notifications if "sent and done" in n.message]  # noqa: E731
        await wait_for(pilot, said, what="the outcome said")
        assert said()[0].startswith("tags was sent and done, but showing it failed")
        lines = (xdg_dirs / "xdg_state_home" / "pasqal-tui" / "audit.jsonl").read_text()
        assert '"outcome": "ok"' in lines
