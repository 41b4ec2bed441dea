"""Typed access to the running PasqalApp, for screens that need its worker, clock or settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from pasqal_tui.tui.app import PasqalApp
    from pasqal_tui.tui.messages import Failure


#: Said after "outcome unknown": asking again is safe, it is looked up before any resend.
UNKNOWN_HINT = "; asking again looks it up first and resends only if it was not created"


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
        elif failure.unconfirmed is not None:  # not "failed": what the lookup found
            safe = failure.unconfirmed.safe_to_resend
            checkable = bool(failure.unconfirmed.marker.how)  # workloads cannot be looked up
            text = failure.message + ("" if safe or not checkable else UNKNOWN_HINT)
            self.pasqal.notify(
                text, severity="warning" if safe else "error", timeout=30, markup=False
            )
        elif failure.purpose in MUTATIONS:
            text = f"{failure.purpose} failed: {failure.message}"
            self.pasqal.notify(text, severity="error", timeout=12, markup=False)
        elif not failure.background and not self.pasqal.connection_problem:
            self.pasqal.notify(failure.message, severity="error", timeout=8, markup=False)
