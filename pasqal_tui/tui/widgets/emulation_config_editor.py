"""The create form's EmulationConfig row (EMU_FREE, EMU_MPS, EMU_SV): shots, the observables
to compute, or a config file instead. It only holds what was typed; ops/submission/
emulation_config.py writes the config and Pulser checks it before `y`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input

from pasqal_tui.ops.submission.emulation_config import EmulationChoice
from pasqal_tui.tui.widgets.checkbox import TextCheckbox

# (name in ops, label) of the observables offered as boxes; a file may ask for more.
BOXES: tuple[tuple[str, str], ...] = (
    ("occupation", "occupation"),
    ("energy", "energy"),
    ("correlations", "correlations"),
)


class EmulationConfigEditor(Horizontal):
    """Shots (BitStrings), observable boxes, or a file; all blank: no EmulationConfig sent."""

    DEFAULT_CSS = """
    EmulationConfigEditor { height: 1; }
    EmulationConfigEditor Input.-shots { width: 11; margin-right: 1; }
    EmulationConfigEditor Checkbox { margin-right: 1; }
    EmulationConfigEditor Input.-file { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder="shots", classes="-shots", id="ec-shots", compact=True)
        for name, label in BOXES:
            yield TextCheckbox(label, id=f"ec-{name}", compact=True)
        # A file (YAML/JSON) instead of the fields: see ops/submission/emulation_config.py.
        yield Input(placeholder="or file", classes="-file", id="ec-file", compact=True)

    def choice(self) -> EmulationChoice:
        ticked = tuple(n for n, _ in BOXES if self.query_one(f"#ec-{n}", Checkbox).value)
        return EmulationChoice(
            shots=self.query_one("#ec-shots", Input).value,
            observables=ticked,
            file=self.query_one("#ec-file", Input).value,
        )
