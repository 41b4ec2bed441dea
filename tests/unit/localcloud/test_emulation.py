"""`run_job`: real Pulser builds and validation, real QuTiP emulation, every failure an ERROR."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.emulation import DEFAULT_RUNS, JobOutcome, JobSpec, run_job

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PI_PULSE = {"omega": math.pi, "duration": 1000}


def _job(sequence: str, variables=None, *, runs=50, device="EMU_FREE", config=None, seed=7, **kw):
    return run_job(JobSpec("job-1", sequence, variables, runs, device, config, seed, **kw))


def _assert_done(outcome: JobOutcome, runs: int) -> None:
    assert outcome.status == "DONE", outcome.errors
    assert outcome.errors == []
    assert outcome.counter is not None and outcome.raw is not None
    assert len(outcome.raw) == runs
    assert sum(outcome.counter.values()) == runs
    assert outcome.counter == dict(Counter(outcome.raw))
    assert outcome.duration_s > 0


def _assert_error(outcome: JobOutcome, *fragments: str) -> None:
    assert outcome.status == "ERROR"
    assert outcome.counter is None and outcome.raw is None
    assert outcome.errors
    text = " | ".join(outcome.errors)
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture(scope="module")
def rabi() -> str:
    return sequences.rabi_oscillation(2)


def test_pi_pulse_puts_the_atom_in_the_rydberg_state():
    outcome = _job(sequences.rabi_oscillation(1), PI_PULSE, runs=200)
    _assert_done(outcome, 200)
    assert outcome.counter == {"1": 200}


def test_rabi_job_samples_runs_shots(rabi):
    outcome = _job(rabi, {"omega": 2 * math.pi, "duration": 300}, runs=100)
    _assert_done(outcome, 100)
    assert all(len(bits) == 2 and set(bits) <= {"0", "1"} for bits in outcome.raw)
    assert len(outcome.counter) > 1  # a partial rotation gives a spread of outcomes


def test_default_runs_when_none(rabi):
    _assert_done(_job(rabi, PI_PULSE, runs=None), DEFAULT_RUNS)


def test_results_are_deterministic_per_seed():
    bell = sequences.bell_like()
    first, again = _job(bell, runs=300, seed=11), _job(bell, runs=300, seed=11)
    other = _job(bell, runs=300, seed=12)
    assert first.raw == again.raw and first.counter == again.counter
    assert other.raw != first.raw


def test_run_job_leaves_numpys_global_rng_alone(rabi):
    np.random.seed(3)
    expected = np.random.random()
    np.random.seed(3)
    _job(rabi, PI_PULSE)
    assert np.random.random() == expected


def test_bell_like_gives_the_entangled_pair():
    outcome = _job(sequences.bell_like(), runs=400, device="EMU_TN")
    _assert_done(outcome, 400)
    assert outcome.counter.get("01", 0) + outcome.counter.get("10", 0) >= 0.95 * 400
    assert min(outcome.counter.get("01", 0), outcome.counter.get("10", 0)) > 120


def test_example_jobs_trace_a_rabi_oscillation():
    sequence = (EXAMPLES / "rabi.json").read_text(encoding="utf-8")
    jobs = yaml.safe_load((EXAMPLES / "rabi-jobs.yaml").read_text(encoding="utf-8"))
    top = {}
    for job in jobs:
        outcome = _job(sequence, job["variables"], runs=job["runs"])
        _assert_done(outcome, job["runs"])
        top[job["variables"]["duration"]] = max(outcome.counter, key=outcome.counter.get)
    assert top[100] == "00" and top[500] == "11" and top[1000] == "00"


def test_noise_adds_errors_and_stays_deterministic():
    bell = sequences.bell_like()
    clean = _job(bell, runs=400, seed=5)
    noisy = _job(bell, runs=400, seed=5, config={"with_noise": True})
    _assert_done(noisy, 400)
    assert noisy.raw == _job(bell, runs=400, seed=5, config={"with_noise": True}).raw
    wrong = sum(n for bits, n in noisy.counter.items() if bits not in ("01", "10"))
    clean_wrong = sum(n for bits, n in clean.counter.items() if bits not in ("01", "10"))
    assert wrong > clean_wrong


def test_fresnel_runs_a_valid_sequence_with_hardware_noise(rabi):
    outcome = _job(rabi, {"omega": 2 * math.pi, "duration": 500}, device="FRESNEL")
    _assert_done(outcome, 50)
    assert max(outcome.counter, key=outcome.counter.get) == "11"
    assert outcome.counter["11"] < 50  # SPAM errors spoil some shots


def test_unknown_variable(rabi):
    _assert_error(
        _job(rabi, PI_PULSE | {"detuning": 1.0}),
        "Sequence build failed",
        "unknown variable(s) 'detuning'",
    )


def test_unknown_variable_on_a_sequence_without_variables():
    _assert_error(_job(sequences.bell_like(), {"omega": 1.0}), "unknown variable(s) 'omega'")


def test_missing_variable(rabi):
    _assert_error(_job(rabi, {"omega": 1.0}), "Sequence build failed", "duration")


def test_unknown_and_missing_variables_are_both_reported(rabi):
    outcome = _job(rabi, {"omega": 1.0, "dur": 100})
    _assert_error(outcome, "'dur'", "duration")
    assert len(outcome.errors) == 2


def test_variable_value_breaking_the_sequence_device(rabi):
    _assert_error(
        _job(rabi, {"omega": 100.0, "duration": 100}), "Sequence build failed", "amplitude"
    )


def test_amplitude_above_fresnel_limit_with_strict_validation():
    seq = sequences.amplitude_above_limit()
    _assert_done(_job(seq), 50)  # fine on the emulator's own device
    strict = _job(seq, config={"strict_validation": True})
    _assert_error(strict, "Validation against FRESNEL failed", "amplitude", "12.57")
    _assert_error(_job(seq, device="FRESNEL"), "Validation against FRESNEL failed", "amplitude")


def test_too_many_atoms():
    outcome = _job(sequences.too_many_atoms(20), device="EMU_MPS")
    assert outcome.errors == [
        "Register too large: register has 20 atoms; the local cloud emulates at most 12"
    ]
    _assert_error(_job(sequences.rabi_oscillation(3), PI_PULSE, max_atoms=2), "has 3 atoms")


def test_atoms_too_close_on_fresnel():
    seq = sequences.atoms_too_close()
    _assert_done(_job(seq), 50)
    _assert_error(_job(seq, device="FRESNEL"), "Validation against FRESNEL failed", "distance")
    _assert_error(_job(seq, device="EMU_FRESNEL"), "Validation against FRESNEL failed")
    _assert_error(
        _job(seq, device="EMU_SV", config={"strict_validation": True}), "minimal distance"
    )


def test_fresnel_requires_a_layout():
    import pulser

    from pasqal_tui.localcloud.devices import target_device

    register = pulser.Register.from_coordinates([(0, 0), (10, 0)], prefix="q")
    seq = pulser.Sequence(register, target_device("FRESNEL"))
    seq.declare_channel("rydberg", "rydberg_global")
    seq.add(pulser.Pulse.ConstantPulse(200, 1.0, 0.0, 0.0), "rydberg")
    _assert_error(_job(seq.to_abstract_repr(), device="FRESNEL"), "RegisterLayout")


def test_runs_above_fresnel_maximum(rabi):
    _assert_error(_job(rabi, PI_PULSE, runs=2001, device="FRESNEL"), "at most 2000")


@pytest.mark.parametrize(
    ("sequence", "fragment"),
    [
        ('{"version": "1", "register": [', "not valid JSON"),
        ("", "no sequence"),
        ('{"version": "1"}', "not a valid Pulser sequence"),
        ("[]", "not a valid Pulser sequence"),
    ],
)
def test_malformed_sequences(sequence, fragment):
    _assert_error(_job(sequence), "Sequence deserialization failed", fragment)


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"runs": 0}, "runs must be an integer from 1"),
        ({"runs": "ten"}, "runs must be an integer"),
        ({"device_type": "EMU_QUANTUM"}, "unknown device type 'EMU_QUANTUM'"),
        ({"variables": [1, 2]}, "variables must be an object"),
        ({"configuration": "strict"}, "configuration must be an object"),
    ],
)
def test_invalid_job_fields(rabi, changes, fragment):
    fields = {"runs": 10, "device_type": "EMU_FREE", "variables": PI_PULSE, "configuration": None}
    fields.update(changes)
    spec = JobSpec(
        "job-1",
        rabi,
        fields["variables"],
        fields["runs"],
        fields["device_type"],
        fields["configuration"],
        1,
    )
    _assert_error(run_job(spec), "Invalid job", fragment)


def test_six_atom_sweep_gives_six_bit_outcomes():
    # How long it takes is a benchmark's figure, not a test's bound (a loaded machine).
    outcome = _job(sequences.adiabatic_sweep(6), {"t_sweep": 3000}, runs=100)
    _assert_done(outcome, 100)
    assert all(len(bits) == 6 for bits in outcome.raw)


@pytest.mark.parametrize("value", [None, "100", [], {"value": 100}, True])
def test_non_numeric_variable_values(rabi, value):
    outcome = _job(rabi, {"omega": 1.0, "duration": value})
    _assert_error(outcome, "Sequence build failed", "variable 'duration' must be a number")
    assert len(outcome.errors) == 1


def test_sequence_without_pulses():
    import pulser

    from pasqal_tui.localcloud.devices import emulator_device

    seq = pulser.Sequence(pulser.Register.square(2, spacing=6, prefix="q"), emulator_device())
    seq.declare_channel("rydberg", "rydberg_global")
    _assert_error(_job(seq.to_abstract_repr()), "Sequence invalid", "no pulse")
