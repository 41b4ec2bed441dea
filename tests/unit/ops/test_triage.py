"""Grouping errored jobs: the same failure with other ids or numbers is one group."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pasqal_tui.cloud.models import Job
from pasqal_tui.ops.triage import NO_MESSAGE, group_errors, normalise_message

T0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def job(n: int, batch: str, error: str | None, minutes: int = 0, runs: int = 10) -> Job:
    stamp = T0 + timedelta(minutes=minutes)
    return Job(
        id=f"00000000-0000-0000-0000-{n:012d}",
        batch_id=batch,
        project_id="p",
        status="ERROR",
        runs=runs,
        created_at=stamp,
        updated_at=stamp,
        end_timestamp=stamp,
        errors=[error] if error is not None else None,
    )


def test_ids_numbers_and_hashes_are_stripped() -> None:
    a = normalise_message(
        "Register too large: register has 12 atoms; at most 10 "
        "(job 3f2a1b9c-1111-2222-3333-444455556666)"
    )
    b = normalise_message(
        "Register too large: register has 9 atoms; at most 8 "
        "(job 00000000-0000-0000-0000-000000000001)"
    )
    assert a == b == "Register too large: register has <n> atoms; at most <n> (job <id>)"
    assert normalise_message("amplitude -15.3 above 1e3, hash deadbeef12") == (
        "amplitude <n> above <n>, hash <id>"
    )


def test_words_and_names_are_kept() -> None:
    assert normalise_message("variable 'omega' is missing") != normalise_message(
        "variable 'duration' is missing"
    )
    assert normalise_message("first line\nsecond line 42") == "first line"
    assert normalise_message("  \n ") == NO_MESSAGE


def test_groups_count_batches_devices_and_times() -> None:
    jobs = [
        job(1, "b1", "Register has 12 atoms", minutes=5),
        job(2, "b1", "Register has 13 atoms", minutes=1),
        job(3, "b2", "Register has 14 atoms", minutes=9, runs=5),
        job(4, "b2", "Amplitude too high"),
        job(5, "b3", None),
    ]
    groups = group_errors(jobs, {"b1": "EMU_FREE", "b2": "FRESNEL"})
    first = groups[0]
    assert first.message == "Register has <n> atoms"
    assert first.example == "Register has 12 atoms"
    assert first.count == 3
    assert first.batches == {"b1": [jobs[0].id, jobs[1].id], "b2": [jobs[2].id]}
    assert first.devices == {"EMU_FREE", "FRESNEL"}
    assert first.runs == 25
    assert first.first_seen == T0 + timedelta(minutes=1)
    assert first.last_seen == T0 + timedelta(minutes=9)
    assert [g.count for g in groups] == [3, 1, 1]
    assert {g.message for g in groups[1:]} == {"Amplitude too high", NO_MESSAGE}
