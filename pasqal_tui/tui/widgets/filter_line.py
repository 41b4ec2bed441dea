"""The `/` filter line: one input that narrows the table as you type.

The line only collects text and says when to apply it: :class:`Typed` on every change (the
screen narrows the loaded rows at once), :class:`Settled` once typing has paused for
:data:`DEBOUNCE` seconds or on Enter (the screen then asks the server, once per burst of keys).
Esc asks the screen to clear the filter. A bad token is said on the line below the input while
the text stays as typed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input, Static

#: Seconds without a key before the server-side part of the filter is sent.
DEBOUNCE = 0.3


class FilterInput(Input):
    """The line's input. Its size is set by the stylesheet (one line, the width left), so a
    change of its text's length needs no relayout of the screen: Input's own would make a
    filter set by a key (`4`) lay out and repaint the whole screen, ~5 ms of a 45 ms change."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class FilterLine(Vertical):
    """Hidden until `/`; stays in view (showing the filter) while one is applied."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]

    class Typed(Message):
        """The text changed: apply what narrows the loaded rows."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Settled(Message):
        """Typing paused (``submitted``: Enter was pressed): apply all of it."""

        def __init__(self, text: str, submitted: bool) -> None:
            super().__init__()
            self.text = text
            self.submitted = submitted

    class Cleared(Message):
        pass

    def __init__(self, hint: str, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hint = hint
        self.placeholder = placeholder
        #: Seconds without a key before Settled (tests set a longer one to prove a burst).
        self.debounce = DEBOUNCE
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-row"):
            yield Static("/", classes="filter-prompt")
            # Not selected on focus (Input's default): `/` on a filter set by a key (`4`) is to
            # refine it; the first key typed would replace it.
            yield FilterInput(
                placeholder=self.placeholder, id="filter-input", compact=True, select_on_focus=False
            )
        yield Static(Text(self.hint), classes="filter-hint")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def typing(self) -> bool:
        """Whether its input has the focus (False before the line is composed: a page may come
        as its screen mounts, or as the app closes)."""
        found = self.query("#filter-input")
        return bool(found) and found.first().has_focus

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Put ``text`` in the line without a Typed/Settled round (the caller applies it)."""
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.display = bool(text) or self.input.has_focus

    def open(self) -> None:
        self.display = True
        self.input.focus()
        self.input.cursor_position = len(self.input.value)

    def show_error(self, message: str) -> None:
        hint = self.query_one(".filter-hint", Static)
        hint.update(Text(message))  # what the user typed is not markup
        hint.add_class("-error")

    def clear_error(self) -> None:
        hint = self.query_one(".filter-hint", Static)
        if hint.has_class("-error"):  # else unchanged: no repaint (and no relayout) at all
            hint.update(Text(self.hint), layout=False)  # one line, as wide as the screen
            hint.remove_class("-error")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Typed(event.value))
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.debounce, self._settle)

    def _settle(self) -> None:
        self._timer = None
        self.post_message(self.Settled(self.text, False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.post_message(self.Settled(self.text, True))

    def action_clear(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.set_text("")
        self.clear_error()
        self.display = False
        self.post_message(self.Cleared())
