"""A plain "connecting..." screen while the local cloud starts or a saved login runs.

It has no header on purpose: it lives for a fraction of a second, and a header removed that fast
races with its own title update at exit.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from pasqal_tui.tui.messages import LoggedIn


class StartScreen(Screen[None]):
    """Says what is happening; the login screen replaces it if anything fails."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.quit", "Quit", id="start.quit"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(self.text, id="start-text")

    def on_logged_in(self, message: LoggedIn) -> None:
        from pasqal_tui.tui.screens.login import choose_project

        choose_project(self, message.projects)
