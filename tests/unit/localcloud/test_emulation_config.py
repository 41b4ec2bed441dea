"""A batch's `backend_configuration` (Pulser `EmulationConfig`): read by Pulser, refused with
one line naming the problem, and run on QuTiP with the shots and observables it asks for."""

from __future__ import annotations

import json
import math

import pytest
from pulser.backend import BitStrings, EmulationConfig, Energy, Occupation, Results

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.emulation import JobSpec, run_job
from pasqal_tui.localcloud.emulation_config import config_problem, read_config, shot_counts

PI_PULSE = {"omega": math.pi, "duration": 1000}


def _config(*observables: object, **options: object) -> str:
    return EmulationConfig(observables=list(observables), **options).to_abstract_repr()


def _run(config: str | None, device: str = "EMU_MPS", runs: int | None = 1):
    spec = JobSpec(
        "job-1",
        sequences.rabi_oscillation(2),
        PI_PULSE,
        runs,
        device,
        None,
        seed=3,
        backend_configuration=config,
    )
    return run_job(spec)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "it is empty"),
        ("not a config", "not JSON"),
        ('{"observables": 3}', "at observables: 3 is not of type 'array'"),
        ('{"callbacks": []}', "'observables' is a required property"),
        (json.dumps({"observables": [{"observable": "nope"}]}), "at observables/0"),
    ],
)
def test_a_bad_config_is_named_in_one_line(text: str, named: str) -> None:
    problem = config_problem(text)
    assert problem is not None
    assert problem.startswith("backend_configuration is not a valid Pulser EmulationConfig")
    assert named in problem and "\n" not in problem


def test_too_many_shots_are_refused() -> None:
    problem = config_problem(_config(BitStrings(num_shots=100_001)))
    assert problem is not None and "100001 shots" in problem


def test_shots_come_from_num_shots_else_the_default() -> None:
    config = read_config(
        _config(BitStrings(num_shots=40), BitStrings(tag_suffix="b"), default_num_shots=7)
    )
    assert shot_counts(config) == [40, 7]
    assert config_problem(_config(BitStrings(num_shots=40))) is None


@pytest.mark.parametrize("device", ["EMU_FREE", "EMU_MPS", "EMU_SV"])
@pytest.mark.parametrize("runs", [1, None])
def test_the_config_decides_shots_and_observables(device: str, runs: int | None) -> None:
    outcome = _run(_config(BitStrings(num_shots=40), Occupation(), Energy()), device, runs)
    assert outcome.status == "DONE", outcome.errors
    assert outcome.counter is not None and sum(outcome.counter.values()) == 40
    assert outcome.raw is not None and len(outcome.raw) == 40
    assert outcome.counter.get("11", 0) >= 30
    assert outcome.serialised_results is not None
    results = Results.from_abstract_repr(outcome.serialised_results)
    assert results.final_bitstrings == outcome.counter
    assert set(results.get_result_tags()) == {"bitstrings", "occupation", "energy"}
    assert results.occupation[-1][0] > 0.9


def test_without_bitstrings_the_counter_is_empty_and_observables_still_come_back() -> None:
    outcome = _run(_config(Occupation(evaluation_times=[0.25, 0.5, 1.0])))
    assert outcome.status == "DONE", outcome.errors
    assert outcome.counter == {} and outcome.raw == []
    assert outcome.serialised_results is not None
    results = Results.from_abstract_repr(outcome.serialised_results)
    assert results.get_result_times("occupation") == [0.25, 0.5, 1.0]


def test_the_same_seed_gives_the_same_shots() -> None:
    config = _config(BitStrings(num_shots=50), Energy())
    first, second = _run(config), _run(config)
    assert first.raw == second.raw and first.serialised_results == second.serialised_results


def test_devices_that_do_not_read_the_config_keep_runs_and_give_no_serialised_results() -> None:
    outcome = _run(_config(BitStrings(num_shots=40)), "EMU_TN", runs=25)
    assert outcome.status == "DONE", outcome.errors
    assert outcome.counter is not None and sum(outcome.counter.values()) == 25
    assert outcome.serialised_results is None


def test_without_a_config_runs_decides_as_before() -> None:
    outcome = _run(None, "EMU_MPS", runs=30)
    assert outcome.status == "DONE" and outcome.serialised_results is None
    assert outcome.counter is not None and sum(outcome.counter.values()) == 30
