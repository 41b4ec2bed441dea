"""Textual's Header, minus a crash: its title watcher can fire after the header was removed.

Header registers an async title update on mount; when a screen is replaced (or the app exits)
right after, the update runs on a detached header and raises NoMatches, a traceback at exit.
"""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.events import Mount
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class AppHeader(Header):
    """The same header; a title update that finds no title widget is simply skipped."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # replaces Header._on_mount, which has the unguarded watcher

        async def set_title() -> None:
            # Detached: the screen was removed before the update ran.
            with contextlib.suppress(NoMatches):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
