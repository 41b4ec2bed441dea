"""The shared motion keys: one set for every table and list, and j / k for reading screens.

Tables and lists (the batch browser, the job table, the errored-jobs view, an error group's
jobs, devices, workloads, the login's project list) all move their cursor with the same keys,
defined once in :data:`TABLE_MOVES`. They are app bindings (the app's ``table_move`` action
runs :func:`move`, gated by :func:`movable`), so no screen has to list them; priority ones, so
a DataTable's own Home/End (a sideways scroll) never wins. They apply only while a table or
list has the focus: a filter field still gets every letter typed into it, and a reading screen
keeps j / k for scrolling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, OptionList

if TYPE_CHECKING:
    from textual.screen import Screen

#: (keys, move, description): the motion keys of every table and list.
TABLE_MOVES: tuple[tuple[str, str, str], ...] = (
    ("j,down", "down", "Next row"),
    ("k,up", "up", "Previous row"),
    ("g,home", "top", "First row"),
    ("G,end", "bottom", "Last row"),
    ("ctrl+d,pagedown", "page_down", "Page down"),
    ("ctrl+u,pageup", "page_up", "Page up"),
)

_TABLE_ACTIONS: dict[str, Callable[[DataTable[object]], None]] = {
    "down": DataTable.action_cursor_down,
    "up": DataTable.action_cursor_up,
    "top": DataTable.action_scroll_top,
    "bottom": DataTable.action_scroll_bottom,
    "page_down": DataTable.action_page_down,
    "page_up": DataTable.action_page_up,
}
_LIST_ACTIONS: dict[str, Callable[[OptionList], None]] = {
    "down": OptionList.action_cursor_down,
    "up": OptionList.action_cursor_up,
    "top": OptionList.action_first,
    "bottom": OptionList.action_last,
    "page_down": OptionList.action_page_down,
    "page_up": OptionList.action_page_up,
}


def table_bindings() -> list[Binding]:
    """The motion keys as app bindings; ids ``table.<move>`` for keymap overrides."""
    return [
        Binding(keys, f"table_move('{move}')", text, id=f"table.{move}", show=False, priority=True)
        for keys, move, text in TABLE_MOVES
    ]


def movable(widget: Widget | None) -> bool:
    """A table, or a plain list (not a Select's drop-down or the palette's list)."""
    return isinstance(widget, DataTable) or type(widget) is OptionList


def move(widget: Widget | None, where: str) -> bool:
    """Move ``widget``'s cursor; False when it is not a table or list, or ``where`` is unknown."""
    if isinstance(widget, DataTable) and where in _TABLE_ACTIONS:
        _TABLE_ACTIONS[where](widget)
        return True
    if isinstance(widget, OptionList) and movable(widget) and where in _LIST_ACTIONS:
        _LIST_ACTIONS[where](widget)
        return True
    return False


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
