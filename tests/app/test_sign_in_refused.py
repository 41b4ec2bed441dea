"""A password changed elsewhere costs exactly one refused sign-in: the refresh loop stops, the
login screen asks for the password, and the refused one is never sent again (identity providers
lock accounts after a few failures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.app import MemoryKeyring, loaded_rows, on_screen, signing_in_app, start_cloud, wait_for

from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.localcloud.users import add_user, set_password
from pasqal_tui.tui.screens.login import LoginScreen


@pytest.mark.slow
async def test_a_changed_password_is_refused_once_then_never_resent(
    tmp_path: Path, xdg_dirs: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "cloud"
    cloud = start_cloud(data, [])
    try:
        add_user(data, "ada", "first-password", "alpha")
        sign_ins: list[int] = []
        real_fetch = PasswordAuth._fetch

        async def counted(self: PasswordAuth, client: Any) -> tuple[str, float]:
            try:
                return await real_fetch(self, client)
            except Exception:
                sign_ins.append(1)
                raise

        monkeypatch.setattr(PasswordAuth, "_fetch", counted)
        app = signing_in_app(cloud.base_url, "ada", "first-password", memory_keyring, refresh=2.0)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: loaded_rows(app) >= 0, what="the batch list")
            set_password(data, "ada", "changed-elsewhere")  # also revokes the app's token
            await wait_for(pilot, lambda: on_screen(app, LoginScreen), timeout=20, what="login")
            assert app.refresh_loop.held
            assert "Sign-in refused" in app.connection_problem
            ticks = app.refresh_loop.ticks
            # Three more refresh intervals pass with the login screen open: nothing is resent.
            await wait_for(pilot, lambda: app.refresh_loop.ticks >= ticks + 3, timeout=30)
            assert len(sign_ins) == 1
    finally:
        cloud.stop()
