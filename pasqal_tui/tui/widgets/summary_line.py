"""A line of text that changes often (a batch's counters) repainted where it stands.

``Static.update`` lays the screen out again by default; that repaints every widget whose region
it touches, among them a long table's scrollbar on each of its lines (~1.4 KB of a 2.3 KB live
change at 160x45). A new text that wraps to as many lines as the old one cannot change the
layout, so only the line itself is repainted.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class SummaryLine(Static):
    """``show(text)``: nothing when unchanged, a repaint in place when it fits as the old text
    did, a layout only when the number of lines it wraps to changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._text: Text | None = None

    def show(self, text: Text) -> None:
        if text == self._text:
            return
        width = self.content_region.width
        same_height = (
            self._text is not None
            and width > 0
            and self._lines(self._text, width) == self._lines(text, width)
        )
        self._text = text
        self.update(text, layout=not same_height)

    def _lines(self, text: Text, width: int) -> int:
        return len(text.wrap(self.app.console, width))
