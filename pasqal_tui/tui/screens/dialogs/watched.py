"""The watched batches (Ctrl+P > "Watched batches"): which ones, `x` stops watching one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pasqal_tui.core.watchlist import Watchlist

HINT = "x stops watching the highlighted batch · Esc closes"


class WatchedScreen(ModalScreen[None]):
    CSS_PATH = "watched.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="watched.close"),
        Binding("x", "unwatch", "Stop watching", id="watched.unwatch"),
    ]

    def __init__(self, watchlist: Watchlist | None) -> None:
        super().__init__()
        self.watchlist = watchlist

    def compose(self) -> ComposeResult:
        with Vertical(id="watched-box"):
            yield Static("Watched batches", id="watched-title")
            yield OptionList(id="watched")
            yield Static(HINT, id="watched-hint", markup=False)

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        ids = self.watchlist.ids if self.watchlist else []
        options.add_options(Option(i, id=i) for i in ids)
        if not ids:
            self.query_one("#watched-hint", Static).update(
                "No batch is watched: w on a batch (batch list or job table) watches it."
            )

    def action_unwatch(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if self.watchlist is None or index is None:
            return
        option = options.get_option_at_index(index)
        if option.id is not None:
            self.watchlist.remove(option.id)
            self.notify(f"Stopped watching batch {option.id[:8]}", timeout=4)
        self.fill()
