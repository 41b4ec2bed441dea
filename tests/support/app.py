"""Shared by the Pilot and snapshot tests: a real local cloud, an in-memory keyring, helpers."""

from __future__ import annotations

import os

# Textual reads these at import: set them before anything imports it.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.pop("NO_COLOR", None)
os.environ.pop("TEXTUAL_THEME", None)
os.environ["COLORTERM"] = "truecolor"

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from keyring.backend import KeyringBackend
from textual.pilot import Pilot

if TYPE_CHECKING:
    from pasqal_tui.tui.screens.batches import BatchesScreen

S = TypeVar("S")

SEED = 7
ORIGIN = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
#: The app's clock in tests: a little after the demo history's origin, never the wall clock.
APP_NOW = ORIGIN + timedelta(minutes=5)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in the test process only: never the developer's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def start_cloud(data_dir: Path, args: list[str]):  # type: ignore[no-untyped-def]
    from pasqal_tui.localcloud.process import LocalCloudProcess

    return LocalCloudProcess(data_dir, args).start()


async def wait_for(
    pilot: Pilot[object], condition: Callable[[], object], timeout: float = 15.0, what: str = ""
) -> None:
    """Pause the pilot until ``condition()`` is truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # the screen may not be composed yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


def make_app(base_url: str | None, **options: object):  # type: ignore[no-untyped-def]
    """The real app, logged in to the local cloud at ``base_url`` as the demo user."""
    from pasqal_tui.core.clock import fixed_clock
    from pasqal_tui.tui.app import AppOptions, PasqalApp

    settings: dict[str, object] = {"local_url": base_url, "clock": fixed_clock(APP_NOW)}
    settings.update(options)
    return PasqalApp(AppOptions(**settings))  # type: ignore[arg-type]


def on_screen(app: object, kind: type) -> bool:
    """``kind`` is on top and mounted: pushed alone is not enough, its widgets are composed
    in its own turn (a query or a key sent before then finds nothing)."""
    screen = app.screen  # type: ignore[attr-defined]
    return isinstance(screen, kind) and screen.is_mounted


def screen_named(app: object, name: str) -> bool:
    screen = app.screen  # type: ignore[attr-defined]
    return type(screen).__name__ == name and screen.is_mounted


def loaded_rows(app: object) -> int:
    screen = app.screen  # type: ignore[attr-defined]
    return len(screen.items) if getattr(screen, "loaded", False) else -1


def cell_text(value: object) -> str:
    return getattr(value, "plain", str(value))


async def batch_list(pilot: Pilot[object]) -> BatchesScreen:
    """Wait until the batch browser shows rows, and return it."""
    from pasqal_tui.tui.screens.batches import BatchesScreen

    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    screen = app.screen
    assert isinstance(screen, BatchesScreen)
    return screen


async def run_from_palette(pilot: Pilot[object], query: str, expected: str) -> None:
    """Open the command palette (Ctrl+P), type ``query`` and run the hit ``expected``."""
    await pilot.press("ctrl+p")
    await pick_in_palette(pilot, query, expected)


async def pick_in_palette(pilot: Pilot[object], query: str, expected: str) -> None:
    """In the command palette (opened or opening), type ``query`` and choose the hit
    ``expected`` once the search has finished and put it first."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await wait_for(pilot, lambda: on_screen(app, CommandPalette), what="the palette")
    palette = app.screen
    await pilot.press(*query)

    def found() -> bool:
        searching = [w for w in app.workers if w.node is palette and not w.is_finished]
        hits = palette.query_one(CommandList)
        first = hits.get_option_at_index(0) if hits.option_count else None
        return not searching and hits.highlighted == 0 and expected in str(first.prompt)

    await wait_for(pilot, found, what=f"{expected!r} first in the palette")
    await pilot.press("enter")


async def open_from_batch_list(pilot: Pilot[object], key: str, kind: type[S]) -> S:
    """From the batch browser, press ``key`` and wait until a loaded ``kind`` screen is on top."""
    app = pilot.app
    await batch_list(pilot)
    await pilot.press(key)
    await wait_for(pilot, lambda: on_screen(app, kind) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def saved_profile(base_url: str, username: str) -> None:
    """A saved profile "work" (the default) on the local cloud at ``base_url``, as custom URLs."""
    from pasqal_tui.core.config import Config, Profile, save_config

    save_config(
        Config(
            profiles=[
                Profile(
                    name="work",
                    environment="custom",
                    core_url=f"{base_url}/core-fast",
                    account_url=f"{base_url}/account",
                    token_url=f"{base_url}/oauth/token",
                    username=username,
                )
            ],
            default_profile="work",
        )
    )


def signing_in_app(
    base_url: str, username: str, password: str, keyring: MemoryKeyring, **options: object
):  # type: ignore[no-untyped-def]
    """The app with a saved profile whose password is in the keyring: it signs in at start."""
    from pasqal_tui.core.secrets import SERVICE

    saved_profile(base_url, username)
    keyring.set_password(SERVICE, "work", password)
    return make_app(None, **options)
