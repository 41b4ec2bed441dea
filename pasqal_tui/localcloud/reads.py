"""GET handlers run on the event loop itself, not in a worker thread.

A read is a few SQLite queries on a snapshot (`Store.reader()`: WAL readers never wait for the
writer) and some JSON: CPU work under the interpreter's lock whichever thread does it. Handing
it to a thread and back cost about 1 ms of CPU a request on this 2-core VM (futex and eventfd
system calls, twice: once to authenticate, once for the handler), more than the read itself:
an authenticated one-job page took 2.40 ms of server CPU through threads and 1.44 ms inline,
a 100-job page 3.28 and 2.38 ms. Under load the threads also fought over the lock: 40 of them
(anyio's default pool) served 50 polling clients slower and far less evenly than 2 did.

Writes stay in the thread pool: they may wait for SQLite's one writer, which the loop must not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def on_loop(endpoint: Callable[P, T]) -> Callable[P, Coroutine[Any, Any, T]]:
    """`endpoint` as a coroutine that runs it at once (FastAPI reads the signature through
    `functools.wraps`, and awaits the coroutine instead of sending it to a thread)."""

    @functools.wraps(endpoint)
    async def inline(*args: P.args, **kwargs: P.kwargs) -> T:
        return endpoint(*args, **kwargs)

    return inline
