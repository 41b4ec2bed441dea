"""The official `pasqal-cloud` SDK (current release) drives the local cloud over real HTTP,
scenario by scenario as its documentation shows, and cannot tell it from the real service."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from pasqal_cloud.device import EmuFreeConfig, EmuTNConfig
from pasqal_cloud.errors import BatchCreationError, JobCancellingError
from pasqal_cloud.pasqal_cloud_client import PasqalCloudClient
from pasqal_cloud.utils.constants import BatchStatus, JobStatus
from pasqal_cloud.utils.filters import (
    BatchFilters,
    CancelJobFilters,
    JobFilters,
    PaginationParams,
    RebatchFilters,
)
from pulser.devices import Device
from support.sdk import fast_polling, make_sdk

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

PI_PULSE = {"omega": math.pi, "duration": 1000}


@pytest.fixture(scope="module")
def rabi() -> str:
    return sequences.rabi_oscillation(2)


@pytest.fixture
def sdk(
    local_cloud: LocalCloudProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PasqalCloudClient]:
    fast_polling(monkeypatch)
    yield make_sdk(local_cloud)


def test_closed_batch_waits_and_returns_real_results(sdk: PasqalCloudClient, rabi: str) -> None:
    batch = sdk.create_batch(
        rabi,
        jobs=[
            {"runs": 40, "variables": PI_PULSE},
            {"runs": 30, "variables": {"omega": 2.0, "duration": 200}},
        ],
        device_type="EMU_FREE",
        wait=True,
    )
    assert batch.status == "DONE"
    assert [job.status for job in batch.ordered_jobs] == ["DONE", "DONE"]
    first, second = batch.ordered_jobs
    assert sum(first.result.values()) == 40
    # A pi pulse on two far-apart atoms puts both in the Rydberg state almost every shot.
    assert first.result.get("11", 0) >= 30
    assert len(first.full_result["raw"]) == 40
    assert sum(second.result.values()) == 30
    assert batch.jobs_count == 2 and batch.end_datetime is not None


def test_open_batch_add_jobs_retry_and_close(sdk: PasqalCloudClient, rabi: str) -> None:
    batch = sdk.create_batch(
        rabi, jobs=[{"runs": 10, "variables": PI_PULSE}], device_type="EMU_FREE", open=True
    )
    assert batch.open is True
    batch.add_jobs([{"runs": 10, "variables": {"omega": 1.0}}], wait=True)  # missing `duration`
    failed = batch.ordered_jobs[1]
    assert failed.status == "ERROR"
    assert any("duration" in e for e in failed.errors)
    batch.retry(batch.ordered_jobs[0], wait=True)
    assert sdk.get_batch_status(batch.id) == BatchStatus.RUNNING  # still open: not finished
    batch.close(wait=True)
    assert batch.status == "DONE" and batch.open is False
    assert [j.status for j in batch.ordered_jobs] == ["DONE", "ERROR", "DONE"]
    assert batch.jobs_count_per_status["ERROR"] == 1


def test_emulator_configurations_round_trip(sdk: PasqalCloudClient, rabi: str) -> None:
    tn = sdk.create_batch(
        rabi,
        jobs=[{"runs": 20, "variables": PI_PULSE}],
        device_type="EMU_TN",
        configuration=EmuTNConfig(dt=10.0, precision="normal", max_bond_dim=100),
        wait=True,
    )
    free = sdk.create_batch(
        rabi,
        jobs=[{"runs": 20, "variables": PI_PULSE}],
        device_type="EMU_FREE",
        configuration=EmuFreeConfig(with_noise=False),
        wait=True,
    )
    tn_again = sdk.get_batch(tn.id)
    assert isinstance(tn_again.configuration, EmuTNConfig)
    assert tn_again.configuration.max_bond_dim == 100
    assert isinstance(sdk.get_batch(free.id).configuration, EmuFreeConfig)
    assert tn_again.ordered_jobs[0].status == "DONE"
    assert sdk.get_job(free.ordered_jobs[0].id).status == "DONE"


def test_get_jobs_filters_and_pagination(sdk: PasqalCloudClient) -> None:
    big = sdk.get_batches(filters=BatchFilters(tag="pagination")).results[0]
    page = sdk.get_jobs(
        filters=JobFilters(batch_id=big.id, status=[JobStatus.DONE]),
        pagination_params=PaginationParams(offset=100, limit=50),
    )
    assert page.total == 5000 and len(page.results) == 50
    assert all(j.batch_id == big.id for j in page.results)
    errored = sdk.get_jobs(filters=JobFilters(errors=True)).results
    assert errored and all(j.errors for j in errored)
    clean = sdk.get_jobs(filters=JobFilters(errors=False, min_runs=100, max_runs=100)).results
    assert clean and all(not j.errors and j.runs == 100 for j in clean)


def test_rebatch_copies_the_failed_jobs(sdk: PasqalCloudClient) -> None:
    source = next(
        b
        for b in sdk.get_batches(filters=BatchFilters(tag="variables")).results
        if b.jobs_count_per_status.get("ERROR")
    )
    child = sdk.rebatch(source.id, filters=RebatchFilters(status=[JobStatus.ERROR]))
    assert child.parent_id == source.id and child.id != source.id
    source_errors = {
        j.id for j in sdk.get_jobs(filters=JobFilters(batch_id=source.id, status=["ERROR"])).results
    }
    assert {j.parent_id for j in child.ordered_jobs} == source_errors


def test_cancel_batch_job_and_jobs(sdk: PasqalCloudClient, rabi: str) -> None:
    batch = sdk.create_batch(
        rabi,
        jobs=[{"runs": 10, "variables": PI_PULSE} for _ in range(4)],
        device_type="EMU_FREE",
        open=True,
    )
    first = batch.ordered_jobs[0]
    cancelled = sdk.cancel_jobs(
        batch.id, CancelJobFilters(id=[j.id for j in batch.ordered_jobs[1:3]])
    )
    assert cancelled is not None
    sdk.cancel_batch(batch.id)
    after = sdk.get_batch(batch.id)
    assert after.status == "CANCELED" and after.open is False
    assert {j.status for j in after.ordered_jobs} <= {"DONE", "CANCELED", "RUNNING"} - {"RUNNING"}
    with pytest.raises(JobCancellingError):
        sdk.cancel_job(first.id)  # already terminal: a 4xx the SDK reports, not a crash


def test_bad_batch_is_refused_with_a_message(sdk: PasqalCloudClient) -> None:
    with pytest.raises(BatchCreationError) as info:
        sdk.create_batch("not json", jobs=[{"runs": 10}], device_type="EMU_FREE")
    assert "422" in str(info.value) and "abstract-repr" in str(info.value)


def test_tags_and_batch_filters(sdk: PasqalCloudClient, rabi: str) -> None:
    batch = sdk.create_batch(
        rabi, jobs=[{"runs": 5, "variables": PI_PULSE}], device_type="EMU_SV", tags=["sdk-a"]
    )
    batch.set_tags(["sdk-b", "sdk-c"])
    found = sdk.get_batches(filters=BatchFilters(tag="sdk-c", device_type=["EMU_SV"])).results
    assert [b.id for b in found] == [batch.id]
    assert sdk.get_batches(filters=BatchFilters(tag="sdk-a")).results == []


def test_workloads_run_and_fail_for_real(sdk: PasqalCloudClient) -> None:
    bell = sequences.bell_like()
    done = sdk.create_workload(
        "pulser_emulation", "EMU_FREE", {"sequence": bell, "runs": 60}, wait=True
    )
    assert done.status == "DONE"
    assert set(done.result["counter"]) <= {"01", "10", "00", "11"}
    assert sum(done.result["counter"].values()) == 60
    bad = sdk.create_workload("no_such_type", "EMU_FREE", {}, wait=True)
    assert bad.status == "ERROR" and "no_such_type" in bad.errors[0]


def test_device_specs_load_into_pulser(
    sdk: PasqalCloudClient, local_cloud: LocalCloudProcess
) -> None:
    specs = sdk.get_device_specs_dict()
    assert set(specs) >= {"FRESNEL", "EMU_FREE", "EMU_TN", "EMU_MPS", "EMU_SV", "EMU_FRESNEL"}
    devices = {name: Device.from_abstract_repr(text) for name, text in specs.items()}
    assert devices["FRESNEL"].max_atom_num and devices["FRESNEL"].max_atom_num > 12
    anonymous = PasqalCloudClient(endpoints=sdk._client.endpoints)
    assert anonymous.get_device_specs_dict() == specs  # public list, no credentials


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_readme_quickstart_pulser_qpu_backend(
    local_cloud: LocalCloudProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK README's quickstart: Pulser's QPUBackend over `PasqalCloudConnection`."""
    from pasqal_cloud import PasqalCloudConnection
    from pulser import Pulse, Register, Sequence
    from pulser.backend import QPUBackend

    fast_polling(monkeypatch)
    sdk = make_sdk(local_cloud)
    connection = PasqalCloudConnection(
        username="demo",
        password="demo",
        project_id=sdk.project_id,
        endpoints=sdk._client.endpoints,
        auth_config=sdk._client.authenticator.token_provider.config,  # type: ignore[union-attr]
    )
    device = connection.fetch_available_devices()["FRESNEL"]
    register = Register.square(2, spacing=6, prefix="q").with_automatic_layout(device)
    sequence = Sequence(register, device)
    sequence.declare_channel("rydberg", "rydberg_global")
    omega_max = sequence.declare_variable("omega_max")
    sequence.add(Pulse.ConstantPulse(100, omega_max, 2, 0.0), "rydberg")
    backend = QPUBackend(sequence=sequence, connection=connection)
    results = backend.run(
        job_params=[
            {"runs": 5, "variables": {"omega_max": 12}},
            {"runs": 10, "variables": {"omega_max": 6}},
        ],
        wait=True,
    )
    counts = [r.bitstring_counts for r in results.results]
    assert [sum(c.values()) for c in counts] == [5, 10]
    assert all(len(bits) == 4 for c in counts for bits in c)
