"""The app's bottom screen: every other screen is pushed over it, none ever replaces it.

It stays blank while a quick start-up sign-in runs, says what is happening when the sign-in takes
longer (the local cloud starting, a far-away cloud), and quits on Esc or q while it is on top.
Being the default screen, it is never swapped out at start, so nothing races with a screen that
is still being mounted. It has no header: nothing here needs the session's title.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static


class StartScreen(Screen[None]):
    """Blank until :meth:`say` tells what the app is doing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.quit", "Quit", id="start.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(id="start-text")

    def say(self, text: str) -> None:
        self.query_one("#start-text", Static).update(Text(text))

    def say_later(self, delay: float, text: str) -> None:
        """Say ``text`` after ``delay`` seconds if still on top (the timer ends with the screen)."""
        self.set_timer(delay, lambda: self.say(text) if self.is_active else None)
