"""A row of compact inputs for server-side filters; Enter applies, Escape closes.

The bar only collects text; the screen parses it, and a bad value is reported on the bar's own
line while every field keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

#: Fields that hold a date (YYYY-MM-DD) on every screen with a filter bar.
DATE_KEYS = frozenset({"from", "to"})


class FilterBar(Vertical):
    """Hidden until opened; the fields are (key, placeholder) pairs.

    The fields share the bar's width, but a date field is never narrower than a whole date
    and the cursor after it (11 cells), so a typed date is never shown clipped at 80 columns.
    """

    DEFAULT_CSS = """
    FilterBar Input.-date {
        min-width: 11;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close filters", id="filters.close"),
    ]

    class Applied(Message):
        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

    class Closed(Message):
        pass

    def __init__(
        self, fields: Sequence[tuple[str, str]], hint: str, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.fields = list(fields)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-fields"):
            for key, placeholder in self.fields:
                kind = "-date" if key in DATE_KEYS else None
                yield Input(placeholder=placeholder, id=f"f-{key}", compact=True, classes=kind)
        yield Static(Text(self.hint), classes="filter-hint")

    @property
    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#f-{key}", Input).value for key, _ in self.fields}

    def set_value(self, key: str, value: str) -> None:
        self.query_one(f"#f-{key}", Input).value = value

    def open(self, key: str | None = None) -> None:
        self.display = True
        self.query_one(f"#f-{key or self.fields[0][0]}", Input).focus()

    def show_error(self, message: str) -> None:
        hint = self.query_one(".filter-hint", Static)
        hint.update(Text(message))  # what the user typed is not markup
        hint.add_class("-error")

    def clear_error(self) -> None:
        hint = self.query_one(".filter-hint", Static)
        hint.update(Text(self.hint))
        hint.remove_class("-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Applied(self.values))

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())
