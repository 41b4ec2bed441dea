"""XDG locations. Functions, not constants, so tests can point them elsewhere via the env."""

from __future__ import annotations

import os
from pathlib import Path

APP = "pasqal-tui"


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    base = Path(value) if value else Path.home() / default
    return base / APP


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def config_file() -> Path:
    override = os.environ.get("PASQAL_TUI_CONFIG")
    return Path(override) if override else config_dir() / "config.yaml"


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share")


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state")



def local_cloud_dir() -> Path:
    return data_dir() / "local-cloud"
