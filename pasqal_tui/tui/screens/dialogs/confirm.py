"""The confirmation of an irreversible action: what, how many, how many runs; `y` or nothing.

Only `y` confirms. Enter, Escape and `n` all back out, so a key pressed out of habit (or a
pasted newline) never sends anything. :class:`ChoiceScreen` adds a second, separate key (`A`)
for the variant that includes what the plan left out (e.g. jobs already resubmitted): the
default `y` never does that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

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


Choice = Literal["yes", "also"]


class ChoiceScreen(ModalScreen[Choice | None]):
    """Dismisses with "yes" on `y` (when ``yes`` says what it does), "also" on `A` (when
    ``also`` says what it does), None on anything that backs out."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose('yes')", "Yes, do it", id="choice.yes"),
        Binding("A", "choose('also')", "Include the rest", id="choice.also"),
        Binding("n,escape,q", "back_out", "No", id="choice.no"),
        Binding("enter", "enter", "Enter does not confirm", id="choice.enter", show=False),
    ]

    def __init__(
        self, title: str, lines: Sequence[str], *, yes: str | None, also: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.yes = yes
        self.also = also

    def keys_text(self) -> str:
        parts = [f"y to {self.yes}"] if self.yes else []
        if self.also:
            parts.append(f"A to {self.also}")
        parts.append("n or Esc to back out.")
        return "Press " + ", ".join(parts)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title")
            yield Static("\n".join(self.lines), id="confirm-body", markup=False)
            yield Static(self.keys_text(), id="confirm-keys", markup=False)

    def action_choose(self, choice: Choice) -> None:
        if choice == "yes" and self.yes:
            self.dismiss("yes")
        elif choice == "also" and self.also:
            self.dismiss("also")
        elif choice == "yes":
            self._warn(f"Nothing left to do with y. {self.keys_text()}")

    def action_back_out(self) -> None:
        self.dismiss(None)

    def action_enter(self) -> None:
        self._warn(f"Enter does not confirm. {self.keys_text()}")

    def _warn(self, text: str) -> None:
        keys = self.query_one("#confirm-keys", Static)
        keys.update(text)
        keys.add_class("-warn")
