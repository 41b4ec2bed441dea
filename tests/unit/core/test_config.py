import stat
from pathlib import Path

import pytest

from pasqal_tui.cloud.environments import ENVIRONMENT_NAMES
from pasqal_tui.core.config import (
    Config,
    Profile,
    load_config,
    mouse_enabled,
    save_config,
    selected_profile_name,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    loaded = load_config(tmp_path / "nope.yaml")
    assert loaded.problem is None
    assert loaded.config.refresh_interval == 3
    assert loaded.config.default_profile == "local"


def test_round_trip_is_mode_600(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.yaml"
    cfg = Config(profiles=[Profile(name="work", environment="preprod", username="ada")])
    save_config(cfg, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config(path).config == cfg
    assert "password" not in path.read_text()


def test_bad_field_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: pasqal\nprofiles:\n  - name: a\n    environment: mars\n")
    loaded = load_config(path, environments=ENVIRONMENT_NAMES)
    assert loaded.config == Config()
    assert loaded.problem is not None
    assert loaded.problem.startswith(f"{path}:4: profiles.0.environment:")
    assert "\n" not in loaded.problem


def test_refresh_below_minimum_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("refresh_interval: 0.5\n")
    loaded = load_config(path)
    assert loaded.problem is not None and ":1: refresh_interval:" in loaded.problem


def test_create_timeout_is_longer_than_reads_and_configurable(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.yaml").config.create_timeout == 120
    path = tmp_path / "config.yaml"
    path.write_text("create_timeout: 300\n")
    assert load_config(path).config.create_timeout == 300
    path.write_text("create_timeout: 0\n")
    loaded = load_config(path)
    assert loaded.problem is not None and ":1: create_timeout:" in loaded.problem


def test_broken_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: pasqal\nprofiles: [\n")
    loaded = load_config(path)
    assert loaded.problem is not None and loaded.problem.startswith(f"{path}:")
    assert loaded.config == Config()


def test_env_selects_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASQAL_TUI_PROFILE", "work")
    assert selected_profile_name(Config(), None) == "work"
    assert selected_profile_name(Config(), "cli") == "cli"


def test_env_config_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("theme: textual-dark\n")
    monkeypatch.setenv("PASQAL_TUI_CONFIG", str(path))
    assert load_config().config.theme == "textual-dark"


def test_mouse_off_over_ssh() -> None:
    assert mouse_enabled("auto", {"SSH_CONNECTION": "1 2 3 4"}) is False
    assert mouse_enabled("auto", {}) is True
    assert mouse_enabled("on", {"SSH_CONNECTION": "x"}) is True
