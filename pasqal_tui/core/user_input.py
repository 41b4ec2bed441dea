"""Parse what people type in filter fields, with one-line messages that say what is wrong."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone


class InputError(ValueError):
    """A bad value in a named field; ``str()`` is the one line to show."""


def statuses(text: str, allowed: Iterable[str], field: str = "status") -> list[str] | None:
    words = [w.strip().upper().replace("-", "_") for w in text.replace(" ", ",").split(",")]
    words = [w for w in words if w]
    if not words:
        return None
    options = list(allowed)
    out: list[str] = []
    for word in words:
        matches = [s for s in options if s.startswith(word)]
        if word in options:
            matches = [word]
        if len(matches) != 1:
            raise InputError(f"{field}: {word!r} is not one of {', '.join(options)}")
        out.append(matches[0])
    return out


def words(text: str) -> list[str] | None:
    items = [w.strip() for w in text.replace(" ", ",").split(",") if w.strip()]
    return items or None


def date(text: str, field: str, *, end: bool = False) -> datetime | None:
    """YYYY-MM-DD (a whole day: the end of it for an upper bound) or full ISO-8601, in UTC."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a date like 2026-01-31") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if end and len(text) <= 10:
        value = value + timedelta(days=1) - timedelta(microseconds=1)
    return value


def date_range(
    values: Mapping[str, str], start_field: str = "from", end_field: str = "to"
) -> tuple[datetime | None, datetime | None]:
    """The "from" and "to" fields as a creation window; the start must not come after the end."""
    start = date(values.get("from", ""), start_field)
    end = date(values.get("to", ""), end_field, end=True)
    if start and end and start > end:
        raise InputError(f"{start_field}: must be before {end_field}")
    return start, end


def flag(text: str, field: str, yes: str = "yes", no: str = "no") -> bool | None:
    value = text.strip().lower()
    if not value or value in ("any", "all"):
        return None
    if value in ("y", "yes", "true", "1", yes):
        return True
    if value in ("n", "no", "false", "0", no):
        return False
    raise InputError(f"{field}: type {yes} or {no} (or leave empty)")


def integer(text: str, field: str) -> int | None:
    value = text.strip().replace(",", "").replace("_", "")
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"{field}: {text.strip()!r} is not a whole number") from None
    if number < 0:
        raise InputError(f"{field}: must be 0 or more")
    return number


def runs_range(values: Mapping[str, str]) -> tuple[int | None, int | None]:
    """The "min_runs" and "max_runs" fields; the minimum must not exceed the maximum."""
    min_runs = integer(values.get("min_runs", ""), "min runs")
    max_runs = integer(values.get("max_runs", ""), "max runs")
    if min_runs is not None and max_runs is not None and min_runs > max_runs:
        raise InputError("min runs: must not exceed max runs")
    return min_runs, max_runs


def uuids(text: str, field: str = "id") -> list[str] | None:
    items = words(text)
    if items is None:
        return None
    for item in items:
        try:
            uuid.UUID(item)
        except ValueError:
            raise InputError(f"{field}: {item!r} is not a full id (36 characters)") from None
    return items
