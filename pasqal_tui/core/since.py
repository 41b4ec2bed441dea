"""Points in time as people type them: ``30m``, ``12h``, ``2d``, ``1w`` ago, or a date or ISO time.

One parser for every ``--since`` / ``--until`` of the commands and the dashboard's digest, so
they accept the same forms and name them the same way when refusing one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["ACCEPTED", "parse_since"]

ACCEPTED = "use 30m, 12h, 2d, 1w, a date (2026-01-31) or ISO-8601 (2026-01-31T08:00)"
_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """The aware UTC time ``text`` names; ValueError naming the accepted forms otherwise."""
    value = text.strip()
    match = _RELATIVE.match(value.lower())
    now = now or datetime.now(timezone.utc)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a time: {ACCEPTED}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
