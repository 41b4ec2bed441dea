"""The CloudWorker: the one owner of the PasqalClient, from sign-in to sign-out.

Screens never await HTTP in a handler: they call :meth:`CloudWorker.request`, which runs the
call in a Textual worker attached to the screen (exclusive per purpose, cancelled with the
screen) and posts a typed message back. The worker renders nothing: it posts what happened
(:class:`ConnectionChanged`, :class:`MutationsChanged`, :class:`Refused`) to the app, which
decides what to show. The read-only rule and the audit sink are given to it, not reached for.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

from pasqal_tui.cloud import errors
from pasqal_tui.core.audit import AuditEntry, AuditLog
from pasqal_tui.core.clock import Clock, system_clock
from pasqal_tui.core.config import DEFAULT_CREATE_TIMEOUT
from pasqal_tui.ops.outcomes import CreateNotConfirmedError, Unconfirmed
from pasqal_tui.tui.messages import (
    ConnectionChanged,
    Failure,
    MutationsChanged,
    Refused,
    RequestFailed,
)

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App

    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.environments import Environment
    from pasqal_tui.cloud.models import Project
    from pasqal_tui.core.config import Profile
    from pasqal_tui.core.secrets import SecretStore
    from pasqal_tui.session.launcher import LocalLauncher

T = TypeVar("T")
log = logging.getLogger("pasqal_tui.tui")
#: An answer fetched during login is shown only if it is this fresh (seconds).
PREFETCH_MAX_AGE = 10.0
#: Failure.kind of a mutation that succeeded but whose outcome could not be shown.
DONE_UNSHOWN = "DoneButUnshown"
_CONNECTION_ERRORS = (errors.NetworkError, errors.ServerError, errors.RateLimitedError)


class CloudWorker:
    """Runs every request of the app and counts consecutive connection failures."""

    def __init__(
        self,
        app: App[Any],
        *,
        read_only: bool,
        audit: AuditLog,
        create_timeout: float = DEFAULT_CREATE_TIMEOUT,
        clock: Clock = system_clock,
    ) -> None:
        self.app = app
        self.clock = clock
        #: When the cloud last answered a request (the app's clock): the status line's age.
        self.answered_at: datetime | None = None
        self.read_only = read_only
        self.audit = audit
        self.create_timeout = create_timeout
        #: Creates whose answer was lost and not found yet: asking again looks them up first.
        self.unconfirmed = Unconfirmed()
        self.client: PasqalClient | None = None
        #: Where the client points, for messages ("local cloud", "prod").
        self.where = ""
        #: The profile whose actions are audited.
        self.profile_name = ""
        self.failures = 0
        #: Set after a refused sign-in: nothing is sent until the user signs in again.
        self.refused = False
        self.in_flight: set[str] = set()
        #: When each running request started (monotonic), for the "waiting for the cloud" line.
        self.started: dict[int, float] = {}
        self._prefetched: tuple[Hashable, asyncio.Task[Any], float] | None = None

    # ---- the client -------------------------------------------------------------------------

    async def sign_in(
        self,
        profile: Profile,
        password: str,
        launcher: LocalLauncher,
        alongside: Callable[[PasqalClient], Coroutine[Any, Any, Any]] | None = None,
        secrets: SecretStore | None = None,
    ) -> tuple[list[Project], asyncio.Task[Any] | None]:
        """Open a client for ``profile`` and own it from now on; return its projects and the
        task of ``alongside`` (sent with the project list, never awaited here). With
        ``secrets`` the access token is kept beside the password (see ``open_client``)."""
        from pasqal_tui.session.login import open_client

        client, projects, where, early = await open_client(
            profile,
            password,
            launcher,
            alongside,
            create_timeout=self.create_timeout,
            secrets=secrets,
        )
        await self.close()
        self.unconfirmed = Unconfirmed()  # another account's markers mean nothing here
        self.client = client
        self.where = where
        self.profile_name = profile.name
        self.failures = 0
        self.refused = False
        self.answered_at = self.clock()
        self.app.post_message(ConnectionChanged("ok"))
        return projects, early

    def use_project(self, project_id: str) -> None:
        if self.client is not None:
            self.client.project_id = project_id

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
        if client is None or (background and self.refused):
            return None
        if background and self.busy(owner, purpose):
            return None  # a user's own request is in flight: never cancel it for a refresh

        async def run() -> None:
            token = object()
            self.started[id(token)] = time.monotonic()
            try:
                result = await call(client)
            except Exception as exc:  # every failure becomes one line, never a traceback
                owner.post_message(RequestFailed(self._failure(purpose, exc, background)))
                return
            finally:
                self.started.pop(id(token), None)
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
        if self.read_only:
            self.app.post_message(Refused(f"read-only session: {action} is disabled"))
            return None
        if action in self.in_flight:
            self.app.post_message(Refused(f"{action} is already in flight"))
            return None
        self._set_in_flight(action, True)

        async def run() -> None:
            # Every step after the request is inside the handling too: if any of them raised,
            # the form that asked would wait on "Sending…" forever.
            try:
                try:
                    result = await call(client)
                except Exception as exc:  # one line on screen and in the audit log
                    failure = self._failure(action, exc, False)
                    self.audit.append(AuditEntry(action, self.profile_name, ids, failure.message))
                    owner.post_message(RequestFailed(failure))
                    return
                self._succeeded()
                try:
                    made = {"created": produced(result)} if produced else {}
                    self.audit.append(AuditEntry(action, self.profile_name, ids, "ok", made))
                    message = done(result)
                except Exception as exc:  # sent and done: say so, whatever broke afterwards
                    log.error("after %s", action, exc_info=exc)
                    text = f"{action} was sent and done, but showing it failed: {describe(exc)}"
                    failure = Failure(action, text, background=False, kind=DONE_UNSHOWN)
                    owner.post_message(RequestFailed(failure))
                    return
                owner.post_message(message)
            finally:
                self._set_in_flight(action, False)

        return self.app.run_worker(run, name=action, group="mutation", exit_on_error=False)

    def waiting_for(self) -> float:
        """How long the oldest running request has waited (s); 0 when none runs."""
        if not self.started:
            return 0.0
        return time.monotonic() - min(self.started.values())

    def busy(self, owner: DOMNode, purpose: str) -> bool:
        """Whether a request of ``owner`` for ``purpose`` is in flight (one just cancelled, still
        winding down, is not: a page shown from what was read ahead is read again at once)."""
        return any(
            w.group == purpose and w.node is owner and w.is_running and not w.is_cancelled
            for w in self.app.workers
        )

    def _set_in_flight(self, action: str, on: bool) -> None:
        if on:
            self.in_flight.add(action)
        else:
            self.in_flight.discard(action)
        self.app.post_message(MutationsChanged(frozenset(self.in_flight)))

    def _failure(self, purpose: str, exc: BaseException, background: bool) -> Failure:
        if isinstance(exc, CreateNotConfirmedError):
            log.info("%s not confirmed: %s", purpose, exc)
            return Failure(purpose, str(exc), background, type(exc).__name__, unconfirmed=exc)
        if isinstance(exc, errors.PasqalError):
            text = str(exc)
            kind = type(exc).__name__
        else:
            log.error("unexpected error during %s", purpose, exc_info=exc)
            text = f"unexpected error ({type(exc).__name__}): {' '.join(str(exc).split())}"
            kind = "UnexpectedError"
        if isinstance(exc, _CONNECTION_ERRORS):
            self.failures += 1
            retry_after = exc.retry_after if isinstance(exc, errors.RateLimitedError) else None
            self.app.post_message(ConnectionChanged("down", text, retry_after or 0.0))
        elif isinstance(exc, errors.AuthenticationError):
            self.refused = True
            self.app.post_message(ConnectionChanged("refused", text))
        log.info("%s failed: %s", purpose, text)
        return Failure(purpose=purpose, message=text, background=background, kind=kind)

    def _succeeded(self) -> None:
        self.answered_at = self.clock()
        if self.failures:
            self.failures = 0
            self.app.post_message(ConnectionChanged("ok"))


def describe(exc: Any) -> str:
    """One line for an exception raised outside a worker (e.g. while starting)."""
    if isinstance(exc, errors.PasqalError):
        return str(exc)
    return " ".join(str(exc).split()) or type(exc).__name__
