"""Fixtures of every app test (Pilot and snapshots): a private keyring, XDG dirs, the demo cloud."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from support.app import ORIGIN, SEED, MemoryKeyring, start_cloud


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def xdg_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, state and data of the app under test live in the test's own folder."""
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    for var in ("PASQAL_TUI_PROFILE", "PASQAL_TUI_CONFIG", "SSH_CONNECTION"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def demo_cloud(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The deterministic demo history, shared by every test that only reads it."""
    args = ["--demo", "--seed", str(SEED), "--clock-origin", ORIGIN.isoformat()]
    process = start_cloud(tmp_path_factory.mktemp("demo-cloud"), args)
    yield process
    process.stop()
