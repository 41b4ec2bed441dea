"""Jump to a batch by id (`i` on the batch browser): a full id, or the first characters of one
on the page shown. A dialog of its own: it never touches the filter bar, so Esc (here, or back
from the batch it opened) leaves the browser exactly as it was."""

from __future__ import annotations

import string
import uuid
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

HEX = frozenset(string.hexdigits + "-")
HINT = "A full id, or its first characters (a batch on this page) · Enter opens · Esc backs out"


def resolve(text: str, on_page: Sequence[str]) -> str:
    """The full batch id ``text`` names; ValueError says why it names none (or several)."""
    wanted = text.strip().lower()
    if not wanted:
        raise ValueError("Type a batch id, or its first characters")
    if not set(wanted) <= HEX:
        raise ValueError(f"{wanted!r} is not an id: ids are hexadecimal digits and dashes")
    if len(wanted) == 36:
        try:
            return str(uuid.UUID(wanted))
        except ValueError:
            raise ValueError(f"{wanted!r} is not a valid id") from None
    matches = [i for i in on_page if i.lower().startswith(wanted)]
    if not matches:
        raise ValueError(f"No batch on this page starts with {wanted!r}: type the full id")
    if len(matches) > 1:
        raise ValueError(f"{len(matches)} batches on this page start with {wanted!r}: type more")
    return matches[0]


class JumpScreen(ModalScreen[str | None]):
    """Dismisses with the full id of the batch to open, or None when backed out."""

    CSS_PATH = "jump.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back out", id="jump.back"),
    ]

    def __init__(self, on_page: Sequence[str]) -> None:
        super().__init__()
        self.on_page = list(on_page)

    def compose(self) -> ComposeResult:
        with Vertical(id="jump-box"):
            yield Static("Jump to a batch", id="jump-title")
            yield Input(placeholder="7a33… or a full id", id="jump-id")
            yield Static(HINT, id="jump-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            batch_id = resolve(event.value, self.on_page)
        except ValueError as exc:
            hint = self.query_one("#jump-hint", Static)
            hint.update(Text(str(exc)))  # what the user typed is not markup
            hint.add_class("-error")
            return
        self.dismiss(batch_id)
