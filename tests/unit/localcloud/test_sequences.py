"""Sample sequences, `declared_variables`, and the checked-in examples."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pulser
import pytest
import yaml
from pulser.sampler import sample

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.devices import emulator_device, target_device

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _load(sequence_json: str) -> pulser.Sequence:
    return pulser.Sequence.from_abstract_repr(sequence_json)


def _min_distance(seq: pulser.Sequence) -> float:
    coords = [np.asarray(c) for c in seq.register.qubits.values()]
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(coords, 2))


def _make_examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_versions(value: object) -> object:
    """Drop `pulser_version` keys: the same sequence from another Pulser release is still equal."""
    if isinstance(value, dict):
        return {k: _without_versions(v) for k, v in value.items() if k != "pulser_version"}
    if isinstance(value, list):
        return [_without_versions(v) for v in value]
    return value


def test_rabi_declares_omega_and_duration():
    seq = _load(sequences.rabi_oscillation(3))
    assert seq.is_parametrized()
    assert seq.device.name == "FRESNEL"
    assert len(seq.register.qubits) == 3
    assert seq.register.layout is not None
    assert _min_distance(seq) >= sequences.RABI_SPACING_UM - 1e-6
    assert sequences.declared_variables(sequences.rabi_oscillation(3)) == {
        "omega": {"dtype": "float", "size": 1},
        "duration": {"dtype": "int", "size": 1},
    }
    built = seq.build(omega=math.pi, duration=1000)
    assert built.get_duration() == 1000


def test_adiabatic_sweep_is_parametrized_by_t_sweep():
    text = sequences.adiabatic_sweep(6)
    seq = _load(text)
    assert len(seq.register.qubits) == 6
    assert sequences.declared_variables(text) == {"t_sweep": {"dtype": "int", "size": 1}}
    assert seq.build(t_sweep=2000).get_duration() == 252 + 2000 + 252


def test_bell_like_is_a_built_sequence_within_fresnel_limits():
    text = sequences.bell_like()
    seq = _load(text)
    assert not seq.is_parametrized()
    assert sequences.declared_variables(text) == {}
    fresnel = target_device("FRESNEL")
    fresnel.validate_register(seq.register)
    blockade = fresnel.rydberg_blockade_radius(math.pi / (math.sqrt(2) * 0.5))
    assert _min_distance(seq) < blockade


def test_too_many_atoms_is_valid_for_fresnel():
    seq = _load(sequences.too_many_atoms(20))
    assert len(seq.register.qubits) == 20
    target_device("FRESNEL").validate_register(seq.register)


def test_amplitude_above_limit_breaks_only_fresnel_limit():
    seq = _load(sequences.amplitude_above_limit())
    assert seq.device == emulator_device()
    peak = float(np.max(np.asarray(sample(seq).channel_samples["rydberg"].amp)))
    assert peak > target_device("FRESNEL").channels["rydberg_global"].max_amp
    assert peak <= emulator_device().channels["rydberg_global"].max_amp


def test_atoms_too_close_breaks_only_fresnel_distance():
    seq = _load(sequences.atoms_too_close())
    assert seq.device == emulator_device()
    assert _min_distance(seq) < target_device("FRESNEL").min_atom_distance
    with pytest.raises(ValueError, match="minimal distance"):
        target_device("FRESNEL").validate_register(seq.register)


@pytest.mark.parametrize(
    ("builder", "argument"),
    [
        (sequences.rabi_oscillation, 0),
        (sequences.rabi_oscillation, 8),
        (sequences.adiabatic_sweep, 13),
        (sequences.too_many_atoms, -1),
        (sequences.rabi_oscillation, 2.5),
    ],
)
def test_bad_sizes_are_refused_with_their_name(builder, argument):
    with pytest.raises(ValueError, match=r"(n_atoms|n) must be an integer from"):
        builder(argument)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "must be an object"),
        ('{"variables": {}}', "not a Pulser abstract representation"),
        ('{"register": [], "operations": [], "variables": []}', "'variables' entry"),
        (
            '{"register": [], "operations": [], "variables": {"omega": {"type": "complex"}}}',
            "variable 'omega'",
        ),
    ],
)
def test_declared_variables_rejects_malformed_sequences(text, problem):
    with pytest.raises(ValueError, match=problem):
        sequences.declared_variables(text)


def test_declared_variables_reads_array_variables():
    seq = pulser.Sequence(pulser.Register.square(2, spacing=6, prefix="q"), emulator_device())
    seq.declare_channel("rydberg", "rydberg_global")
    amps = seq.declare_variable("amps", dtype=float, size=3)
    seq.add(pulser.Pulse.ConstantPulse(100, amps[0], 0.0, 0.0), "rydberg")
    assert sequences.declared_variables(seq.to_abstract_repr()) == {
        "amps": {"dtype": "float", "size": 3}
    }


def test_checked_in_examples_equal_a_fresh_generation():
    fresh = _make_examples().generate()
    assert set(fresh) == {"rabi.json", "rabi-jobs.yaml"}
    for name, content in fresh.items():
        on_disk = (EXAMPLES / name).read_text(encoding="utf-8")
        if name.endswith(".json"):
            assert _without_versions(json.loads(on_disk)) == _without_versions(
                json.loads(content)
            ), f"examples/{name} is stale: run examples/make_examples.py"
        else:
            assert on_disk == content, f"examples/{name} is stale: run examples/make_examples.py"


def test_example_jobs_give_exactly_the_declared_variables():
    declared = sequences.declared_variables((EXAMPLES / "rabi.json").read_text(encoding="utf-8"))
    jobs = yaml.safe_load((EXAMPLES / "rabi-jobs.yaml").read_text(encoding="utf-8"))
    assert isinstance(jobs, list) and jobs
    for job in jobs:
        assert set(job) == {"runs", "variables"}
        assert set(job["variables"]) == set(declared)
        assert isinstance(job["variables"]["duration"], int)
        assert isinstance(job["variables"]["omega"], float)
        assert isinstance(job["runs"], int) and job["runs"] > 0
