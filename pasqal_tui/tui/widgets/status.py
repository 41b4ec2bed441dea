"""Status colours as renderables: a status word and a compact per-status counts bar."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import App
from textual.color import Color, ColorParseError

from pasqal_tui.tui.themes import STATUSES, status_variable

BAR_ORDER = ("DONE", "RUNNING", "PENDING", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")
#: Statuses still to finish: drawn hollow (▱), the finished ones filled (▰).
LIVE = frozenset({"RUNNING", "PENDING", "PAUSED"})
DONE_CELL = "\u25b0"
LIVE_CELL = "\u25b1"
#: The counts beside a bar: done ✓, errored ✗, still to come …, cancelled or timed out ⊘.
COUNT_SYMBOLS = (
    ("\u2713", ("DONE",)),
    ("\u2717", ("ERROR",)),
    ("\u2026", ("RUNNING", "PENDING", "PAUSED")),
    ("\u2298", ("CANCELED", "TIMED_OUT")),
)


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
            glyph = LIVE_CELL if status in LIVE else DONE_CELL
            bar.append(glyph * cells[status], style=status_colour(app, status))
    return bar


def counts_text(app: App[object], counts: Mapping[str, int]) -> Text:
    """"4✓ 1✗ 1…": done, failed, still to come, cancelled, in words-like symbols (the bar's
    colours alone would be lost without colour, in a screenshot or to a colour-blind eye)."""
    text = Text()
    for symbol, statuses in COUNT_SYMBOLS:
        count = sum(counts.get(s, 0) for s in statuses)
        if count:
            if text:
                text.append(" ")
            text.append(f"{short_count(count)}{symbol}", style=status_colour(app, statuses[0]))
    return text


def short_count(n: int) -> str:
    """At most 4 characters, rounded down (never more than there are): 999, 1.2k, 56k, 1.2M."""
    if n < 1000:
        return str(n)
    if n < 10_000:
        return f"{n // 100 / 10:.1f}k".replace(".0k", "k")
    if n < 1_000_000:
        return f"{n // 1000}k"
    if n < 10_000_000:
        return f"{n // 100_000 / 10:.1f}M".replace(".0M", "M")
    return f"{n // 1_000_000}M"


def counts_summary(counts: Mapping[str, int]) -> str:
    parts = [f"{counts[s]:,} {s.lower()}" for s in STATUSES if counts.get(s)]
    return ", ".join(parts) or "no jobs"
