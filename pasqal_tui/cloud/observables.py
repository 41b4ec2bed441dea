"""A job's `serialised_results` (a Pulser `Results` abstract repr) read into plain observables.

Pulser is an optional dependency of the client: when it is installed, Pulser's own deserialiser
reads the document (so what we show is what Pulser users get); without it, or when Pulser cannot
read it, the raw JSON is kept for display and `problem` says why it was not decoded.
"""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Observable:
    """One observable: its tag, the relative times it was evaluated at, a value per time."""

    tag: str
    times: list[float]
    values: list[Any]


@dataclass(frozen=True)
class DecodedResults:
    """Observables read by Pulser, or the raw JSON with the reason it was not decoded."""

    observables: list[Observable] = field(default_factory=list)
    atom_order: list[str] = field(default_factory=list)
    total_duration: int | None = None
    raw: str | None = None
    problem: str | None = None


def pulser_available() -> bool:
    """True when Pulser can be imported (checked without importing it)."""
    return importlib.util.find_spec("pulser") is not None


def decode(serialised: str) -> DecodedResults:
    """Read `serialised` with Pulser when installed; never raises."""
    if not pulser_available():
        return DecodedResults(raw=_pretty(serialised), problem="Pulser is not installed")
    try:
        from pulser.backend import Results

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = Results.from_abstract_repr(serialised)
            tagged = results.get_tagged_results()
            observables = [
                Observable(
                    tag=tag,
                    times=[float(t) for t in results.get_result_times(tag)],
                    values=[plain(v) for v in values],
                )
                for tag, values in tagged.items()
            ]
    except Exception as exc:  # a document Pulser refuses: show it as it came
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return DecodedResults(raw=_pretty(serialised), problem=f"Pulser cannot read it: {detail}")
    return DecodedResults(
        observables=observables,
        atom_order=[str(q) for q in results.atom_order],
        total_duration=int(results.total_duration),
    )


def plain(value: Any) -> Any:
    """A Pulser value (Counter, numpy array, torch-like tensor, complex) as plain Python."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    for name in ("tolist", "full"):  # numpy arrays; qutip objects
        method = getattr(value, name, None)
        if callable(method) and not isinstance(value, (str, bytes)):
            try:
                return plain(method())
            except Exception:
                break
    if isinstance(value, complex):
        return value.real if math.isclose(value.imag, 0.0, abs_tol=1e-12) else value
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text
