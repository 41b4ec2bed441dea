"""The CloudWorker: the one owner of the PasqalClient, and the live refresh loop.

Screens never await HTTP in a handler: they call :meth:`CloudWorker.request`, which runs the call
in a Textual worker attached to the screen (exclusive per purpose, cancelled with the screen) and
posts a typed message back. Failures become one line; connection trouble becomes the app-wide
banner, and the refresh loop backs off and keeps trying until the server answers again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from textual.app import ScreenStackError
from textual.dom import DOMNode
from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker

from pasqal_tui.cloud import errors
from pasqal_tui.core.audit import AuditEntry, AuditLog
from pasqal_tui.tui.messages import Failure, RequestFailed

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.environments import Environment
    from pasqal_tui.tui.app import PasqalApp

T = TypeVar("T")
log = logging.getLogger("pasqal_tui.tui")
MAX_BACKOFF = 60.0
#: An answer fetched during login is shown only if it is this fresh (seconds).
PREFETCH_MAX_AGE = 10.0
_CONNECTION_ERRORS = (errors.NetworkError, errors.ServerError, errors.RateLimitedError)


@runtime_checkable
class Refreshable(Protocol):
    """A screen that knows what it shows and which of it can still change."""

    def refresh_data(self, force: bool) -> None: ...


class CloudWorker:
    """Runs every request of the app; counts failures to drive backoff and the banner."""

    def __init__(self, app: PasqalApp, interval: float) -> None:
        self.app = app
        self.interval = interval
        self.client: PasqalClient | None = None
        self.paused = False
        self.failures = 0
        self.in_flight: set[str] = set()
        self.audit = AuditLog()
        self._timer: Timer | None = None
        self._where = ""
        self._prefetched: tuple[Hashable, asyncio.Task[Any], float] | None = None

    # ---- the client -------------------------------------------------------------------------

    async def open(self, client: PasqalClient, where: str) -> None:
        """Adopt a client whose context was entered by the caller (the login worker)."""
        await self.close()
        self.client = client
        self._where = where

    def keep_prefetched(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        """Hold a request sent during login until the screen that wants it asks (by ``key``)."""
        self._drop_prefetched()
        self._prefetched = (key, task, time.monotonic())

    def take_prefetched(self, key: Hashable) -> asyncio.Task[Any] | None:
        """The held request for exactly ``key`` if still fresh; it is handed out once."""
        held, self._prefetched = self._prefetched, None
        if held is None:
            return None
        held_key, task, since = held
        if held_key == key and time.monotonic() - since <= PREFETCH_MAX_AGE:
            return task
        task.cancel()
        return None

    def _drop_prefetched(self) -> None:
        held, self._prefetched = self._prefetched, None
        if held is not None:
            held[1].cancel()

    async def close(self) -> None:
        self._drop_prefetched()
        client, self.client = self.client, None
        if client is not None:
            try:
                await client.__aexit__(None, None, None)
            except Exception:  # closing must never take the app down
                log.debug("closing the client failed", exc_info=True)

    # ---- requests ---------------------------------------------------------------------------

    def request(
        self,
        owner: DOMNode,
        purpose: str,
        call: Callable[[PasqalClient], Awaitable[T]],
        done: Callable[[T], Message],
        *,
        background: bool = False,
    ) -> Worker[None] | None:
        """Run ``call`` off the event handler; post ``done(result)`` or RequestFailed to owner."""
        client = self.client
        if client is None:
            return None
        if background and self.busy(owner, purpose):
            return None  # a user's own request is in flight: never cancel it for a refresh

        async def run() -> None:
            try:
                result = await call(client)
            except Exception as exc:  # every failure becomes one line, never a traceback
                failure = self._failure(purpose, exc, background)
                owner.post_message(RequestFailed(failure))
                return
            self._succeeded()
            owner.post_message(done(result))

        return owner.run_worker(
            run, name=purpose, group=purpose, exclusive=True, exit_on_error=False
        )

    def request_public(
        self,
        owner: DOMNode,
        purpose: str,
        environment: Environment,
        call: Callable[[PasqalClient], Awaitable[T]],
        done: Callable[[T], Message],
    ) -> Worker[None]:
        """Like :meth:`request` before any login: a short-lived client that sends no token."""
        from pasqal_tui.cloud.client import PasqalClient

        async def run() -> None:
            try:
                async with PasqalClient(environment, max_retries=1) as client:
                    result = await call(client)
            except Exception as exc:  # one line, and no app-wide banner: nobody is logged in
                text = str(exc) if isinstance(exc, errors.PasqalError) else describe(exc)
                failure = Failure(purpose, text, background=False, kind=type(exc).__name__)
                owner.post_message(RequestFailed(failure))
                return
            owner.post_message(done(result))

        return owner.run_worker(
            run, name=purpose, group=purpose, exclusive=True, exit_on_error=False
        )

    def mutate(
        self,
        owner: DOMNode,
        action: str,
        ids: list[str],
        call: Callable[[PasqalClient], Awaitable[T]],
        done: Callable[[T], Message],
        *,
        produced: Callable[[T], list[str]] | None = None,
    ) -> Worker[None] | None:
        """Send one mutating request, once: refused in read-only mode and while the same action
        is in flight, never retried here, never cancelled with the screen, always audited."""
        client = self.client
        if client is None:
            return None
        if self.app.read_only:
            self.app.notify(f"Read-only mode: {action} refused", severity="warning", timeout=4)
            return None
        if action in self.in_flight:
            self.app.notify(f"{action} is already in flight", severity="warning", timeout=4)
            return None
        self.in_flight.add(action)
        self.app.refresh_bindings()
        profile = self.app.profile.name if self.app.profile else ""

        async def run() -> None:
            try:
                result = await call(client)
            except Exception as exc:  # one line on screen and in the audit log
                failure = self._failure(action, exc, False)
                self.audit.append(AuditEntry(action, profile, ids, failure.message))
                owner.post_message(RequestFailed(failure))
                return
            finally:
                self.in_flight.discard(action)
                self.app.refresh_bindings()
            self._succeeded()
            made = {"created": produced(result)} if produced else {}
            self.audit.append(AuditEntry(action, profile, ids, "ok", made))
            owner.post_message(done(result))

        return self.app.run_worker(run, name=action, group="mutation", exit_on_error=False)

    def busy(self, owner: DOMNode, purpose: str) -> bool:
        return any(
            w.group == purpose and w.node is owner and w.is_running for w in self.app.workers
        )

    def _failure(self, purpose: str, exc: BaseException, background: bool) -> Failure:
        if isinstance(exc, errors.PasqalError):
            text = str(exc)
            kind = type(exc).__name__
        else:
            log.error("unexpected error during %s", purpose, exc_info=exc)
            text = f"unexpected error ({type(exc).__name__}): {' '.join(str(exc).split())}"
            kind = "UnexpectedError"
        if isinstance(exc, _CONNECTION_ERRORS):
            self.failures += 1
            retry = self.backoff()
            self.app.connection_problem = (
                f" ⚠ {self._where or 'server'} is not answering ({_short(text)}); "
                f"retrying every {retry:.0f} s "
            )
        elif isinstance(exc, errors.AuthenticationError):
            self.app.connection_problem = " ⚠ Session refused: log in again (L) "
        log.info("%s failed: %s", purpose, text)
        return Failure(purpose=purpose, message=text, background=background, kind=kind)

    def _succeeded(self) -> None:
        if self.failures or self.app.connection_problem:
            self.failures = 0
            self.app.connection_problem = ""
            self.app.notify("Connection restored", timeout=3)

    # ---- refresh loop -----------------------------------------------------------------------

    def backoff(self) -> float:
        if not self.failures:
            return self.interval
        return float(min(self.interval * 2 ** min(self.failures, 6), MAX_BACKOFF))

    def start(self) -> None:
        self.stop()
        self._timer = self.app.set_timer(self.backoff(), self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def refresh_now(self) -> None:
        screen = self.app.screen
        if isinstance(screen, Refreshable) and self.client is not None:
            screen.refresh_data(True)

    def _tick(self) -> None:
        try:
            screen = self.app.screen
        except ScreenStackError:  # the app is closing: its screens are gone, so is the loop
            self._timer = None
            return
        if not self.paused and self.client is not None and isinstance(screen, Refreshable):
            screen.refresh_data(self.failures > 0)
        self._timer = self.app.set_timer(self.backoff(), self._tick)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(exc: Any) -> str:
    """One line for an exception raised outside a worker (e.g. while starting)."""
    if isinstance(exc, errors.PasqalError):
        return str(exc)
    return " ".join(str(exc).split()) or type(exc).__name__
