"""The live refresh loop: a timer that asks the top screen to reload what can still change.

Its pace is the refresh interval, also while the cloud does not answer: each tick is then a
probe of one request (the top screen's refresh), so the app notices an outage's end within one
interval; only the cloud's own Retry-After slows it. A refused sign-in holds the loop until the
user signs in again: a refused password is never sent twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.app import ScreenStackError

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from pasqal_tui.tui.services.cloud_worker import CloudWorker


@runtime_checkable
class Refreshable(Protocol):
    """A screen that knows what it shows and which of it can still change."""

    def refresh_data(self, include_settled: bool) -> None: ...


class RefreshLoop:
    """Ticks at the interval (or the backoff), asking the top screen to refresh."""

    def __init__(self, app: App[Any], cloud: CloudWorker, interval: float) -> None:
        self.app = app
        self.cloud = cloud
        self.interval = interval
        self.paused = False
        #: Why the loop is held regardless of ``paused`` (e.g. "sign-in refused"); "" = not.
        self.held = ""
        self.next_at = 0.0
        #: Ticks so far (refreshes asked or skipped): what tests wait on instead of sleeping.
        self.ticks = 0
        self._timer: Timer | None = None
        self._retry_after = 0.0
        #: Called on every live tick besides the screen's refresh (e.g. the watched batches).
        self.also: list[Callable[[], None]] = []

    def backoff(self) -> float:
        """The wait before the next tick: the interval, or longer if the cloud asked for it."""
        if not self.cloud.failures:
            return self.interval
        return max(self.interval, self._retry_after)

    def next_in(self) -> float:
        """Seconds until the next tick (what the banner says)."""
        return max(0.0, self.next_at - time.monotonic())

    def rate_limited(self, seconds: float) -> None:
        """The cloud asked to wait: the next tick is no sooner than that."""
        self._retry_after = seconds
        if self._timer is not None and seconds > self.next_in():
            self._schedule(seconds)

    def start(self) -> None:
        self._schedule(self.backoff())

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def hold(self, reason: str) -> None:
        self.held = reason

    def release(self) -> None:
        self.held = ""
        self._retry_after = 0.0

    def refresh_now(self) -> None:
        screen = self.app.screen
        if isinstance(screen, Refreshable) and self.cloud.client is not None:
            screen.refresh_data(True)

    def _schedule(self, delay: float) -> None:
        self.stop()
        self.next_at = time.monotonic() + delay
        self._timer = self.app.set_timer(delay, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self.ticks += 1
        try:
            screen = self.app.screen
        except ScreenStackError:  # the app is closing: its screens are gone, so is the loop
            return
        self._retry_after = 0.0 if not self.cloud.failures else self._retry_after
        if (
            not self.paused
            and not self.held
            and self.cloud.client is not None
            and isinstance(screen, Refreshable)
        ):
            screen.refresh_data(self.cloud.failures > 0)
        if not self.paused and not self.held and self.cloud.client is not None:
            for call in self.also:
                call()
        self._schedule(self.backoff())
