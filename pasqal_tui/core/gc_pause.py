"""The cyclic garbage collector paused around one bounded bulk read, and what it read frozen.

A fetch of 100,000 jobs keeps ~340,000 tracked objects alive while it grows, and CPython's
collector rescans the growing heap again and again: a quarter of the fetch's CPU on this
project's 2-core bench. Jobs hold no reference cycles (reference counting frees them), so the
collector has nothing to find there. Turned back on, it would still scan them all once (26 ms
for 10,000 jobs, 180 ms for 100,000 here) and again with every full collection while they are
printed; frozen (``gc.freeze``), they are never scanned again. Only the owner of the process
pauses it (the headless ``jobs`` command, which exits after printing), never a library call.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeze_startup", "gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collector off inside; after a read that succeeded, every object alive is frozen (out of
    the collector's reach: for a process that uses what it read, then exits). The collector is
    back as it was (on, unless the caller had it off), also after a failure."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_on:
            gc.enable()


def freeze_startup() -> None:
    """Freeze every object alive once the dashboard has started: modules, classes, styles and
    the app itself live as long as the process, yet each full collection walked them all
    (~110,000 objects, 100-250 ms on this project's 2-core machine: a visible hitch while
    paging). Only for the app run in a terminal, once; what it leaves behind with reference
    cycles (the start screen's widgets) is never collected, a one-time cost."""
    gc.freeze()
