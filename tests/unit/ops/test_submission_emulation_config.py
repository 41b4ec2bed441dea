"""Writing a batch's EmulationConfig from a form's fields or a file: Pulser reads back what is
sent, and a bad value is one line naming the field or file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulser.backend import BitStrings, EmulationConfig, Occupation

from pasqal_tui.ops.submission.emulation_config import (
    EmulationChoice,
    backend_configuration,
    describe,
)


def _read(text: str | None) -> EmulationConfig:
    assert text is not None
    return EmulationConfig.from_abstract_repr(text)


def test_blank_fields_or_an_unconfigured_device_send_nothing() -> None:
    assert backend_configuration(EmulationChoice(), "EMU_MPS") is None
    assert backend_configuration(EmulationChoice(shots="40"), "EMU_TN") is None


def test_fields_give_bitstrings_with_the_shots_then_the_observables() -> None:
    text = backend_configuration(EmulationChoice("40", ("occupation", "correlations")), "EMU_SV")
    config = _read(text)
    assert [type(o).__name__ for o in config.observables] == [
        "BitStrings",
        "Occupation",
        "CorrelationMatrix",
    ]
    assert config.observables[0].num_shots == 40
    assert describe(text) == "bitstrings (40 shots), occupation, correlation_matrix"
    assert _read(backend_configuration(EmulationChoice(observables=("energy",)), "EMU_FREE"))


def test_a_yaml_file_with_times_and_noise(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "shots: 25\nobservables: [occupation]\nevaluation_times: [0.5, 1.0]\n"
        "noise: {p_false_pos: 0.02, p_false_neg: 0.05}\n"
    )
    config = _read(backend_configuration(EmulationChoice(file=str(path)), "EMU_MPS"))
    assert list(config.observables[1].evaluation_times) == [0.5, 1.0]
    assert config.noise_model.p_false_pos == 0.02


def test_pulsers_own_repr_in_a_file_is_sent_as_it_is(tmp_path: Path) -> None:
    own = EmulationConfig(observables=[BitStrings(num_shots=7), Occupation()]).to_abstract_repr()
    path = tmp_path / "own.json"
    path.write_text(own)
    assert backend_configuration(EmulationChoice(file=str(path)), "EMU_FREE") == own


@pytest.mark.parametrize(
    ("choice", "named"),
    [
        (EmulationChoice(shots="0"), "emulation config shots: 0 is not from 1 to 100,000"),
        (EmulationChoice(shots="x"), "emulation config shots: 'x' is not a whole number"),
        (EmulationChoice(shots="5", file="f.yaml"), "give a file or shots and observables"),
        (EmulationChoice(file="/nonexistent/c.yaml"), "/nonexistent/c.yaml: no such file"),
    ],
)
def test_bad_values_are_named(choice: EmulationChoice, named: str) -> None:
    with pytest.raises(ValueError) as info:
        backend_configuration(choice, "EMU_MPS")
    assert named in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("shots: 5\nobservables: [magic]\n", "unknown observable 'magic'"),
        ("shots: 5\ncolour: red\n", "unknown key(s) colour"),
        ("- a\n- b\n", "must be a mapping"),
        ("observables: [occupation]\nnoise: {p_false_pos: 7}\n", "Pulser refuses it"),
        ('{"observables": [{"observable": "nope"}]}', "not a valid Pulser EmulationConfig"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        backend_configuration(EmulationChoice(file=str(path)), "EMU_SV")
    assert named in str(info.value) and "\n" not in str(info.value)
