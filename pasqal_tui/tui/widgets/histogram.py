"""Result counts as a sorted bar chart: the top N bitstrings, the rest summed in one line."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text


def histogram_lines(
    counter: Mapping[str, float], *, top: int = 12, width: int = 40, style: str = ""
) -> Text:
    """Counts may be floats (weights from some emulators): shown as they are."""
    if not counter:
        return Text("no counts", style="dim")
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counter.values())
    shown = items[:top]
    rest = items[top:]
    label_width = max(len(k) for k, _ in shown)
    if rest:
        label_width = max(label_width, len(f"{len(rest)} others"))
    peak = shown[0][1]
    out = Text()
    rows: list[tuple[str, float]] = list(shown)
    if rest:
        rows.append((f"{len(rest)} others", sum(v for _, v in rest)))
    for i, (label, count) in enumerate(rows):
        cells = max(1, round(count * width / (peak or 1))) if count else 0
        share = 100 * count / total if total else 0
        out.append(f"{label:>{label_width}} ")
        bar_style = "dim" if rest and i == len(rows) - 1 else style
        out.append("█" * min(cells, width), style=bar_style)
        out.append(f" {_number(count)} ({share:.1f}%)")
        if i < len(rows) - 1:
            out.append("\n")
    return out


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"
