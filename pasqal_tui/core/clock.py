"""An injectable clock, so relative times ("3 min ago") are testable and snapshots stable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def fixed_clock(at: datetime) -> Clock:
    """A clock stopped at ``at`` (tests, snapshots)."""
    moment = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return lambda: moment


def relative(when: datetime | None, now: datetime, *, compact: bool = False) -> str:
    """Coarse on purpose: a cell that changes every second would repaint every second.

    ``compact`` ("54m", "17h", "3d") fits a 4-cell column, for narrow terminals.
    """
    if when is None:
        return "\u2013"
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if compact:
        return ("+" if future else "") + _compact(seconds)
    if seconds < 60:
        text = "just now" if not future else "in <1 min"
        return text
    if seconds < 3600:
        amount = f"{int(seconds // 60)} min"
    elif seconds < 86400:
        amount = f"{int(seconds // 3600)} h"
    elif seconds < 86400 * 60:
        amount = f"{int(seconds // 86400)} d"
    else:
        return when.strftime("%Y-%m-%d")
    return f"in {amount}" if future else f"{amount} ago"


def _compact(seconds: float) -> str:
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    days = int(seconds // 86400)
    return f"{days}d" if days < 1000 else f"{days // 365}y"


def absolute(when: datetime | None) -> str:
    if when is None:
        return "\u2013"
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
