"""Login against the real local cloud: a wrong password is one line and keeps what was typed."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from support.app import MemoryKeyring, loaded_rows, make_app, on_screen, wait_for
from textual.widgets import Checkbox, Input, Static

from pasqal_tui.core import paths
from pasqal_tui.core.config import Config, Profile, load_config, save_config
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.login import LoginScreen


async def test_wrong_password_then_remembered_login(
    demo_cloud: Any, memory_keyring: MemoryKeyring
) -> None:
    save_config(Config(profiles=[Profile(name="lab", environment="local", username="demo")]))
    app = make_app(demo_cloud.base_url, profile="lab")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), what="login")
        screen = app.screen
        assert screen.query_one("#username", Input).value == "demo"
        assert screen.focused is screen.query_one("#password", Input)
        await pilot.press(*"wrong", "enter")
        error = screen.query_one("#login-error", Static)
        await wait_for(pilot, lambda: str(error.render()), what="the error line")
        line = str(error.render())
        assert "\n" not in line and "Traceback" not in line
        assert "password" in line.lower() or "credentials" in line.lower(), line
        assert screen.query_one("#password", Input).value == "wrong"  # kept
        assert screen.query_one("#username", Input).value == "demo"

        screen.query_one("#password", Input).value = "demo"
        screen.query_one("#remember", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))
        # The password and the chosen project are saved before the batch browser opens.
    assert memory_keyring.store == {("pasqal-tui", "lab"): "demo"}
    path = paths.config_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "demo" not in path.read_text().replace("username: demo", "")
    saved = load_config().config.profile("lab")
    assert saved is not None and saved.project_id  # the chosen project is remembered


async def test_saved_password_logs_in_without_a_form(demo_cloud: Any, xdg_dirs: Path) -> None:
    save_config(Config(profiles=[Profile(name="lab", environment="local", username="demo")]))
    import keyring

    keyring.set_password("pasqal-tui", "lab", "demo")
    app = make_app(demo_cloud.base_url, profile="lab")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))


async def test_keymap_in_config_remaps_a_binding_by_id(demo_cloud: Any) -> None:
    from pasqal_tui.tui.screens.help import HelpScreen

    save_config(Config(keymap={"app.help": "f1"}))
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert ("f1", "Help", "app.help") in [(k.lower(), d, i) for k, d, i in app.screen.rows]


async def test_bad_config_file_is_named_and_the_app_still_starts(demo_cloud: Any) -> None:
    from textual.widgets._toast import Toast

    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("theme: pasqal\nrefresh_interval: 1\n")
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))

        def toasts() -> list[str]:
            return [str(t.render()) for t in app.screen.query(Toast)]

        expected = f"{path}:2: refresh_interval:"
        await wait_for(pilot, lambda: any(expected in t for t in toasts()), timeout=5)
        assert app.refresh_loop.interval == 3.0  # defaults used
