"""The wording of plans: counts in the right number (one helper: core.text.plural), filters
described, why a job is left out."""

from __future__ import annotations

from datetime import datetime, timezone

from pasqal_tui.cloud.filters import RebatchFilters
from pasqal_tui.cloud.models import Job
from pasqal_tui.core.text import plural
from pasqal_tui.ops.plans import JobCount, _why_not, describe_filters

T0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
JOB_ID = "00000000-0000-0000-0000-000000000001"


def job(status: str, runs: int = 10) -> Job:
    return Job(
        id=JOB_ID,
        batch_id="b",
        project_id="p",
        status=status,
        runs=runs,
        created_at=T0,
        updated_at=T0,
    )


def test_counts_in_the_right_number() -> None:
    assert plural(1, "job") == "1 job" and plural(0, "job") == "0 jobs"
    assert plural(1234, "job") == "1,234 jobs" and plural(1, "marked job") == "1 marked job"
    assert plural(1, "new batch") == "1 new batch" and plural(2, "batch") == "2 batches"
    assert plural(3, "rebatch copy", "rebatch copies") == "3 rebatch copies"
    assert plural(2, "copy") == "2 copies" and plural(2, "day") == "2 days"


def test_runs_are_a_floor_when_not_all_pages_were_read() -> None:
    assert JobCount(total=3, runs=30, read=3).runs_text() == "30 runs"
    assert JobCount(total=1, runs=1, read=1).runs_text() == "1 run"
    assert JobCount(total=20_000, runs=1000, read=10_000).runs_text() == "at least 1,000 runs"


def test_filters_described() -> None:
    assert describe_filters(RebatchFilters()) == "none (every job of the batch)"
    text = describe_filters(
        RebatchFilters(status=["ERROR"], id=[JOB_ID], min_runs=5, start_date=T0)
    )
    assert text == "status ERROR, 1 chosen id, runs 5.., from 2026-03-01 12:00"


def test_why_a_marked_job_is_left_out() -> None:
    errors_only = RebatchFilters(status=["ERROR"])
    assert _why_not(job("DONE"), errors_only) == "status DONE is not ERROR"
    assert _why_not(job("ERROR", runs=3), RebatchFilters(min_runs=5)) == (
        "3 runs is under the minimum 5"
    )
    assert _why_not(job("ERROR", runs=50), RebatchFilters(max_runs=5)) == (
        "50 runs is over the maximum 5"
    )
    late = RebatchFilters(start_date=datetime(2026, 3, 2, tzinfo=timezone.utc))
    assert _why_not(job("ERROR"), late) == "created before the date range"
