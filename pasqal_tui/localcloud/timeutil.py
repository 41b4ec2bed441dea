"""One timestamp format everywhere, so that string order is time order in SQLite."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone


def iso(dt: datetime) -> str:
    """UTC, microseconds, `+00:00`: the shape the real service sends."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


class Clock:
    """The server's 'now'. With an origin (`--clock-origin`), time starts there when the
    server starts and runs at wall speed, so live activity lands just after a demo history
    dated relative to the same origin (stable snapshots); without one, it is the wall clock."""

    def __init__(self, origin: datetime | None = None) -> None:
        self._origin = origin
        self._started = time.monotonic()

    def now(self) -> datetime:
        if self._origin is None:
            return datetime.now(timezone.utc)
        return self._origin + timedelta(seconds=time.monotonic() - self._started)

    def now_iso(self) -> str:
        return iso(self.now())
