"""Typed access to the running PasqalApp, for screens that need its worker, clock or settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from pasqal_tui.tui.app import PasqalApp
    from pasqal_tui.tui.messages import Failure


class AppAccess:
    """Mixed into a Screen: ``self.pasqal`` is ``self.app``, typed as PasqalApp."""

    if TYPE_CHECKING:
        app: App[object]

    @property
    def pasqal(self) -> PasqalApp:
        from pasqal_tui.tui.app import PasqalApp

        assert isinstance(self.app, PasqalApp)
        return self.app

    def say_failure(self, failure: Failure) -> None:
        """A toast for the user's own failed request; a refresh's failure, or any failure while
        the connection is down, is left to the app-wide banner."""
        if not failure.background and not self.pasqal.connection_problem:
            self.pasqal.notify(failure.message, severity="error", timeout=8, markup=False)
