"""When this profile last looked: the dashboard's start or a ``digest`` run, per profile.

"Since you last looked" and ``pasqal-tui digest`` without ``--since`` start from it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pasqal_tui.core.state_files import profile_file, read_record, write_record

__all__ = ["last_looked", "mark_looked"]

KIND = "last-looked"


def last_looked(profile: str) -> datetime | None:
    """The time recorded for ``profile``; None on a first run (or an unreadable record)."""
    value, _problem = read_record(profile_file(KIND, profile))
    if not isinstance(value, dict) or not isinstance(value.get("at"), str):
        return None
    try:
        at = datetime.fromisoformat(value["at"])
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def mark_looked(profile: str, at: datetime) -> None:
    write_record(profile_file(KIND, profile), {"at": at.astimezone(timezone.utc).isoformat()})
