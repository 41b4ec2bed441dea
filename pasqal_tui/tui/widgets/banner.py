"""A one-line banner for connection problems: shown while they last, gone when they end."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ErrorBanner(Static):
    """Follows ``app.connection_problem`` (and, when there is none, ``app.waiting``) so every
    screen shows the same state."""

    DEFAULT_CSS = """
    ErrorBanner { height: 1; width: 1fr; display: none; }
    ErrorBanner.-shown { display: block; }
    ErrorBanner.-waiting { text-style: dim; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "connection_problem", self._show, init=True)
        self.watch(self.app, "waiting", self._show, init=False)

    def _show(self, _value: str) -> None:
        problem = str(getattr(self.app, "connection_problem", ""))
        waiting = str(getattr(self.app, "waiting", ""))
        text = problem or waiting
        self.update(Text(text))  # server words are not markup
        self.set_class(bool(text), "-shown")
        self.set_class(not problem and bool(waiting), "-waiting")
