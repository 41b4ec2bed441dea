"""The filter line's query syntax: what goes to the API, what narrows the loaded rows, and the
one-line messages for tokens it cannot use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops import query as q

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
BATCH_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT")
JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED")
ID = "7a33e1c2-0000-4000-8000-000000000001"


def batches(text: str) -> q.Query:
    return q.parse(text, keys=q.BATCH_KEYS, statuses=BATCH_STATUSES, now=NOW)


def jobs(text: str) -> q.Query:
    return q.parse(text, keys=q.JOB_KEYS, statuses=JOB_STATUSES, now=NOW)


def test_free_words_and_quoted_phrases_narrow_loaded_rows_only() -> None:
    found = batches('Atom "atom loss"  qpu')
    assert found.words == ("atom", "atom loss", "qpu")
    assert found.server_key == () and found.local
    assert batch_filters_empty(found)
    assert found.keeps("x", "ERROR FRESNEL qpu Atom loss above")
    assert not found.keeps("x", "ERROR FRESNEL qpu atom  loss")  # the phrase, not two words
    assert found.local_summary() == '"atom" "atom loss" "qpu"'


def batch_filters_empty(found: q.Query) -> bool:
    return q.batch_filters(found) == BatchFilters()


def test_an_unclosed_quote_runs_to_the_end_as_it_is_typed() -> None:
    assert q.tokens('status:error "atom lo') == ["status:error", '"atom lo']
    assert batches('"atom lo').words == ("atom lo",)


def test_statuses_by_prefix_comma_separated_or_repeated() -> None:
    found = batches("status:err,run status:done status:err")
    assert found.statuses == ("ERROR", "RUNNING", "DONE")
    assert q.batch_filters(found).status == ["ERROR", "RUNNING", "DONE"]
    assert found.server_summary() == "status=ERROR,RUNNING,DONE"


def test_structured_tokens_become_the_batch_filters() -> None:
    found = batches(f"device:fresnel,emu_mps tag:qpu tag:night since:2d until:2026-03-01 "
                    f"open:no id:{ID.upper()}")  # fmt: skip
    filters = q.batch_filters(found)
    assert filters.device_type == ["FRESNEL", "EMU_MPS"]
    assert filters.tag == "qpu"  # the API filters one tag; the second narrows the page
    assert found.tags == ("qpu", "night") and found.local
    assert not found.keeps(ID, "", ["qpu"]) and found.keeps(ID, "", ["qpu", "night"])
    assert filters.start_date == NOW - timedelta(days=2)
    assert filters.end_date == datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert filters.open is False
    assert filters.id == [ID]
    assert found.server_summary() == (
        "device=FRESNEL,EMU_MPS tag=qpu since=2026-02-28 12:00 until=2026-03-01 "
        "id=7a33e1c2… open=no"
    )


def test_relative_times_and_iso_times() -> None:
    assert batches("since:30m").since == NOW - timedelta(minutes=30)
    assert batches("since:12h").since == NOW - timedelta(hours=12)
    assert batches("since:1w").since == NOW - timedelta(weeks=1)
    assert batches("since:2026-01-31").since == datetime(2026, 1, 31, tzinfo=timezone.utc)
    assert batches("until:2026-01-31T10:00").until == datetime(2026, 1, 31, 10, tzinfo=timezone.utc)


def test_the_server_key_is_the_same_for_the_same_request_typed_at_another_time() -> None:
    first = batches("status:error since:2d atom")
    later = q.parse("since:2d  atom status:ERROR loss", keys=q.BATCH_KEYS,
                    statuses=BATCH_STATUSES, now=NOW + timedelta(seconds=3))  # fmt: skip
    assert first.server_key == later.server_key
    assert batches("status:error").server_key != batches("status:done").server_key


def test_id_prefixes_are_matched_on_loaded_rows() -> None:
    found = batches("id:7a33,ffe0")
    assert found.id_prefixes == ("7a33", "ffe0") and not found.ids
    assert found.server_key == ()  # nothing the API can filter
    assert found.keeps(ID, "") and not found.keeps("0" + ID[1:], "")
    assert found.local_summary() == "id=7a33… id=ffe0…"


def test_job_keys_runs_and_errors() -> None:
    found = jobs("runs:>100 runs:<=500 errors:yes status:error")
    filters = q.job_filters(found, ID)
    assert (filters.min_runs, filters.max_runs, filters.errors) == (101, 500, True)
    assert filters.batch_id == [ID] and filters.status == ["ERROR"]
    assert found.server_summary() == "status=ERROR errors=yes runs=101..500"
    assert (jobs("runs:100..200").min_runs, jobs("runs:100..200").max_runs) == (100, 200)
    assert (jobs("runs:250").min_runs, jobs("runs:250").max_runs) == (250, 250)
    assert jobs("runs:<50").max_runs == 49 and jobs("runs:>=50").min_runs == 50


def test_rebatch_values_carry_the_job_filters() -> None:
    found = jobs(f"status:error runs:>=10 since:2026-01-31 id:{ID}")
    values = found.rebatch_values()
    assert values == {
        "status": "ERROR",
        "min_runs": "10",
        "from": "2026-01-31T00:00:00+00:00",
        "id": ID,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("status:bogus", "status: 'BOGUS' is not one of PENDING, RUNNING, DONE, ERROR"),
        ("colour:red", "colour: is not a filter of this table; use status:, device:"),
        ("runs:>5", "runs: is not a filter of this table"),
        ("since:yesterday", "since: 'yesterday' is not a time: use 30m, 12h, 2d, 1w, a date"),
        ("until:2026-13-01", "until: '2026-13-01' is not a time"),
        ("since:2026-02-01 until:2026-01-01", "since: 2026-02-01 is after until: 2026-01-01"),
        ("id:zz12", "id: 'zz12' is not an id or its first characters"),
        ("open:maybe", "open: 'maybe': type open or closed"),
    ],
)
def test_bad_tokens_are_named_in_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        batches(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("runs:lots", "runs: 'lots' is not like >100, >=100, <50, <=50, 100..200 or 100"),
        ("runs:>500 runs:<100", "runs: no number is >=501 and <=99"),
        ("runs:<0", "runs: '<0' matches no job"),
        ("device:fresnel", "device: is not a filter of this table; use status:, since:"),
    ],
)
def test_bad_job_tokens(text: str, message: str) -> None:
    with pytest.raises(InputError, match=None) as caught:
        jobs(text)
    assert message in str(caught.value)


def test_a_key_being_typed_without_a_value_is_not_an_error() -> None:
    assert batches("atom status:").statuses == ()
    assert batches("atom status:").words == ("atom",)


def test_words_with_a_colon_that_are_not_keys_stay_words() -> None:
    assert batches("12:30").words == ("12:30",)
    assert batches('"error: atom"').words == ("error: atom",)


def test_set_key_replaces_one_key_and_keeps_the_rest() -> None:
    assert q.set_key('atom status:done "x y"', "status", "ERROR") == 'atom "x y" status:ERROR'
    assert q.set_key("atom status:done", "status", "") == "atom"
    assert q.key_value("atom status:done status:error", "status") == "error"
    assert q.key_value("atom", "errors") == ""


def test_errors_view_keys() -> None:
    found = q.parse("last:50 since:2026-01-31 calibration", keys=q.ERRORS_KEYS, statuses=(),
                    now=NOW)  # fmt: skip
    assert found.last == 50 and found.words == ("calibration",)
    with pytest.raises(InputError, match="last: 'many' is not a whole number"):
        q.parse("last:many", keys=q.ERRORS_KEYS, statuses=(), now=NOW)


def test_sort_items_keeps_rows_without_a_value_last_either_way() -> None:
    from pasqal_tui.ops.ordering import sort_items

    rows = [("a", 3), ("b", None), ("c", 1), ("d", 3)]
    key = lambda r: r[1]  # noqa: E731
    assert [r[0] for r in sort_items(rows, key, descending=False)] == ["c", "a", "d", "b"]
    assert [r[0] for r in sort_items(rows, key, descending=True)] == ["a", "d", "c", "b"]
