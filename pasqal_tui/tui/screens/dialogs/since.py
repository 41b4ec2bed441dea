"""The "since you last looked" panel: the batches that ended since then, those with errors
first. Enter opens one's job table, Esc dismisses."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pasqal_tui.cloud.models import Batch
from pasqal_tui.core.text import plural, status_counts
from pasqal_tui.ops.digest import Digest, ended_at

HINT = "Enter opens the batch's jobs · Esc dismisses"
#: Batches listed at most (the headline counts them all).
MAX_LISTED = 50


def batch_line(batch: Batch) -> Text:
    """One line at 80 columns: id, status, device, counts, when it ended."""
    counts = status_counts(batch.jobs_count_per_status or {})
    line = Text(f"{batch.id[:8]}  ")
    line.append(f"{batch.status.value:<9}", style="bold")
    line.append(f" {batch.device_type:<11} {counts or plural(batch.jobs_count, 'job')}")
    line.append(f"  ended {ended_at(batch):%m-%d %H:%M}", style="dim")
    return line


class SinceScreen(ModalScreen[Batch | None]):
    """Dismisses with the batch to open, or None."""

    CSS_PATH = "since.tcss"
    # Focused by Textual once composed: the panel arrives from a background read, and a
    # query in on_mount fails if the app is quitting while it composes (nothing is mounted).
    AUTO_FOCUS = "#since"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Dismiss", id="since.dismiss"),
    ]

    def __init__(self, digest: Digest) -> None:
        super().__init__()
        self.digest = digest
        self.batches = digest.ended[:MAX_LISTED]

    def compose(self) -> ComposeResult:
        digest = self.digest
        with Vertical(id="since-box"):
            yield Static("Since you last looked", id="since-title")
            yield Static(digest.headline(), id="since-headline", markup=False)
            yield OptionList(*(Option(batch_line(b), id=b.id) for b in self.batches), id="since")
            if digest.groups:
                top = digest.groups[0]
                yield Static(
                    f"Most common error: {top.message} ({plural(top.count, 'job')}); "
                    "e lists them all",
                    id="since-errors",
                    markup=False,
                )
            yield Static(HINT, id="since-hint", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        batch = next((b for b in self.batches if b.id == event.option.id), None)
        self.dismiss(batch)
