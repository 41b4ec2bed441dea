"""Sign-in throttling: failed password checks counted per user name and per client address.

Only failures count, so a test suite (or a team) signing in all day is never slowed. A name
with `per_user` failures in the sliding window gets 429 until the oldest one ages out; an
address gets a larger budget (`per_address`), because on a loopback server every user shares
127.0.0.1: guessing one account's password locks that account, not its neighbours, while a
spray over many names from one address is still stopped. Attempts for one name are run one
at a time, so parallel guesses cannot slip past the count.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections import deque
from collections.abc import Callable

# Past this many tracked keys, keys with no failure left in the window are dropped.
_PRUNE_AT = 4096
_KEY_CHARS = 256


class SignInThrottle:
    def __init__(
        self,
        per_user: int,
        per_address: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return "user:" + username[:_KEY_CHARS], "addr:" + address

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Whole seconds until an attempt is allowed for this name from this address (0: now)."""
        now = self._clock()
        wait = 0.0
        limits = (self.per_user, self.per_address)
        for key, limit in zip(self._keys(username, address), limits, strict=True):
            times = self._recent(key, now)
            if len(times) >= limit:
                wait = max(wait, times[len(times) - limit] + self.window - now)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        if len(self._failures) >= _PRUNE_AT:
            self._failures = {k: t for k, t in self._failures.items() if self._recent(k, now)}
        for key in self._keys(username, address):
            self._failures.setdefault(key, deque()).append(now)

    def lock(self, username: str) -> asyncio.Lock:
        """The lock that serialises attempts for one name (dropped once nobody holds it)."""
        key = username[:_KEY_CHARS]
        found = self._locks.get(key)
        if found is None:
            found = asyncio.Lock()
            self._locks[key] = found
        return found
