"""The audit log: one JSON line per mutating action, appended under the state dir.

Says who did what to which ids and how it ended, so a user can answer "did I cancel that?"
days later. Never a secret: values are reduced to the fields listed here, and anything that
looks like a token or password is dropped before writing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pasqal_tui.core import paths

__all__ = ["AuditEntry", "AuditLog", "audit_file"]

log = logging.getLogger("pasqal_tui.core.audit")
_SECRET_WORDS = ("password", "token", "secret", "authorization", "bearer", "api_key")


def audit_file() -> Path:
    """``$XDG_STATE_HOME/pasqal-tui/audit.jsonl``."""
    return paths.state_dir() / "audit.jsonl"


@dataclass(frozen=True)
class AuditEntry:
    """One action: what was asked, on which ids, and the outcome ("ok" or the error line)."""

    action: str
    profile: str
    ids: Sequence[str]
    outcome: str
    details: dict[str, Any] = field(default_factory=dict)
    time: datetime | None = None

    def to_json(self, now: datetime) -> str:
        """One line; details are filtered so no secret can reach the file."""
        stamp = (self.time or now).astimezone(timezone.utc).isoformat()
        record = {
            "time": stamp,
            "profile": self.profile,
            "action": self.action,
            "ids": list(self.ids),
            "outcome": _scrub_text(self.outcome),
            "details": _scrub(self.details),
        }
        return json.dumps(record, ensure_ascii=False, sort_keys=False, default=str)


class AuditLog:
    """Appends entries; a write failure is logged, never raised (the action already happened)."""

    def __init__(
        self, path: Path | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._path = path
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    @property
    def path(self) -> Path:
        return self._path or audit_file()

    def append(self, entry: AuditEntry) -> bool:
        """Write one line with O_APPEND (whole lines even with two apps open); mode 600."""
        line = entry.to_json(self._clock()) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            log.warning("could not write the audit log %s", self.path, exc_info=True)
            return False
        return True

    def read(self) -> list[dict[str, Any]]:
        """Every entry, oldest first (lines that do not parse are skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out: list[dict[str, Any]] = []
        for raw in text.splitlines():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
        return out


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(k): _scrub(v)
            for k, v in value.items()
            if not any(w in str(k).lower() for w in _SECRET_WORDS)
        }
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def _scrub_text(text: str) -> str:
    """Drop bearer tokens and JWT-looking words from a free-text line."""
    words = []
    for word in text.split(" "):
        if word.count(".") == 2 and len(word) > 40 and word.startswith("ey"):
            words.append("[redacted]")
        else:
            words.append(word)
    out = " ".join(words)
    lowered = out.lower()
    if "bearer " in lowered:
        start = lowered.index("bearer ")
        out = out[: start + 7] + "[redacted]"
    return out
