"""The confirmation of an irreversible action: what, how many, how many runs; `y` or nothing.

Only `y` confirms. Enter, Escape and `n` all back out, so a key pressed out of habit (or a
pasted newline) never sends anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True on `y`, False on anything that backs out."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, do it", id="confirm.yes"),
        Binding("n,escape,q", "answer(False)", "No", id="confirm.no"),
        Binding("enter", "enter", "Enter does not confirm", id="confirm.enter", show=False),
    ]

    def __init__(self, title: str, lines: Sequence[str], *, verb: str = "do it") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.verb = verb

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title")
            yield Static("\n".join(self.lines), id="confirm-body", markup=False)
            yield Static(f"Press y to {self.verb}, n or Esc to back out.", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_enter(self) -> None:
        keys = self.query_one("#confirm-keys", Static)
        keys.update(f"Enter does not confirm: press y to {self.verb}, n or Esc to back out.")
        keys.add_class("-warn")
