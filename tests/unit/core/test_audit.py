"""The audit log: append-only JSON lines under the state dir, mode 600, never a secret."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pasqal_tui.core.audit import AuditEntry, AuditLog, audit_file

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_lives_under_xdg_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert audit_file() == tmp_path / "pasqal-tui" / "audit.jsonl"


def test_appends_lines_with_time_profile_action_ids_outcome(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "s" / "audit.jsonl", clock=lambda: NOW)
    assert log.append(AuditEntry("close", "local", ["b1"], "ok"))
    assert log.append(
        AuditEntry("cancel-jobs", "prod", ["j1", "j2"], "HTTP 409: too late", {"n": 2})
    )
    lines = (tmp_path / "s" / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first == {
        "time": "2026-03-02T09:30:00+00:00",
        "profile": "local",
        "action": "close",
        "ids": ["b1"],
        "outcome": "ok",
        "details": {},
    }
    assert second["ids"] == ["j1", "j2"] and second["details"] == {"n": 2}
    assert log.read() == [first, second]
    mode = stat.S_IMODE((tmp_path / "s" / "audit.jsonl").stat().st_mode)
    assert mode == 0o600


def test_no_secret_reaches_the_file(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", clock=lambda: NOW)
    jwt = "eyJhbGciOiJIUzI1NiJ9." + "a" * 40 + ".signature_signature"
    log.append(
        AuditEntry(
            "create",
            "prod",
            ["b1"],
            f"failed: Authorization: Bearer {jwt}",
            {"password": "hunter2", "access_token": jwt, "nested": {"api_key": "k"}, "n": 1},
        )
    )
    text = (tmp_path / "audit.jsonl").read_text()
    assert "hunter2" not in text and jwt not in text and '"k"' not in text
    assert json.loads(text)["details"] == {"nested": {}, "n": 1}


def test_unwritable_location_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    log = AuditLog(blocker / "audit.jsonl")
    assert log.append(AuditEntry("close", "local", ["b1"], "ok")) is False
