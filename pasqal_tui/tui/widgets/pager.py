"""The "1-100 of 2,345" line, and the page arithmetic behind it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True)
class PageState:
    offset: int = 0
    limit: int = 100
    total: int = 0

    def label(self, shown: int) -> str:
        if self.total == 0 or shown == 0:
            return "no results" if self.total == 0 else f"\u2013 of {self.total:,}"
        first = self.offset + 1
        last = self.offset + shown
        page = self.offset // self.limit + 1
        pages = max(1, -(-self.total // self.limit))
        return f"{first:,}\u2013{last:,} of {self.total:,}  ·  page {page:,}/{pages:,}"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def next(self) -> int | None:
        nxt = self.offset + self.limit
        return nxt if nxt < self.total else None

    def previous(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    def last(self) -> int:
        if self.total <= 0:
            return 0
        return ((self.total - 1) // self.limit) * self.limit


class Pager(Static):
    """Shows where the current page sits in the whole result."""

    DEFAULT_CSS = "Pager { width: 1fr; height: 1; }"
    _shown: str | None = None

    _parts: tuple[str, str] = ("", "")

    def show(self, state: PageState, shown: int, extra: str = "") -> None:
        """Repaint only when the line changes: a refresh that changed nothing writes nothing."""
        self._parts = (state.label(shown), extra)
        self._paint()

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        line = fitted(*self._parts, self.size.width or self.app.size.width)
        if line != self._shown:
            self._shown = line
            self.update(Text(line), layout=False)  # fixed size: no relayout of the whole screen


def fitted(label: str, extra: str, width: int) -> str:
    """``label  ·  extra`` in ``width`` cells: in full when it fits, else in shorter words
    (the filter's "on this page:" as "here:", no "server:", no "page 1/1"), and cut with "…"
    as the last resort, so an 80-column terminal still shows what the rows are."""
    line = f"{label}  ·  {extra}" if extra else label
    if cell_len(line) <= width or width <= 0:
        return line
    short = (
        line.replace("  ·  page 1/1", "")
        .replace("on this page: ", "here: ")
        .replace("server: ", "")
        .replace("  ·  ", " · ")
    )
    return short if cell_len(short) <= width else set_cell_size(short, width - 1) + "…"
