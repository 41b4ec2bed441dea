"""SQLite persistence: connections, transactions, users, projects and tokens.

One writing connection guarded by a lock (requests run in a thread pool, the scheduler in the
event loop via `asyncio.to_thread`): `transaction()`, and `read()` for reads that must see it.
Every state change is one `transaction()`: nothing half-applied survives a crash. GET requests
read through `reader()`: a small pool of read-only connections, each read a snapshot of its own
(WAL lets them run beside each other and beside the writer, never waiting on its fsync).
The schema, and the upgrade of older databases on open, are in `schema.py`.

The database holds password hashes and token digests: its directory is private (700) and its
files (with the WAL and shared-memory files) are 600, created so and tightened on every open.
"""

from __future__ import annotations

import logging
import os
import queue
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pasqal_tui.localcloud.schema import SCHEMA, upgrade

DIR_MODE = 0o700
READERS = 4
FILE_MODE = 0o600
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")

log = logging.getLogger("pasqal_tui.localcloud")


def tighten(path: Path, mode: int) -> None:
    """chmod `path` to `mode` if group or others have any access (a no-op otherwise)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & 0o077:
            path.chmod(mode)
    except FileNotFoundError:
        return
    except PermissionError as exc:
        log.warning("cannot make %s private (mode %o): %s", path, mode, exc)


def private_dir(path: Path) -> None:
    """Create `path` (parents with the default mode) as 700, or tighten it to 700."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        tighten(path, DIR_MODE)


def _private_files(path: Path) -> None:
    """Create the database file as 600 before SQLite does (SQLite gives its WAL and
    shared-memory files the database's mode), then tighten whatever is already there."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for suffix in _SQLITE_SUFFIXES:
        tighten(path.with_name(path.name + suffix), FILE_MODE)


class Store:
    """Owns the connections: the writer under the lock (inside or outside a transaction), and
    the pool of readers."""

    def __init__(self, path: Path, readers: int = READERS) -> None:
        private_dir(path.parent)
        _private_files(path)
        self.path = path
        self._lock = threading.RLock()
        self._writing: int | None = None  # the thread inside `transaction()`
        self._conn = self._connect()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        upgrade(self._conn)
        for suffix in _SQLITE_SUFFIXES[1:]:
            tighten(path.with_name(path.name + suffix), FILE_MODE)
        self._max_readers = max(1, readers)
        self._readers: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._local = threading.local()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=5000")
        return conn

    def close(self) -> None:
        with self._lock, self._pool_lock:
            self._conn.close()
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._writing = threading.get_ident()
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                self._writing = None
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The writing connection, under the lock: reads that must see the writer's state."""
        with self._lock:
            yield self._conn

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection holding one snapshot until the block ends, so that a total
        and its page agree. Inside this thread's `transaction()`, that transaction's connection
        (a read must see what it wrote); nested, the connection the thread already holds."""
        if self._writing == threading.get_ident():
            yield self._conn
            return
        held: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        conn = self._take()
        self._local.conn = conn
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")  # read-only: nothing to keep
        finally:
            self._local.conn = None
            self._idle.put(conn)

    def _take(self) -> sqlite3.Connection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._pool_lock:  # not the writer's lock: a reader never waits for a write
            if len(self._readers) < self._max_readers:
                conn = self._connect()
                conn.execute("PRAGMA query_only=ON")
                self._readers.append(conn)
                return conn
        return self._idle.get()

    # -- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- users, projects, tokens --------------------------------------------------------------

    def add_user(
        self,
        conn: sqlite3.Connection,
        *,
        user_id: str,
        username: str,
        password_hash: str,
        project_id: str,
        project_name: str,
        created_at: str,
        queue_priority: str = "MEDIUM",
    ) -> str:
        """Creates the user and joins (or creates) the project; returns the project id."""
        row = conn.execute("SELECT id FROM projects WHERE name = ?", (project_name,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO projects (id, name, queue_priority, created_at) VALUES (?,?,?,?)",
                (project_id, project_name, queue_priority, created_at),
            )
        else:
            project_id = str(row["id"])
        conn.execute(
            "INSERT INTO users (id, username, password_hash, created_at) VALUES (?,?,?,?)",
            (user_id, username, password_hash, created_at),
        )
        conn.execute(
            "INSERT INTO memberships (user_id, project_id) VALUES (?, ?)", (user_id, project_id)
        )
        return project_id

    def user_by_name(self, username: str) -> sqlite3.Row | None:
        with self.reader() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM users WHERE username = ?", (username,)
            ).fetchone()
        return row

    def set_password(self, username: str, password_hash: str) -> None:
        """A new password also signs every session of the user out (its tokens are revoked),
        as identity providers do on a password reset."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)
            )
            conn.execute(
                "DELETE FROM tokens WHERE user_id IN (SELECT id FROM users WHERE username = ?)",
                (username,),
            )

    def user_projects(self, user_id: str) -> list[sqlite3.Row]:
        with self.reader() as conn:
            return conn.execute(
                "SELECT p.* FROM projects p JOIN memberships m ON m.project_id = p.id "
                "WHERE m.user_id = ? ORDER BY p.created_at, p.name",
                (user_id,),
            ).fetchall()

    def save_token(self, digest: str, user_id: str, expires_at: float, now: float) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM tokens WHERE expires_at < ?", (now,))
            conn.execute(
                "INSERT INTO tokens (digest, user_id, expires_at) VALUES (?, ?, ?)",
                (digest, user_id, expires_at),
            )

    def token_owner(self, digest: str, now: float) -> sqlite3.Row | None:
        """The user row for a live token, or None if unknown or expired."""
        with self.reader() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.digest = ? AND t.expires_at > ?",
                (digest, now),
            ).fetchone()
        return row
