"""The cyclic garbage collector paused around one bounded bulk read.

A fetch of 100,000 jobs keeps ~340,000 tracked objects alive while it grows, and CPython's
collector rescans the growing heap again and again: a quarter of the fetch's CPU on this
project's 2-core bench. Jobs hold no reference cycles (reference counting frees them), so the
collector has nothing to find there. Only the owner of the process pauses it (the headless
``jobs`` command, which exits after printing), never a library call, and only for the read.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collector off inside, back as it was after (on, unless the caller had it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
