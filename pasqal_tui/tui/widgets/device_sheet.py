"""Widgets that show device specs: one device's sheet, and two devices side by side.

Tables are Rich tables inside a scrollable Static, so long values wrap at any terminal width.
Colours come from the theme (``primary`` for headings, ``warning`` for differences) and every
highlight also has a text marker, so the screens read the same without colour.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pasqal_tui.core.device_specs import DeviceSpec, Difference
from pasqal_tui.tui.widgets.status import rich_colour

DIFF_MARK = "≠"


def _heading(text: str, colour: str) -> Text:
    return Text(text, style=f"bold {colour}".strip())


def sheet_table(spec: DeviceSpec, heading_colour: str) -> RenderableType:
    """The limits a user checks before submitting, grouped and labelled."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=True)
    table.add_column("Property", no_wrap=True, ratio=None)
    table.add_column("Value", ratio=1)
    for label, value in spec.general:
        table.add_row(label, value)
    table.add_row("", "")
    table.add_row(_heading("Channels", heading_colour), "")
    if not spec.channels:
        table.add_row("  none", "")
    for ch in spec.channels:
        table.add_row(Text(f"  {ch.kind} {ch.id}", style="bold"), f"{ch.addressing}, {ch.basis}")
        table.add_row("    Max amplitude", ch.max_amp)
        table.add_row("    Max |detuning|", ch.max_detuning)
        if ch.addressing == "Local":
            table.add_row("    Max targets", ch.targets)
            table.add_row("    Min retarget", ch.retarget)
        table.add_row("    Pulse duration", ch.durations)
        table.add_row("    Modulation", ch.mod_bandwidth)
        table.add_row("    EOM", ch.eom)
    table.add_row("", "")
    table.add_row(_heading("Pre-calibrated layouts", heading_colour), "")
    for layout in spec.layouts or ["none"]:
        table.add_row(f"  {layout}", "")
    return table


def comparison_table(
    left: str, right: str, rows: list[Difference], diff_colour: str, *, only_differences: bool
) -> RenderableType:
    """Property | left | right; a differing line is marked ≠ and drawn in the warning colour."""
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column(" ", width=1, no_wrap=True)
    table.add_column("Property", no_wrap=True)
    table.add_column(left, ratio=1)
    table.add_column(right, ratio=1)
    section = ""
    for row in rows:
        if only_differences and not row.differs:
            continue
        if row.section != section:
            section = row.section
            table.add_row("", Text(section, style="bold"), "", "")
        style = f"bold {diff_colour}".strip() if row.differs else ""
        mark = DIFF_MARK if row.differs else ""
        table.add_row(
            Text(mark, style=style),
            f"  {row.label}",
            Text(row.left, style=style),
            Text(row.right, style=style),
        )
    return table


class DeviceSheet(VerticalScroll, can_focus=True):
    """One device, readable; :meth:`show_raw` swaps to the pretty-printed JSON."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spec: DeviceSpec | None = None
        self.raw = False

    def compose(self) -> ComposeResult:
        yield Static("", id="device-title", classes="section-title")
        yield Static("", id="device-body")

    def show(self, spec: DeviceSpec | None) -> None:
        self.spec = spec
        self._render_spec()

    def show_raw(self, raw: bool) -> None:
        self.raw = raw
        self._render_spec()
        self.scroll_home(animate=False)

    def _render_spec(self) -> None:
        title = self.query_one("#device-title", Static)
        body = self.query_one("#device-body", Static)
        spec = self.spec
        if spec is None:
            title.update("No device")
            body.update("")
            return
        if self.raw:
            title.update(Text(f"{spec.device_type}: raw JSON (r: back to the summary)"))
            body.update(Text(spec.pretty_json))
            return
        # Names come from the server: Text, so a "[" is not taken for markup.
        name = f" ({spec.name})" if spec.name != spec.device_type else ""
        title.update(Text(f"{spec.device_type}{name}"))
        if spec.problem:
            body.update(Text(spec.problem, style="bold"))
            return
        colour = rich_colour(self.app.theme_variables.get("primary", ""))
        body.update(sheet_table(spec, colour))
