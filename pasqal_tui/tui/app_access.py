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
        """A failed mutation is always said (the user must know what was not done); a toast
        for the user's own failed read; a refresh's failure, or a read failing while the
        connection is down, is left to the app-wide banner."""
        from pasqal_tui.tui.actions.registry import MUTATIONS

        if failure.kind == "DoneButUnshown":  # it was done: not a failure of the action
            self.pasqal.notify(failure.message, severity="warning", timeout=12, markup=False)
        elif failure.purpose in MUTATIONS:
            text = f"{failure.purpose} failed: {failure.message}"
            self.pasqal.notify(text, severity="error", timeout=12, markup=False)
        elif not failure.background and not self.pasqal.connection_problem:
            self.pasqal.notify(failure.message, severity="error", timeout=8, markup=False)
