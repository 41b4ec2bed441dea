"""The per-profile records under the state dir: when a profile last looked, what it watches.
Both survive a restart (a new object reads the file), stay per profile, and a damaged file reads
as absent instead of stopping the app."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from pasqal_tui.core.last_looked import last_looked, mark_looked
from pasqal_tui.core.state_files import profile_file
from pasqal_tui.core.watchlist import Watchlist

AT = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))


def test_last_looked_is_per_profile_and_utc(xdg_dirs: Path) -> None:
    assert last_looked("local") is None  # a first run
    mark_looked("local", AT)
    assert last_looked("local") == AT and last_looked("local").tzinfo is not None
    assert last_looked("prod/eu") is None
    path = profile_file("last-looked", "local")
    assert path.is_relative_to(xdg_dirs / "xdg_state_home") and "+00:00" in path.read_text()


def test_a_damaged_record_reads_as_a_first_run() -> None:
    path = profile_file("last-looked", "local")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert last_looked("local") is None
    mark_looked("local", AT)  # and the next look repairs it
    assert last_looked("local") == AT


def test_watched_batches_survive_a_restart() -> None:
    first = Watchlist("local")
    assert first.add("b1") and first.add("b2") and not first.add("b1")
    again = Watchlist("local")
    assert again.ids == ["b1", "b2"] and "b2" in again
    assert again.remove("b1") and not again.remove("b1")
    assert Watchlist("local").ids == ["b2"] and Watchlist("other").ids == []


def test_a_damaged_watchlist_is_empty_with_a_reason() -> None:
    path = profile_file("watched", "local")
    path.parent.mkdir(parents=True)
    path.write_text("[1, 2")
    watched = Watchlist("local")
    assert watched.ids == [] and watched.problem and "unreadable" in watched.problem
