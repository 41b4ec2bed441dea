"""j / k scroll a screen's body one line: the bindings and the action, for every reading screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding
from textual.containers import VerticalScroll

if TYPE_CHECKING:
    from textual.screen import Screen


def scroll_bindings(prefix: str) -> list[Binding]:
    """j and k, not in the footer; ids ``<prefix>.down`` / ``<prefix>.up`` for key overrides."""
    return [
        Binding("j", "scroll('down')", "Down", id=f"{prefix}.down", show=False),
        Binding("k", "scroll('up')", "Up", id=f"{prefix}.up", show=False),
    ]


class LineScroll:
    """Mixed into a Screen: ``action_scroll`` moves the VerticalScroll ``#SCROLL_ID`` a line."""

    SCROLL_ID: ClassVar[str]

    def action_scroll(self, direction: str) -> None:
        screen = cast("Screen[object]", self)
        body = screen.query_one(f"#{self.SCROLL_ID}", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False)
