"""How one workload reads: status, timestamps, errors, a short config, and its result.

Long config strings (a serialized sequence) are shortened to their size, so the detail stays one
screen; the result view shows the whole result.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App

from pasqal_tui.cloud.models import Workload
from pasqal_tui.core.clock import absolute, relative
from pasqal_tui.tui.widgets.histogram import histogram_lines
from pasqal_tui.tui.widgets.status import rich_colour, status_text

LONG = 60


def short_value(value: Any) -> str:
    """A config value on one line; long strings become their size."""
    if isinstance(value, str):
        if len(value) > LONG:
            kind = "JSON" if value.lstrip()[:1] in "{[" else "text"
            return f"<{kind}, {len(value):,} characters>"
        return value
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


def _when(value: datetime | None, now: datetime) -> str:
    return "\u2013" if value is None else f"{relative(value, now)} ({absolute(value)})"


def detail(app: App[object], workload: Workload, now: datetime) -> RenderableType:
    """Facts table, then errors, then the result's summary."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("Field", no_wrap=True, style="bold")
    table.add_column("Value")
    table.add_row("Id", workload.id)
    table.add_row("Status", status_text(app, workload.status.value))
    table.add_row("Type", workload.workload_type)
    table.add_row("Backend", workload.backend)
    table.add_row("Created", _when(workload.created_at, now))
    table.add_row("Started", _when(workload.start_timestamp, now))
    table.add_row("Ended", _when(workload.end_timestamp, now))
    for key, value in workload.config.items():
        table.add_row(f"config.{key}", short_value(value))
    parts: list[RenderableType] = [table]
    error_colour = rich_colour(app.theme_variables.get("status-error", ""))
    for error in workload.errors or []:
        parts.append(Text(error.strip(), style=error_colour))
    parts += [Text(""), result_summary(app, workload.result)]
    return Group(*parts)


def result_summary(app: App[object], result: dict[str, Any] | None, *, top: int = 8) -> Text:
    if not result:
        return Text("No result yet.", style="dim")
    counter = result.get("counter")
    if isinstance(counter, dict) and all(isinstance(v, int) for v in counter.values()):
        colour = rich_colour(app.theme_variables.get("primary", ""))
        text = Text(f"Result: {sum(counter.values()):,} samples\n", style="bold")
        text.append_text(histogram_lines(counter, top=top, width=30, style=colour))
        return text
    keys = ", ".join(sorted(result)) or "empty"
    return Text(f"Result: an object with {keys} (Enter shows it)")


def result_json(result: dict[str, Any] | None) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) if result else "No result yet."
