"""Export rows to a file: the path (format from its extension), a progress bar while every page
is read, then one line naming the file. A bad path is one line here; nothing is written.

The dialog does no I/O of its own: ``write`` runs through the CloudWorker (it may read pages).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, ProgressBar, Static

from pasqal_tui.core.tabular import check_target
from pasqal_tui.core.text import plural
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

#: Writes the rows to the path, calling progress(read, total); returns how many were written.
Writer = Callable[["PasqalClient", Path, Callable[[int, int], None]], Awaitable[int]]
HINT = "Enter writes (.csv or .json, from the name) · Esc backs out"


def default_name(what: str, filters: dict[str, str]) -> str:
    """``./pasqal-<what>-<filter>.csv``: the filter's values in the name, "all" without one."""
    words = "-".join(f"{k}-{v}" for k, v in sorted(filters.items()) if v) or "all"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", words).strip("_")[:60] or "all"
    return f"./pasqal-{what}-{safe}.csv"


class Progress(Message):
    def __init__(self, read: int, total: int) -> None:
        super().__init__()
        self.read, self.total = read, total


class Written(Message):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class ExportScreen(AppAccess, ModalScreen[Path | None]):
    """Dismisses with the path written, or None when backed out."""

    CSS_PATH = "export.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back_out", "Back out", id="export.back"),
    ]

    def __init__(self, title: str, default: str, write: Writer, noun: str) -> None:
        super().__init__()
        self.title_text, self.default, self.write, self.noun = title, default, write, noun
        self.path: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(self.title_text, id="export-title", markup=False)
            yield Input(self.default, id="export-path")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(HINT, id="export-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(Input).focus()

    def say(self, text: str, *, error: bool = False) -> None:
        hint = self.query_one("#export-hint", Static)
        hint.update(text)
        hint.set_class(error, "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.path is not None:
            return  # already writing
        try:
            path = check_target(event.value)
        except ValueError as exc:
            self.say(str(exc), error=True)
            return
        self.path = path
        self.query_one(Input).disabled = True
        self.query_one(ProgressBar).display = True
        self.say(f"Reading {self.noun}s…")
        write = self.write

        def progress(read: int, total: int) -> None:
            self.post_message(Progress(read, total))

        async def run(client: PasqalClient) -> int:
            return await write(client, path, progress)

        self.pasqal.cloud.request(self, "export", run, Written)

    def on_progress(self, message: Progress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.read)
        self.say(f"Read {message.read:,} of {plural(message.total, self.noun)}…")

    def on_written(self, message: Written) -> None:
        path = self.path
        self.app.notify(
            f"Exported {plural(message.count, self.noun)} to {path}",
            title="Export",
            timeout=10,
            markup=False,
        )
        self.dismiss(path)

    def on_request_failed(self, message: RequestFailed) -> None:
        message.stop()
        self.path = None
        self.query_one(Input).disabled = False
        self.query_one(ProgressBar).display = False
        self.say(f"Not written: {message.failure.message}", error=True)
        self.query_one(Input).focus()

    def action_back_out(self) -> None:
        if self.path is None:
            self.dismiss(None)
