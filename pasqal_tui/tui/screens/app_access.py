"""Typed access to the running PasqalApp, for screens that need its worker, clock or settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from pasqal_tui.tui.app import PasqalApp


class AppAccess:
    """Mixed into a Screen: ``self.pasqal`` is ``self.app``, typed as PasqalApp."""

    if TYPE_CHECKING:
        app: App[object]

    @property
    def pasqal(self) -> PasqalApp:
        from pasqal_tui.tui.app import PasqalApp

        assert isinstance(self.app, PasqalApp)
        return self.app
