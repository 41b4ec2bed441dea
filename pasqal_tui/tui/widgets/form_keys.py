"""Form keys that survive typing in bursts, and path completion for file fields.

Over SSH keys arrive in bursts. Textual moves the focus on Tab only after the keys before it
reached the field, so the keys after a Tab land in the old field: "50 Tab 3.14 Tab 500" gave
"503.14500". A priority binding runs when the app reads the key, before the next key is handed
to any field, so each key after a Tab goes to the next field (:data:`FIELD_BINDINGS`).

In a path field (:class:`PathSuggester`) the rest of a path is suggested as you type (dimmed);
Tab (or →) takes it, when nothing else is still waiting to be typed in that field.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Input

#: Tab and Shift+Tab of a form, priority bindings (see the module's docstring).
FIELD_BINDINGS = [
    Binding("tab", "next_field", "Next field", id="form.next", show=False, priority=True),
    Binding(
        "shift+tab", "previous_field", "Previous field", id="form.previous", show=False,
        priority=True,
    ),
]  # fmt: skip


def complete_path(text: str) -> str | None:
    """The longest path that ``text`` surely means: one match, or the matches' common start;
    a directory ends with "/". None when nothing longer is known."""
    if not text:
        return None
    typed = Path(text).expanduser()
    folder = typed if text.endswith(os.sep) else typed.parent
    stem = "" if text.endswith(os.sep) else typed.name
    try:
        names = sorted(
            e.name + (os.sep if e.is_dir() else "")
            for e in os.scandir(folder)
            if e.name.startswith(stem) and (stem.startswith(".") or not e.name.startswith("."))
        )
    except OSError:
        return None
    if not names:
        return None
    common = os.path.commonprefix(names)  # noqa: RUF071 (names in one folder: by character)
    rest = common[len(stem) :]
    return text + rest if rest else None


class PathSuggester(Suggester):
    """Suggests the rest of a file's path (read in a thread: a slow disk never blocks keys)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


def take_suggestion(field: Input) -> bool:
    """Accept ``field``'s suggested path if one is shown and no typed key still waits for the
    field (in a burst the suggestion would be for a path half typed)."""
    suggestion = field._suggestion  # Textual keeps the shown suggestion here
    waiting = not field._message_queue.empty()
    if waiting or not suggestion or len(suggestion) <= len(field.value):
        return False
    if field.cursor_position != len(field.value):
        return False
    field.action_cursor_right()  # at the end of the text, → takes the suggestion
    return True


class BurstSafeForm:
    """Mixed into a form Screen: Tab and Shift+Tab move the focus as soon as they are read."""

    def action_next_field(self) -> None:
        screen = self._screen()
        field = screen.focused
        path_field = isinstance(field, Input) and isinstance(field.suggester, PathSuggester)
        if path_field and isinstance(field, Input) and take_suggestion(field):
            return
        screen.focus_next()

    def action_previous_field(self) -> None:
        self._screen().focus_previous()

    def _screen(self) -> Screen[object]:
        assert isinstance(self, Screen)
        return self
