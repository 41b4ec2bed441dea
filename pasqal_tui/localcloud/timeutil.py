"""One timestamp format everywhere, so that string order is time order in SQLite."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(dt: datetime) -> str:
    """UTC, microseconds, `+00:00`: the shape the real service sends."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


def parse_datetime(value: str) -> datetime:
    """ISO-8601 as Python's `isoformat()` writes it; naive values are UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # A `+` in a query string may arrive decoded as a space.
    if len(text) > 19 and text[-6] == " ":
        text = text[:-6] + "+" + text[-5:]
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt
