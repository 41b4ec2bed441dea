"""The embedded `local` profile: starts the demo cloud, logs in, stops it on exit."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from support.app import loaded_rows, make_app, on_screen, wait_for
from textual.widgets import Static

from pasqal_tui.core import paths
from pasqal_tui.session import launcher
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.login import LoginScreen


@pytest.mark.slow
async def test_no_configuration_starts_the_demo_cloud_and_stops_it(xdg_dirs: Path) -> None:
    app = make_app(None)  # no URL: the app starts its own local cloud
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: on_screen(app, BatchesScreen) and loaded_rows(app) > 0,
            timeout=90,
            what="the demo batches",
        )
        process = app.launcher.process
        assert process is not None and process._proc is not None
        assert process.data_dir == paths.local_cloud_dir()
        assert (paths.local_cloud_dir() / "cloud.sqlite3").exists()
        assert app.screen.state.total >= 25
    assert app.launcher.process is None
    assert process._proc.poll() is not None  # the server is gone with the app


async def test_without_the_local_extra_login_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "fastapi" else real(name, *args)

    monkeypatch.setattr(launcher.importlib.util, "find_spec", find_spec)
    app = make_app(None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), what="login")
        status = str(app.screen.query_one("#login-status", Static).render())
        assert "pip install 'pasqal-tui[local]'" in status
        assert app.launcher.process is None
