"""When and how long to wait before repeating a request.

Only requests that are safe to repeat are retried: GETs and the idempotent PATCH/PUT calls
(closing or cancelling twice leaves the same state). A POST that may have reached the server
(create batch, add jobs, rebatch, create workload) is never repeated blindly, because a duplicate
QPU batch costs the user real money; the official SDK does resend them on 5xx, we do not. A POST
is retried only when the connection provably failed before anything was sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "not_sent",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})

# Failures raised before the request left this machine: repeating them cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def not_sent(exc: httpx.TransportError) -> bool:
    """Whether the request certainly never reached the server."""
    return isinstance(exc, _NOT_SENT)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (epoch), from delta-seconds or an HTTP-date."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter (AWS style), capped; ``max_retries`` repeats."""

    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.base_delay <= 0 or self.max_delay < self.base_delay:
            raise ValueError("need 0 < base_delay <= max_delay")

    def backoff(self, retry_index: int, rng: Callable[[], float]) -> float:
        """Delay before retry number ``retry_index`` (0-based): uniform in [0, ceiling)."""
        ceiling = min(self.max_delay, self.base_delay * (2.0**retry_index))
        return rng() * ceiling

    def should_retry_status(self, status_code: int) -> bool:
        """Statuses that say "try again later" rather than "this request is wrong"."""
        return status_code in RETRYABLE_STATUSES

    def delay_for(
        self, retry_index: int, response: httpx.Response, rng: Callable[[], float], now: float
    ) -> float | None:
        """How long to wait before repeating after ``response``; None means do not repeat.

        ``Retry-After`` wins on 429/503; a hint longer than ``max_retry_after`` is handed to
        the caller (as a RateLimitedError/ServerError) instead of blocking the UI for minutes.
        """
        if response.status_code in RETRY_AFTER_STATUSES:
            hint = parse_retry_after(response.headers.get("retry-after"), now)
            if hint is not None:
                return hint if hint <= self.max_retry_after else None
        return self.backoff(retry_index, rng)
