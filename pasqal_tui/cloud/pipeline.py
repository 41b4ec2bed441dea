"""Every page of a list, several requests in flight, as many as the answer times allow.

Far from the cloud a page costs one round trip, most of it waiting: one page at a time, 10,000
jobs at 50 ms cost 100 round trips. Keeping pages in flight hides the wait, but past the point
where the server is the bottleneck more pages only queue there (and load it for everyone). The
window follows the answer times, as TCP Vegas does: answers as fast as the fastest seen mean the
network is the limit (one more page in flight), answers much slower mean the server queues them
(one fewer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from .models import Page

__all__ = ["Window", "fetch_rest"]

T = TypeVar("T")


class Window:
    """How many pages to keep in flight, from ``low`` to ``high``, starting at ``start``."""

    GROW_BELOW = 1.5  # an answer within 1.5x the fastest: the network is the limit
    SHRINK_ABOVE = 2.5  # beyond 2.5x the fastest: the server queues

    def __init__(self, start: int = 8, low: int = 2, high: int = 32) -> None:
        if not 1 <= low <= start <= high:
            raise ValueError("need 1 <= low <= start <= high")
        self.size, self.low, self.high = start, low, high
        self.fastest: float | None = None

    def observe(self, seconds: float) -> None:
        """One answer took ``seconds`` from send to parsed page."""
        if self.fastest is None or seconds < self.fastest:
            self.fastest = seconds
        if seconds <= self.fastest * self.GROW_BELOW:
            self.size = min(self.high, self.size + 1)
        elif seconds > self.fastest * self.SHRINK_ABOVE:
            self.size = max(self.low, self.size - 1)


class _Timed(Generic[T]):
    def __init__(self, offset: int, page: Page[T], seconds: float) -> None:
        self.offset, self.page, self.seconds = offset, page, seconds


async def fetch_rest(
    first: Page[T],
    fetch: Callable[[int], Awaitable[Page[T]]],
    window: Window | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Page[T]]:
    """The pages after ``first`` (offsets ``first.end``, ``+ step``, ... below ``first.total``),
    in offset order; at most ``window.size`` requests in flight at any time."""
    step = len(first.items)
    if step == 0 or not first.has_more:
        return []
    window = window or Window()
    pending = list(range(first.end, first.total, step))
    pending.reverse()  # popped from the end: lowest offset first
    done: dict[int, Page[T]] = {}
    flying: set[asyncio.Task[_Timed[T]]] = set()

    async def timed(offset: int) -> _Timed[T]:
        start = clock()
        page = await fetch(offset)
        return _Timed(offset, page, clock() - start)

    try:
        while pending or flying:
            while pending and len(flying) < window.size:
                flying.add(asyncio.ensure_future(timed(pending.pop())))
            finished, flying = await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
            failures = [e for e in (t.exception() for t in finished) if e is not None]
            if failures:
                raise failures[0]
            for task in finished:
                answer = task.result()
                window.observe(answer.seconds)
                done[answer.offset] = answer.page
    finally:  # a failure (or our own cancellation) leaves no request behind
        for task in flying:
            task.cancel()
        await asyncio.gather(*flying, return_exceptions=True)
    return [done[offset] for offset in sorted(done)]
