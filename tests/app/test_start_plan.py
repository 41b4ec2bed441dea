"""What the app does first (start_plan), and how a start that signs in ends: the batches, the
project picker, or the login screen with the reason. Never stuck on "Logging in…"."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support.app import MemoryKeyring, make_app, on_screen, signing_in_app, start_cloud, wait_for
from textual.widgets import Input, Select, Static

from pasqal_tui.core.config import Config, Profile
from pasqal_tui.core.secrets import SERVICE, SecretStore
from pasqal_tui.session.launcher import LocalLauncher
from pasqal_tui.tui import app as app_module
from pasqal_tui.tui.options import AppOptions
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.login import LoginScreen, ProjectScreen
from pasqal_tui.tui.screens.start import StartScreen
from pasqal_tui.tui.services.start_plan import AskLogin, SignIn, plan_start

LAB = Profile(name="lab", environment="prod", username="ada@example.com")


def plan(config: Config, *, url: str | None = "http://127.0.0.1:1", **options: Any) -> Any:
    return plan_start(config, AppOptions(**options), LocalLauncher(url), SecretStore())


def test_no_configuration_signs_in_to_the_embedded_cloud_as_demo() -> None:
    first = plan(Config())
    assert isinstance(first, SignIn) and first.start_local
    assert (first.profile.name, first.profile.username, first.password) == ("local", "demo", "demo")


def test_env_asks_with_that_environment_chosen() -> None:
    first = plan(Config(profiles=[LAB], default_profile="lab"), env="preprod")
    assert isinstance(first, AskLogin) and first.profile is not None
    assert (first.profile.name, first.profile.environment) == ("lab", "preprod")


def test_a_saved_profile_signs_in_only_with_its_password_in_the_keyring(
    memory_keyring: MemoryKeyring,
) -> None:
    config = Config(profiles=[LAB], default_profile="lab")
    assert plan(config) == AskLogin(LAB)
    memory_keyring.set_password(SERVICE, "lab", "s3cret")
    first = plan(config)
    assert isinstance(first, SignIn) and not first.start_local
    assert (first.profile, first.password) == (LAB, "s3cret")


def test_an_unknown_profile_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASQAL_TUI_PROFILE", "nope")
    assert plan(Config()) == AskLogin(None, "no profile named 'nope'")


def error_line(screen: LoginScreen) -> str:
    return str(screen.query_one("#login-error", Static).render())


async def test_a_refused_saved_password_ends_on_the_login_screen_with_the_reason(
    demo_cloud: Any, xdg_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    app = signing_in_app(demo_cloud.base_url, "demo", "changed-since", memory_keyring)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), what="login screen")
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await wait_for(pilot, lambda: "refused" in error_line(screen), what="the reason")
        assert "sign-in refused for 'demo'" in error_line(screen)
        assert screen.query_one("#profile", Select).value == "work"
        assert screen.query_one("#username", Input).value == "demo"
        assert app.cloud.client is None


async def test_an_unreachable_local_cloud_ends_on_the_login_screen() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = make_app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), timeout=30)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await wait_for(pilot, lambda: "cannot reach" in error_line(screen), what="the reason")


@pytest.fixture
def two_project_cloud(tmp_path: Path):  # type: ignore[no-untyped-def]
    """ada is in projects alpha and beta; cid is in none (his only membership is removed)."""
    from pasqal_tui.localcloud.users import add_user

    data = tmp_path / "cloud"
    add_user(data, "ada", "pw-ada", "alpha")
    beta = add_user(data, "bob", "pw-bob", "beta")
    add_user(data, "cid", "pw-cid", "gamma")
    with sqlite3.connect(data / "cloud.sqlite3") as db:
        (ada,) = db.execute("SELECT id FROM users WHERE username = 'ada'").fetchone()
        (cid,) = db.execute("SELECT id FROM users WHERE username = 'cid'").fetchone()
        db.execute("INSERT INTO memberships (user_id, project_id) VALUES (?, ?)", (ada, beta))
        db.execute("DELETE FROM memberships WHERE user_id = ?", (cid,))
    cloud = start_cloud(data, [])
    cloud.beta = beta
    yield cloud
    cloud.stop()


async def test_two_projects_are_offered_and_the_choice_is_saved(
    two_project_cloud: Any, xdg_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    from pasqal_tui.core.config import load_config

    app = signing_in_app(two_project_cloud.base_url, "ada", "pw-ada", memory_keyring)
    async with app.run_test(size=(100, 30)) as pilot:
        await picker(pilot)
        await pilot.press("down", "enter")
        screen = await wait_for_batches(pilot)
        assert app.project_name == "beta" and "beta" in screen.sub_title
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["BatchesScreen"]
    saved = load_config().config.profile("work")
    assert saved is not None and saved.project_id == two_project_cloud.beta


async def test_no_project_chosen_ends_on_the_login_screen_not_on_logging_in(
    two_project_cloud: Any, xdg_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    app = signing_in_app(two_project_cloud.base_url, "ada", "pw-ada", memory_keyring)
    async with app.run_test(size=(100, 30)) as pilot:
        await picker(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), what="login screen")
        assert "Choose a project to continue" in error_line(app.screen)
        assert [type(s).__name__ for s in app.screen_stack] == ["StartScreen", "LoginScreen"]


async def test_an_account_without_a_project_is_told_so(
    two_project_cloud: Any, xdg_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    app = signing_in_app(two_project_cloud.base_url, "cid", "pw-cid", memory_keyring)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, LoginScreen), what="login screen")
        screen = app.screen
        await wait_for(pilot, lambda: "no active project" in error_line(screen))
        assert screen.query_one("#username", Input).value == "cid"


async def picker(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: on_screen(app, ProjectScreen), what="the picker")


async def wait_for_batches(pilot: Any) -> BatchesScreen:
    """The batch browser, loaded (this cloud has no batch yet: an empty page)."""
    app = pilot.app
    await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and app.screen.loaded)
    return app.screen  # type: ignore[no-any-return]


def said(app: Any) -> str:
    """What the start screen (always the bottom one) shows."""
    start = app.screen_stack[0]
    assert isinstance(start, StartScreen)
    return str(start.query_one("#start-text", Static).render())


async def test_a_quick_sign_in_goes_straight_to_the_batches(
    demo_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "START_SCREEN_DELAY", 30.0)  # "quick", on any machine
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and app.screen.loaded)
        assert said(app) == ""
        assert [type(s).__name__ for s in app.screen_stack] == ["StartScreen", "BatchesScreen"]
        # The start screen's delayed line, due after the batches came, writes nothing.
        start = app.screen_stack[0]
        assert isinstance(start, StartScreen)
        start.say_later(0.01, "Logging in…")
        after = asyncio.Event()  # a later timer of the same screen: fires after that line's
        start.set_timer(0.02, after.set)
        await wait_for(pilot, after.is_set, what="the delayed line's timer")
        assert said(app) == ""


async def test_a_slow_sign_in_says_so_then_shows_the_batches(
    demo_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pasqal_tui.session import login as session

    gate = asyncio.Event()
    open_client = session.open_client

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await gate.wait()  # a far-away cloud
        return await open_client(*args, **kwargs)

    monkeypatch.setattr(session, "open_client", slow)
    monkeypatch.setattr(app_module, "START_SCREEN_DELAY", 0.05)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: said(app) == "Logging in to the local cloud…")
        assert isinstance(app.screen, StartScreen)
        await pilot.press("j", "k")  # keys are answered while the sign-in waits:
        assert isinstance(app.screen, StartScreen)  # handled, and the sign-in still in flight
        assert said(app) == "Logging in to the local cloud…"
        gate.set()
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and app.screen.loaded)
        assert [type(s).__name__ for s in app.screen_stack] == ["StartScreen", "BatchesScreen"]


async def test_a_restart_signs_in_with_the_kept_token_while_it_is_valid(
    demo_cloud: Any, xdg_dirs: Path, memory_keyring: MemoryKeyring
) -> None:
    """The first start keeps its access token in the keyring beside the password; the next
    start reaches the batches with it alone: the saved password, changed meanwhile (it would
    be refused), is never sent."""
    app = signing_in_app(demo_cloud.base_url, "demo", "demo", memory_keyring)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen), what="batches")
    assert (SERVICE, "work:token") in memory_keyring.store
    memory_keyring.set_password(SERVICE, "work", "changed-since")
    again = make_app(None)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, BatchesScreen), what="batches")
        auth = again.cloud.client.auth if again.cloud.client else None
        assert auth is not None and getattr(auth, "refused", None) is None
