"""`serialised_results` decoded by Pulser into plain observables (when Pulser is installed), the
raw JSON kept otherwise, and the text the job screen shows for them."""

from __future__ import annotations

import json
import math

import pulser
import pytest
from pulser.backend import BitStrings, CorrelationMatrix, Energy, Occupation
from pulser_simulation import QutipBackendV2, QutipConfig

from pasqal_tui.cloud import observables
from pasqal_tui.cloud.observables import decode
from pasqal_tui.localcloud import sequences
from pasqal_tui.tui.widgets.observables import observables_text, sparkline, summary


@pytest.fixture(scope="module")
def serialised() -> str:
    """A real Pulser Results repr: a pi pulse on two atoms, four observables."""
    sequence = pulser.Sequence.from_abstract_repr(sequences.rabi_oscillation(2)).build(
        omega=math.pi, duration=1000
    )
    config = QutipConfig(
        observables=[
            BitStrings(num_shots=40),
            Occupation(evaluation_times=[0.5, 1.0]),
            Energy(),
            CorrelationMatrix(),
        ]
    )
    return str(QutipBackendV2(sequence, config=config).run().to_abstract_repr())


def test_pulser_decodes_every_observable_into_plain_values(serialised: str) -> None:
    decoded = decode(serialised)
    assert decoded.problem is None and decoded.raw is None
    assert decoded.atom_order == ["q0", "q1"] and decoded.total_duration == 1000
    by_tag = {o.tag: o for o in decoded.observables}
    assert set(by_tag) == {"bitstrings", "occupation", "energy", "correlation_matrix"}
    assert by_tag["occupation"].times == [0.5, 1.0]
    counts = by_tag["bitstrings"].values[0]
    assert type(counts) is dict and sum(counts.values()) == 40
    half, full = by_tag["occupation"].values
    assert all(type(x) is float for x in half) and 0.3 < half[0] < 0.7 < 0.9 < full[0]
    assert type(by_tag["energy"].values[0]) is float
    (matrix,) = by_tag["correlation_matrix"].values
    assert len(matrix) == 2 and all(len(row) == 2 for row in matrix)
    json.dumps([o.values for o in decoded.observables])  # plain Python all the way down


def test_without_pulser_the_raw_json_is_kept(
    serialised: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(observables, "pulser_available", lambda: False)
    decoded = decode(serialised)
    assert decoded.observables == [] and decoded.problem == "Pulser is not installed"
    assert decoded.raw is not None and json.loads(decoded.raw) == json.loads(serialised)
    text = observables_text(decoded).plain
    assert text.startswith("not decoded (Pulser is not installed); raw serialised_results:")
    assert '"atom_order"' in text


def test_a_document_pulser_refuses_is_shown_raw_with_why() -> None:
    decoded = decode('{"atom_order": 3}')
    assert decoded.problem is not None and decoded.problem.startswith("Pulser cannot read it:")
    assert "\n" not in decoded.problem and decoded.raw is not None


def test_the_text_names_each_observable_with_a_line_per_time(serialised: str) -> None:
    text = observables_text(decode(serialised)).plain
    lines = text.splitlines()
    assert lines[0] == "atoms q0 q1  duration 1000 ns"
    assert "bitstrings  1 time" in lines
    assert any(line.startswith("occupation ⟨n_i⟩  2 times  Σ ▁█") for line in lines)
    assert any(line.startswith("  t=0.5   q0 0.") for line in lines)
    assert "energy ⟨H⟩  1 time" in lines
    assert "correlations ⟨n_i n_j⟩  1 time" in lines


def test_values_are_summarised_readably() -> None:
    assert summary({"11": 39, "01": 1}) == "40 shots: 11:39 01:1"
    many = {f"{i:04b}": 10 - i for i in range(6)}
    assert summary(many).endswith("+2 more")
    assert summary([0.5, 0.25], ["q0", "q1"]) == "q0 0.5  q1 0.25"
    assert summary([1.0, 2.0, 3.0]) == "[1 2 3]"
    assert summary(0.123456) == "0.1235" and summary(complex(1, 2)) == "1+2j"
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█" and sparkline([2.0, 2.0]) == "▁▁"
