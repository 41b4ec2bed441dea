"""Typed errors of the Pasqal Cloud client.

Every error carries the server's own words (the JSend ``message`` or ``data.description``) so a
screen can show one line a person understands; ``str(err)`` is that line.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "InvalidRequestError",
    "InvalidStateError",
    "NetworkError",
    "NotFoundError",
    "OutcomeUnknownError",
    "OutcomeUnknownNetworkError",
    "OutcomeUnknownServerError",
    "PasqalError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
]


class PasqalError(Exception):
    """Base of every error raised by :mod:`pasqal_tui.cloud`."""

    #: Set by the transport when this answer came to a resend, after an earlier send of the same
    #: request may have acted (its answer was lost, or was a 5xx): a 409 "already done" may then
    #: be the echo of that earlier success.
    after_lost_answer: bool = False

    def __init__(
        self, message: str, *, status_code: int | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.details = details

    def __str__(self) -> str:
        prefix = f"HTTP {self.status_code}: " if self.status_code is not None else ""
        return _one_line(prefix + self.message)


class AuthenticationError(PasqalError):
    """The credentials or the token were refused (401, or the token endpoint said no)."""


class PermissionDeniedError(PasqalError):
    """The token is valid but may not touch this resource or project (403)."""


class NotFoundError(PasqalError):
    """The id does not exist, or is not visible to this account (404)."""


class InvalidStateError(PasqalError):
    """The resource cannot make this change in its current state (409, or a 400 about state)."""


class InvalidRequestError(PasqalError):
    """The request itself is wrong: rejected by the server (400/422) or before sending."""


class RateLimitedError(PasqalError):
    """Too many requests (429); ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = 429,
        details: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, details=details)
        self.retry_after = retry_after


class ServerError(PasqalError):
    """The service failed (5xx) or answered something that is not the API's JSON."""


class NetworkError(PasqalError):
    """The request never got an HTTP answer (DNS, refused connection, TLS, timeout)."""


class OutcomeUnknownError(PasqalError):
    """A create (batch, add jobs, rebatch, workload) may have acted, but its answer was lost.

    Raised instead of a plain error when the request may have reached the server: a timeout or a
    connection lost after sending, any 5xx, or a 2xx that could not be read. The client never
    resends it (a duplicate QPU batch is paid twice): look the outcome up first
    (:mod:`pasqal_tui.ops.outcomes`). ``marker`` is the request marker the create carried (the
    ``ptui-req:`` tag of a new batch), None when the API lets the request carry none. ``reason``
    says what went wrong without naming the operation ("HTTP 502: Bad Gateway").
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        reason: str = "",
        status_code: int | None = None,
        details: Any = None,
        marker: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, details=details)
        self.operation = operation
        self.reason = reason or message
        self.marker = marker


class OutcomeUnknownNetworkError(OutcomeUnknownError, NetworkError):
    """The answer to a create was lost on the way: timeout or connection dropped after sending."""


class OutcomeUnknownServerError(OutcomeUnknownError, ServerError):
    """A create got a 5xx, or a 2xx that could not be read: the server may have committed it."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


_STATE_WORDS = (
    "state",
    "already",
    "closed",
    "not open",
    "terminal",
    "cannot be cancel",
    "could not be cancel",
)


def describe_body(body: Any, fallback: str) -> str:
    """The server's own explanation in a JSend/FastAPI error body, as one readable line."""
    if not isinstance(body, dict):
        return fallback
    data = body.get("data")
    description: Any = None
    if isinstance(data, dict) and data:
        description = data.get("description")
    if description is None and "detail" in body:
        description = body["detail"]
    if description is None:
        description = body.get("message") or body.get("error_description") or body.get("error")
    text = _format_description(description)
    return text or fallback


def _format_description(description: Any) -> str:
    if description is None:
        return ""
    if isinstance(description, str):
        return _one_line(description)
    if isinstance(description, list):
        return "; ".join(p for p in (_format_item(item) for item in description) if p)
    if isinstance(description, dict):
        return _format_item(description)
    return _one_line(str(description))


def _format_item(item: Any) -> str:
    if not isinstance(item, dict):
        return _format_description(item)
    msg = _one_line(str(item.get("msg") or item.get("message") or ""))
    loc = item.get("loc")
    if isinstance(loc, (list, tuple)) and loc:
        parts = [str(p) for p in loc]
        if parts[0] == "body" and len(parts) > 1:
            parts = parts[1:]
        where = parts[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[1:])
        return f"{where}: {msg}" if msg else where
    return msg or _one_line(str(item))


def error_for_status(
    status_code: int,
    body: Any,
    *,
    reason: str = "",
    retry_after: float | None = None,
    what: str = "",
) -> PasqalError:
    """Map an HTTP error answer to the matching :class:`PasqalError` subclass.

    ``what`` names the operation ("get batch 1234…") so the line says what failed.
    """
    fallback = reason or "request failed"
    text = describe_body(body, fallback)
    message = f"{what}: {text}" if what else text
    details = body if isinstance(body, dict) else None
    kind: type[PasqalError]
    if status_code == 401:
        kind = AuthenticationError
    elif status_code == 403:
        kind = PermissionDeniedError
    elif status_code == 404:
        kind = NotFoundError
    elif status_code == 409:
        kind = InvalidStateError
    elif status_code == 429:
        return RateLimitedError(
            message, status_code=status_code, details=details, retry_after=retry_after
        )
    elif status_code >= 500:
        kind = ServerError
    elif status_code == 400 and any(w in text.lower() for w in _STATE_WORDS):
        kind = InvalidStateError
    else:
        kind = InvalidRequestError
    return kind(message, status_code=status_code, details=details)
