"""One authenticated, retrying request against the Pasqal Cloud APIs.

Kept apart from :mod:`.client` so the endpoint methods stay one-liners and the rules that matter
(which failures are repeated, re-authentication on 401, error mapping) live in one place.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import httpx

from ..errors import (
    AuthenticationError,
    NetworkError,
    OutcomeUnknownNetworkError,
    OutcomeUnknownServerError,
    PasqalError,
    ServerError,
    describe_body,
    error_for_status,
)
from .auth import Auth
from .retry import RetryPolicy, not_sent, parse_retry_after

__all__ = ["ApiSession", "Reply", "Safety"]

Safety = Literal["idempotent", "once"]
"""``idempotent``: may be repeated on retryable failures. ``once``: only if never sent."""

Params = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Reply:
    """A decoded 2xx body, and whether an earlier send of the same request may have acted."""

    body: Any
    after_lost_answer: bool = False


class ApiSession:
    """Sends requests over one shared ``httpx.AsyncClient`` with auth and retry rules."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: Auth | None,
        *,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[Any]],
        rng: Callable[[], float],
        clock: Callable[[], float],
    ) -> None:
        self.http = http
        self.auth = auth
        self.policy = policy
        self._sleep = sleep
        self._rng = rng
        self._clock = clock

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send, retry where safe, and return the decoded JSON body of a 2xx answer."""
        return (await self.send(method, url, **kwargs)).body

    async def send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Params | None = None,
        json_body: Any = None,
        has_body: bool = False,
        gzip_body: bool = False,
        authenticated: bool = True,
        safety: Safety = "idempotent",
        timeout: float | None = None,
        read: Callable[[bytes], Any] | None = None,
    ) -> Reply:
        """Like :meth:`request`, also saying whether an earlier send may have acted. ``read``
        turns a 2xx answer's bytes into the body (``json.loads`` if not given); a
        ``ValueError`` from it means the answer is not JSON."""
        headers = {"content-type": "application/json"}
        content: bytes | None = None if method == "GET" else b""
        if has_body:
            content = json.dumps(json_body, separators=(",", ":")).encode("utf-8")
            if gzip_body:
                content = gzip.compress(content)
                headers["content-encoding"] = "gzip"
        if params:
            # Encoded once here, as the SDK's requests does (``quote_plus``): handed to httpx
            # as params, the URL was parsed, merged with them and parsed again on every send.
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(list(params))}"
        token: str | None = None
        if authenticated:
            token = await self._token(what)
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        reauthenticated = False
        retries = 0
        # An earlier send of this request may have acted: its answer was lost, or was a 5xx.
        lost = False
        while True:
            if token is not None:
                headers["authorization"] = f"Bearer {token}"
            try:
                response = await self.http.request(
                    method,
                    url,
                    content=content,
                    headers=headers,
                    **extra,
                )
            except httpx.TransportError as exc:
                repeatable = safety == "idempotent" or not_sent(exc)
                if repeatable and retries < self.policy.max_retries:
                    await self._sleep(self.policy.backoff(retries, self._rng))
                    retries += 1
                    lost = lost or not not_sent(exc)
                    continue
                maybe_sent = not not_sent(exc)
                raise _mark(
                    _network_error(exc, url, what, maybe_sent=maybe_sent, once=safety == "once"),
                    lost,
                ) from exc

            status = response.status_code
            auth = self.auth
            if status == 401 and token is not None and auth is not None and not reauthenticated:
                # A 401 is refused before any work is done, so even a create may be resent once.
                reauthenticated = True
                if auth.refreshable:
                    token = await auth.token(self.http, force=True, rejected=token)
                    continue
            if (
                status >= 400
                and safety == "idempotent"
                and self.policy.should_retry_status(status)
                and retries < self.policy.max_retries
            ):
                delay = self.policy.delay_for(retries, response, self._rng, self._clock())
                if delay is not None:
                    await self._sleep(delay)
                    retries += 1
                    lost = lost or status >= 500
                    continue
            if status >= 400:
                raise _mark(self._error(response, what, once=safety == "once"), lost)
            try:
                return Reply(_decode(response, what, read), lost)
            except ServerError as exc:
                if safety != "once":
                    raise
                # A 2xx to a create that cannot be read: it was done, but we do not know as what.
                raise OutcomeUnknownServerError(
                    exc.message,
                    operation=what,
                    reason=f"HTTP {status} with an answer that is not JSON",
                    status_code=status,
                ) from None

    async def _token(self, what: str) -> str:
        if self.auth is None:
            raise AuthenticationError(f"{what}: not signed in (this client has no credentials)")
        return await self.auth.token(self.http)

    def _error(self, response: httpx.Response, what: str, *, once: bool) -> PasqalError:
        try:
            body: Any = response.json()
        except ValueError:
            text = response.text.strip()
            body = {"message": text[:200]} if text and not text.startswith("<") else None
        retry_after = parse_retry_after(response.headers.get("retry-after"), self._clock())
        if once and response.status_code >= 500:
            # Any 5xx to a create may come after the commit (a gateway timing out, a crash).
            fallback = response.reason_phrase or "server error"
            error = error_for_status(response.status_code, body, reason=fallback, what=what)
            return OutcomeUnknownServerError(
                error.message,
                operation=what,
                reason=f"HTTP {response.status_code}: {describe_body(body, fallback)}",
                status_code=response.status_code,
                details=error.details,
            )
        return error_for_status(
            response.status_code,
            body,
            reason=response.reason_phrase,
            retry_after=retry_after,
            what=what,
        )


def _decode(response: httpx.Response, what: str, read: Callable[[bytes], Any] | None = None) -> Any:
    try:
        return response.json() if read is None else read(response.content)
    except ValueError:
        host = urlsplit(str(response.request.url)).netloc
        raise ServerError(
            f"{what}: {host} answered HTTP {response.status_code} with something that is "
            "not JSON (a proxy or captive portal in the way?)",
            status_code=response.status_code,
        ) from None


def _mark(error: PasqalError, lost: bool) -> PasqalError:
    error.after_lost_answer = lost
    return error


def _network_error(
    exc: httpx.TransportError, url: str, what: str, *, maybe_sent: bool, once: bool
) -> NetworkError:
    host = urlsplit(url).netloc or url
    if isinstance(exc, httpx.TimeoutException):
        cause = f"{host} did not answer in time"
    elif isinstance(exc, httpx.ConnectError):
        cause = f"cannot connect to {host} ({exc or 'connection failed'})"
    elif maybe_sent:
        cause = f"the connection to {host} was lost ({type(exc).__name__}: {exc})"
    else:
        cause = f"connection to {host} failed ({type(exc).__name__}: {exc})"
    message = f"{what}: {cause}"
    if maybe_sent and once:
        message += "; it may have reached the server, so check before submitting again"
        return OutcomeUnknownNetworkError(message, operation=what, reason=cause)
    return NetworkError(message)
