"""Printing rows: a readable table on a terminal, or JSON / CSV for pipes.

Never an escape code when stdout is not a terminal; JSON carries the API's own field names.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Literal, TextIO

from pasqal_tui.core.tabular import write_rows

Format = Literal["table", "json", "csv"]


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    *,
    documents: Any = None,
    out: TextIO | None = None,
) -> None:
    """``rows`` (flat, for table and CSV) or ``documents`` (for JSON, default: ``rows``)."""
    out = out or sys.stdout
    if fmt == "table":
        out.write(table(rows, columns))
    else:
        write_rows(out, rows, columns, fmt, documents)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Plain aligned columns (no colour: it reads the same on every terminal and in a log)."""
    cells = [[_text(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return " ".join(str(value).split())
