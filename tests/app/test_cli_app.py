"""The dashboard's command line: every option explained, bad values refused in one line."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from pasqal_tui.cli import build_parser
from pasqal_tui.core import logs


def test_help_explains_each_dashboard_option() -> None:
    text = " ".join(build_parser().format_help().split())
    for option in ("--profile", "--env", "--read-only", "--refresh", "--theme", "--mouse"):
        assert option in text
    assert "off by default over SSH" in text
    assert "{prod,preprod,dev,sa-prod,sa-preprod}" in text


def test_refresh_below_two_seconds_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--refresh", "1"])
    assert "at least 2 seconds" in capsys.readouterr().err
    assert build_parser().parse_args(["--refresh", "2.5"]).refresh == 2.5


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--env", "mars"])


def test_debug_log_redacts_secrets(tmp_path: Path) -> None:
    path = logs.setup(tmp_path / "state" / "debug.log")
    assert path is not None
    log = logging.getLogger("pasqal_tui.tui")
    log.error("sent Authorization: Bearer abc.def.ghi with password=hunter2")
    log.error('token answer {"access_token": "tok123", "expires_in": 60}')
    for handler in logging.getLogger("pasqal_tui").handlers:
        handler.flush()
    text = path.read_text()
    assert "abc.def.ghi" not in text and "hunter2" not in text and "tok123" not in text
    assert text.count("<redacted>") == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    root = logging.getLogger("pasqal_tui")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
