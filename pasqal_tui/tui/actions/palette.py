"""The command palette's entries for the actions of the screen it was opened from.

Gives every table action a second way in (Ctrl+P), e.g. closing a batch from its job table,
where `x` already means "errored only". Nothing is listed in read-only mode.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], None]]


class ActionCommands(Provider):
    """Lists ``palette_actions()`` of an action screen."""

    def _entries(self) -> list[Entry]:
        entries = getattr(self.screen, "palette_actions", None)
        return list(entries()) if callable(entries) else []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)
