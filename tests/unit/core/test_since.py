"""The time forms every --since accepts, and the one line that names them on a bad one."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pasqal_tui.core.since import ACCEPTED, parse_since

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "ago"),
    [("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)), ("2d", timedelta(days=2)),
     ("1w", timedelta(weeks=1)), (" 3 H ", timedelta(hours=3))],
)  # fmt: skip
def test_relative_forms(text: str, ago: timedelta) -> None:
    assert parse_since(text, NOW) == NOW - ago


def test_dates_and_times_are_utc_unless_they_say_otherwise() -> None:
    assert parse_since("2026-01-31", NOW) == datetime(2026, 1, 31, tzinfo=timezone.utc)
    assert parse_since("2026-01-31T08:30Z", NOW) == datetime(
        2026, 1, 31, 8, 30, tzinfo=timezone.utc
    )
    assert parse_since("2026-01-31T10:30+02:00", NOW) == datetime(
        2026, 1, 31, 8, 30, tzinfo=timezone.utc
    )


@pytest.mark.parametrize("text", ["yesterday", "12", "5y", "-2d", "2026-13-01", ""])
def test_anything_else_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_since(text, NOW)
    assert ACCEPTED in str(raised.value) and "\n" not in str(raised.value)
