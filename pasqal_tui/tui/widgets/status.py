"""Status colours as renderables: a status word and a compact per-status counts bar."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import App
from textual.color import Color, ColorParseError

from pasqal_tui.tui.themes import STATUSES, status_variable

BAR_ORDER = ("DONE", "RUNNING", "PENDING", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")


def rich_colour(value: str) -> str:
    """A theme colour as Rich reads it: Textual's ``ansi_red`` becomes ANSI ``color(1)``."""
    if not value:
        return ""
    try:
        colour = Color.parse(value)
    except ColorParseError:
        return ""
    return colour.rich_color.name


def status_colour(app: App[object], status: str) -> str:
    return rich_colour(app.theme_variables.get(status_variable(status), ""))


def status_text(app: App[object], status: str) -> Text:
    """The status word in its theme colour (also readable without colour: it is a word)."""
    return Text(status, style=f"bold {status_colour(app, status)}".strip())


def counts_bar(app: App[object], counts: Mapping[str, int], width: int = 10) -> Text:
    """Per-status proportions in ``width`` cells; a non-zero status always gets one cell."""
    total = sum(counts.get(s, 0) for s in BAR_ORDER)
    bar = Text()
    if total <= 0 or width <= 0:
        return Text("·" * width, style="dim")
    present = [(s, counts.get(s, 0)) for s in BAR_ORDER if counts.get(s, 0) > 0]
    cells = {s: max(1, round(n * width / total)) for s, n in present}
    while sum(cells.values()) > width:
        biggest = max(cells, key=lambda s: cells[s])
        cells[biggest] -= 1
    while sum(cells.values()) < width:
        biggest = max(present, key=lambda p: p[1])[0]
        cells[biggest] += 1
    for status, _n in present:
        if cells[status] > 0:
            bar.append("█" * cells[status], style=status_colour(app, status))
    return bar


def counts_summary(counts: Mapping[str, int]) -> str:
    parts = [f"{counts[s]:,} {s.lower()}" for s in STATUSES if counts.get(s)]
    return ", ".join(parts) or "no jobs"
