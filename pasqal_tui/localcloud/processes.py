"""`serve --processes N`: N server processes answering on one listening socket.

One Python process serves at most one core (the interpreter's lock): under polling load the
server sits at ~1.0 core while the machine has more. The first process (the primary) binds
the port, prepares the database and starts N-1 more (`multiprocessing`'s spawn). On Linux each
binds the port with `SO_REUSEPORT` and the kernel spreads new connections evenly over them;
elsewhere they share the primary's socket, and whichever accepts first serves (one busy
process took 40 of 50 keep-alive connections so, its sibling 10).

Only the primary runs the scheduler, the emulation pool and the webhook sweep: SQLite has one
writer at a time across processes (`busy_timeout` makes the others wait their turn) and the
queue must be planned in one place. A write served by another process (a batch created, jobs
added, a cancel) reaches the primary's scheduler through the database: `DatabaseWatch` polls
SQLite's `data_version`, which moves whenever another connection commits, and wakes it.

Everything else a process keeps in memory is either a cache keyed by what it caches (a
batch's job ids by its job count, a list item by its whole row) or the sign-in throttle, whose
budgets are split between the processes, so that all of them together allow no more failed
sign-ins than one would (unless a budget is smaller than N: each keeps at least one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.process import BaseProcess
from pathlib import Path

from pasqal_tui.localcloud.settings import Settings

log = logging.getLogger("pasqal_tui.localcloud")

MAX_PROCESSES = 16
WATCH_S = 0.05
STOP_S = 10.0


def share_of(limit: int, processes: int) -> int:
    """Each process's part of a budget `limit` shared by `processes` (never below 1)."""
    return max(1, limit // max(1, processes))


def spread(settings: Settings) -> bool:
    """Whether each process binds the port itself (`SO_REUSEPORT`, balanced on Linux)."""
    return (
        settings.processes > 1
        and sys.platform.startswith("linux")
        and hasattr(socket, "SO_REUSEPORT")
    )


def start_others(settings: Settings, sock: socket.socket) -> list[BaseProcess]:
    """Start the `settings.processes - 1` serving processes beside this one (`sock`: the
    primary's, bound; its port is theirs, picked by the kernel when asked for port 0)."""
    context = multiprocessing.get_context("spawn")
    others: list[BaseProcess] = []
    port = int(sock.getsockname()[1])
    shared = None if spread(settings) else sock
    for index in range(1, settings.processes):
        process = context.Process(
            target=_serve_other,
            args=(replace(settings, port=port, process_index=index), shared, os.getpid()),
            name=f"local-cloud-{index}",
            daemon=False,
        )
        process.start()
        others.append(process)
    return others


def stop_others(others: list[BaseProcess]) -> None:
    """Ask each to stop (SIGTERM: uvicorn finishes the requests it has), then make sure."""
    for process in others:
        if process.is_alive():
            process.terminate()
    for process in others:
        process.join(STOP_S)
        if process.is_alive():
            process.kill()
            process.join(STOP_S)


def _serve_other(settings: Settings, shared: socket.socket | None, primary: int) -> None:
    from pasqal_tui.localcloud.server import bind, serve_on

    sock = shared if shared is not None else bind(settings.host, settings.port, reuse_port=True)
    serve_on(settings, sock, parent=primary)


class DatabaseWatch:
    """Calls `on_change` when another connection (another process) commits to the database."""

    def __init__(self, path: Path, on_change: Callable[[], None], every_s: float = WATCH_S):
        self._path = path
        self._on_change = on_change
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None
        self._conn: sqlite3.Connection | None = None

    async def start(self) -> None:
        """From when this returns, a commit by another connection is seen."""
        # Its own connection: `data_version` moves for commits made by any other connection,
        # this process's writer included (a spare wake-up, never a missed one).
        self._conn = sqlite3.connect(self._path, check_same_thread=False)
        self._conn.execute("PRAGMA query_only=ON")
        seen = _data_version(self._conn)
        self._task = asyncio.create_task(self._run(self._conn, seen), name="db-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._conn is not None:  # here, not in the task: it may be cancelled unstarted
            self._conn.close()
            self._conn = None

    async def _run(self, conn: sqlite3.Connection, seen: int) -> None:
        while True:
            await asyncio.sleep(self._every_s)
            try:
                now = _data_version(conn)
            except sqlite3.Error:  # busy or locked for a moment: look again next time
                log.debug("data_version unreadable", exc_info=True)
                continue
            if now != seen:
                seen = now
                self._on_change()


def _data_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA data_version").fetchone()
    return int(row[0])
