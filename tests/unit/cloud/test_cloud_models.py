"""Timestamps, filters, payloads and environments: the pieces with rules of their own."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from pasqal_tui.cloud import (
    ENVIRONMENTS,
    Batch,
    BatchFilters,
    BatchStatus,
    CancelJobFilters,
    CreateBatchRequest,
    DeviceTypes,
    EmuFreeConfig,
    EmulatorConfig,
    EmuTNConfig,
    Job,
    JobFilters,
    JobInput,
    JobStatus,
    Page,
    QueuePriority,
    RebatchFilters,
    ServerError,
    get_environment,
    local,
    parse_timestamp,
)
from pasqal_tui.cloud.parsing import page_reader

UTC = timezone.utc
ID = "00000000-0000-0000-0000-000000000001"


TIMESTAMPS = [
        ("2021-11-10T15:24:38.155824", datetime(2021, 11, 10, 15, 24, 38, 155824, UTC)),
        ("2023-03-23T10:42:27.611384+00:00", datetime(2023, 3, 23, 10, 42, 27, 611384, UTC)),
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00.5Z", datetime(2024, 1, 1, 0, 0, 0, 500000, UTC)),
        ("2024-01-01T02:00:00+02:00", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01 00:00:00", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00.123456789+00:00", datetime(2024, 1, 1, 0, 0, 0, 123456, UTC)),
        ("1636558026.698066", datetime(2021, 11, 10, 15, 27, 6, 698066, UTC)),
        (1636558026, datetime(2021, 11, 10, 15, 27, 6, tzinfo=UTC)),
        (1636558026000, datetime(2021, 11, 10, 15, 27, 6, tzinfo=UTC)),
        ("Mon, 01 Jan 2024 10:00:00 GMT", datetime(2024, 1, 1, 10, tzinfo=UTC)),
        (datetime(2024, 1, 1), datetime(2024, 1, 1, tzinfo=UTC)),
        (datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
         datetime(2024, 1, 1, tzinfo=UTC)),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "expected"), TIMESTAMPS)
def test_timestamps_become_aware_utc(raw: object, expected: datetime) -> None:
    parsed = parse_timestamp(raw)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("raw", ["yesterday", "", True, None, [2024]])
def test_bad_timestamps_name_the_value(raw: object) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        parse_timestamp(raw)


@pytest.mark.parametrize(("raw", "expected"), TIMESTAMPS)
def test_a_model_reads_every_timestamp_shape_as_utc_from_json_and_python(
    raw: object, expected: datetime
) -> None:
    """UTC ISO strings take pydantic's own parser, every other shape parse_timestamp: both
    give the same instant, at offset 0, written back as ISO with +00:00."""
    body = {"id": ID, "batch_id": ID, "project_id": ID, "status": "DONE",
            "created_at": raw, "updated_at": raw, "end_timestamp": raw}  # fmt: skip
    jobs = [Job.model_validate(body)]
    if not isinstance(raw, datetime):
        jobs.append(Job.model_validate_json(json.dumps(body)))
    for job in jobs:
        for at in (job.created_at, job.updated_at, job.end_timestamp):
            assert at == expected and at is not None and at.utcoffset() == timedelta(0)
        assert job.model_dump(mode="json")["created_at"] == expected.isoformat()


def test_a_bad_timestamp_in_a_page_names_the_job_the_field_and_the_value() -> None:
    at = "2024-01-01T00:00:00+00:00"
    job = {"id": ID, "batch_id": ID, "project_id": ID, "status": "DONE",
           "created_at": at, "updated_at": "2024-01-01T00:00:00Z"}  # fmt: skip
    body = {"data": [job, {**job, "updated_at": "yesterday"}],
            "pagination": {"total": 2, "start": 0, "end": 2}}  # fmt: skip
    read = page_reader(Job, 0, 100, "list jobs")
    with pytest.raises(ServerError) as raised:
        read(json.dumps(body).encode())
    assert raised.value.message == (
        "list jobs: unexpected answer, 1.updated_at: Value error, unrecognised timestamp "
        "'yesterday'"
    )
    assert read(json.dumps({**body, "data": [job]}).encode()).items[0].updated_at == datetime(
        2024, 1, 1, tzinfo=UTC
    )


def test_batch_keeps_unknown_fields_and_fills_complete() -> None:
    batch = Batch.model_validate(
        {
            "id": ID,
            "open": True,
            "status": "PAUSED",
            "device_type": "EMU_NEW_2030",
            "project_id": ID,
            "created_at": "2024-01-01",
            "updated_at": "2024-01-01T00:00:00Z",
            "shiny_new_field": {"x": 1},
        }
    )
    assert batch.complete is False and batch.status is BatchStatus.PAUSED
    assert batch.status.is_terminal and not BatchStatus.RUNNING.is_terminal
    assert batch.extras == {"shiny_new_field": {"x": 1}}
    assert batch.model_dump(mode="json")["created_at"] == "2024-01-01T00:00:00+00:00"
    assert not DeviceTypes.is_emulator("FRESNEL") and DeviceTypes.is_emulator(batch.device_type)


def test_page_bounds() -> None:
    page = Page[int](items=[1, 2], total=2, offset=0, limit=100)
    assert (page.end, page.has_more) == (2, False)
    assert Page[int](items=[1], total=5, offset=3, limit=1).has_more


def test_filter_single_values_become_lists_and_empty_ones_vanish() -> None:
    filters = BatchFilters(status="RUNNING", user_id="u1", id=[], device_type=(), tag="")
    assert filters.status == [BatchStatus.RUNNING]
    assert filters.to_params() == [("user_id", "u1"), ("status", "RUNNING")]
    assert BatchFilters().is_empty() and CancelJobFilters().to_params() == []
    assert BatchFilters(queue_priority=[QueuePriority.LOW, "MEDIUM"]).to_params() == [
        ("queue_priority", "LOW"),
        ("queue_priority", "MEDIUM"),
    ]


def test_uuid_objects_are_sent_canonical_and_strings_as_given() -> None:
    from uuid import UUID

    upper = "ABCDEF00-0000-0000-0000-000000000001"
    params = JobFilters(id=[UUID(upper), upper]).to_params()
    assert params == [("id", upper.lower()), ("id", upper)]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: JobFilters(batch_id="batch-1"), "batch_id filter 'batch-1' is not a valid UUID"),
        (lambda: BatchFilters(status="CANCELING"), "status"),
        (lambda: RebatchFilters(min_runs=10, max_runs=5), "min_runs (10) is above max_runs (5)"),
        (lambda: CancelJobFilters(status="DONE"), "status"),  # no status filter on this op
        (lambda: JobFilters(errors="maybe"), "errors"),
    ],
)
def test_bad_filters_say_what_is_wrong(build: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()  # type: ignore[operator]
    assert message in str(info.value)


def test_emulator_configs_match_the_sdk_to_dict() -> None:
    assert EmuFreeConfig(with_noise=True).to_dict() == {
        "strict_validation": False,
        "result_types": None,
        "with_noise": True,
    }
    tn = EmuTNConfig(strict_validation=True, result_types=["counter"], extra={"seed": 1})
    assert list(tn.to_dict().items()) == [
        ("strict_validation", True),
        ("result_types", ["counter"]),
        ("dt", 10.0),
        ("precision", "normal"),
        ("max_bond_dim", 500),
        ("seed", 1),
    ]
    assert EmulatorConfig(extra={"max_bond_dim": 100}).to_dict()["max_bond_dim"] == 100


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: EmuTNConfig(dt=0), "dt"),
        (lambda: EmuTNConfig(precision="ultra"), "precision"),
        (lambda: EmuTNConfig(max_bond_dim=0), "max_bond_dim"),
        (lambda: EmuFreeConfig(extra={"with_noise": True}), "would override"),
        (lambda: EmulatorConfig(result_types=["histogram"]), "result_types"),
        (lambda: JobInput(runs=0), "runs"),
        (lambda: JobInput(sequence="s", variables={"a": 1}), "both its own sequence and variables"),
        (
            lambda: CreateBatchRequest(jobs=[JobInput(runs=1), JobInput(sequence="s")]),
            "index 0 have no sequence",
        ),
        (lambda: CreateBatchRequest(sequence_builder="s", device_type=" "), "device_type"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(build: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()  # type: ignore[operator]
    assert message in str(info.value)


def test_jobs_with_own_sequences_need_no_batch_sequence() -> None:
    request = CreateBatchRequest(jobs=[JobInput(runs=3, sequence="a")], device_type="EMU_MPS")
    assert request.to_body(ID)["sequence_builder"] is None


def test_built_in_environments_match_the_sdk() -> None:
    prod = get_environment("prod")
    assert prod.core_url == "https://apis.pasqal.cloud/core-fast"
    assert prod.account_url == "https://apis.pasqal.cloud/account"
    assert prod.token_url == "https://pasqal.eu.auth0.com/oauth/token"
    assert prod.client_id == "PeZvo7Atx7IVv3iel59asJSb4Ig7vuSB"
    assert prod.grant_type == "http://auth0.com/oauth/grant-type/password-realm"
    sa = get_environment("sa-prod")
    assert sa.core_url == "https://apis.sa.pasqal.cloud/core-fast" and sa.grant == "password"
    assert sa.token_url.startswith("https://auth.sa.pasqal.cloud/realms/pasqal-cloud/")
    assert {e.name for e in ENVIRONMENTS} == {"prod", "preprod", "dev", "sa-prod", "sa-preprod"}
    assert get_environment("preprod").core_url == "https://apis.preprod.pasqal.cloud/core-fast"
    assert get_environment("dev").client_id == "5QtfSu1UV118Iz6By6IJRSNoDrLbAiOv"


def test_unknown_environment_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="valid names: prod, preprod, dev, sa-prod, sa-preprod"):
        get_environment("production")


def test_local_environment() -> None:
    env = local("http://127.0.0.1:8765/")
    assert (env.core_url, env.account_url, env.token_url) == (
        "http://127.0.0.1:8765/core-fast",
        "http://127.0.0.1:8765/account",
        "http://127.0.0.1:8765/oauth/token",
    )
    assert (env.client_id, env.realm, env.grant) == (
        "pasqal-tui-local",
        "pcs-users",
        "password-realm",
    )
    assert env.audience == "http://127.0.0.1:8765/account/api/v1"
    with pytest.raises(ValueError, match="core_url must be an http"):
        local("127.0.0.1:8765")


def test_job_status_terminal_set() -> None:
    assert {s for s in JobStatus if s.is_terminal} == {
        JobStatus.DONE,
        JobStatus.ERROR,
        JobStatus.CANCELED,
        JobStatus.TIMED_OUT,
        JobStatus.PAUSED,
    }


def test_an_unknown_status_is_kept_as_text_and_never_terminal() -> None:
    """Statuses are an open set, as in the SDK: a value added by the service later parses."""
    batch = Batch.model_validate(
        {
            "id": ID,
            "open": False,
            "status": "QUEUED",
            "device_type": "FRESNEL",
            "project_id": ID,
            "created_at": "2024-01-01",
            "updated_at": "2024-01-01",
        }
    )
    assert batch.status.value == "QUEUED" and batch.status == "QUEUED"
    assert not batch.status.is_terminal and not batch.status.is_known
    assert BatchStatus.DONE.is_known
    assert batch.model_dump(mode="json")["status"] == "QUEUED"
    assert "QUEUED" not in {s.value for s in BatchStatus}  # the documented set is unchanged
    with pytest.raises(ValidationError):
        Batch.model_validate({**batch.model_dump(mode="json"), "status": ""})


def test_a_counter_of_floats_parses() -> None:
    from pasqal_tui.cloud.models import JobResults
    from pasqal_tui.tui.widgets.histogram import histogram_lines

    results = JobResults.model_validate({"counter": {"00": 0.25, "11": 0.75}})
    assert results.counter == {"00": 0.25, "11": 0.75}
    text = histogram_lines(results.counter or {}, width=3).plain
    assert text == "11 ███ 0.75 (75.0%)\n00 █ 0.25 (25.0%)"
