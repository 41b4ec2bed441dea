"""A job's observables (from Pulser `Results`) as text: one block per observable, a line per
evaluation time, values summarised so a 12-atom correlation matrix still reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from pasqal_tui.cloud.observables import DecodedResults, Observable

SPARK = "▁▂▃▄▅▆▇█"
MAX_TIMES = 8  # evaluation times listed per observable; the rest are elided (sparkline kept)
MAX_ROWS = 6  # matrix rows shown
RAW_LINES = 40  # lines of raw JSON shown when the document is not decoded

_TITLES = {
    "bitstrings": "bitstrings",
    "occupation": "occupation ⟨n_i⟩",
    "energy": "energy ⟨H⟩",
    "energy_variance": "energy variance",
    "energy_second_moment": "energy second moment ⟨H²⟩",
    "correlation_matrix": "correlations ⟨n_i n_j⟩",
}


def observables_text(decoded: DecodedResults, *, style: str = "") -> Text:
    """The whole section: observables, or the raw JSON with why it was not decoded."""
    if decoded.problem is not None:
        out = Text(f"not decoded ({decoded.problem}); raw serialised_results:\n", style="dim")
        lines = (decoded.raw or "").splitlines()
        out.append("\n".join(lines[:RAW_LINES]))
        if len(lines) > RAW_LINES:
            out.append(f"\n… {len(lines) - RAW_LINES:,} more lines", style="dim")
        return out
    if not decoded.observables:
        return Text("none in the results", style="dim")
    out = Text()
    atoms = " ".join(decoded.atom_order)
    out.append(f"atoms {atoms}  duration {decoded.total_duration} ns\n", style="dim")
    for i, observable in enumerate(decoded.observables):
        if i:
            out.append("\n")
        _append_observable(out, observable, decoded.atom_order, style)
    return out


def _append_observable(out: Text, obs: Observable, atoms: Sequence[str], style: str) -> None:
    out.append(title(obs.tag), style="bold")
    count = len(obs.times)
    out.append(f"  {count} time{'s' if count != 1 else ''}", style="dim")
    trend = _trend(obs.values)
    if trend is not None and count > 1:
        label, series = trend
        out.append(f"  {label}{sparkline(series)}", style=style)
    out.append("\n")
    shown: list[tuple[float | None, Any]] = list(zip(obs.times, obs.values, strict=False))
    if count > MAX_TIMES:
        half = MAX_TIMES // 2
        shown = [*shown[:half], (None, None), *shown[-half:]]
    for time, value in shown:
        if time is None:
            out.append(f"  … {count - 2 * (MAX_TIMES // 2)} more times\n", style="dim")
            continue
        out.append(f"  t={time:<5.3g} ", style="dim")
        out.append(summary(value, atoms))
        out.append("\n")
    out.rstrip()


def _trend(values: Sequence[Any]) -> tuple[str, list[float]] | None:
    """What a sparkline can follow: the numbers themselves, or the sum of a vector per time
    (the number of excitations, for occupations); None for counts and matrices."""
    if all(_is_number(v) for v in values):
        return "", [float(v) for v in values]
    if all(isinstance(v, list) and v and all(_is_number(x) for x in v) for v in values):
        return "Σ ", [float(sum(v)) for v in values]
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def title(tag: str) -> str:
    """Pulser's tag in words; a tag with a suffix (two BitStrings, say) keeps its own name."""
    for key in sorted(_TITLES, key=len, reverse=True):
        if tag == key:
            return _TITLES[key]
        if tag.startswith(key + "_"):
            return f"{tag} ({_TITLES[key]})"
    return tag


def summary(value: Any, atoms: Sequence[str] = ()) -> str:
    """One value in words: counts by frequency, a value per atom, a matrix by rows, a number."""
    if isinstance(value, dict):
        return _counts(value)
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            return _matrix(value)
        if atoms and len(value) == len(atoms):
            return "  ".join(f"{a} {number(v)}" for a, v in zip(atoms, value, strict=True))
        return "[" + " ".join(number(v) for v in value) + "]"
    return number(value)


def number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
        return str(value)
    if isinstance(value, complex):
        return f"{value.real:.4g}{value.imag:+.4g}j"
    return f"{value:,}" if isinstance(value, int) else f"{value:.4g}"


def sparkline(values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    span = high - low
    if span <= 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[round((v - low) / span * (len(SPARK) - 1))] for v in values)


def _counts(counter: dict[str, Any]) -> str:
    total = sum(v for v in counter.values() if isinstance(v, (int, float)))
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
    parts = " ".join(f"{k}:{number(v)}" for k, v in top)
    more = f" +{len(counter) - len(top)} more" if len(counter) > len(top) else ""
    return f"{number(total)} shots: {parts}{more}"


def _matrix(rows: list[Any]) -> str:
    lines = [" ".join(number(v) for v in row) for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"… {len(rows) - MAX_ROWS} more rows")
    return ("\n" + " " * 10).join(lines)
