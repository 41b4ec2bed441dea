"""A one-line banner for connection problems: shown while they last, gone when they end."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ErrorBanner(Static):
    """Follows ``app.connection_problem`` so every screen shows the same state."""

    DEFAULT_CSS = """
    ErrorBanner { height: 1; width: 1fr; display: none; }
    ErrorBanner.-shown { display: block; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "connection_problem", self._show, init=True)

    def _show(self, problem: str) -> None:
        self.update(Text(problem))  # server words are not markup
        self.set_class(bool(problem), "-shown")
