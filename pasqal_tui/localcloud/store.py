"""SQLite persistence: schema, connection, transactions, users, projects and tokens.

One connection guarded by a lock (requests run in a thread pool, the scheduler in the event
loop via `asyncio.to_thread`); WAL so readers never wait on the writer's fsync. Every state
change is one `transaction()`: nothing half-applied survives a crash.

The database holds password hashes and token digests: its directory is private (700) and its
files (with the WAL and shared-memory files) are 600, created so and tightened on every open.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, queue_priority TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    user_id TEXT NOT NULL, project_id TEXT NOT NULL, PRIMARY KEY (user_id, project_id));
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL,
    user_id TEXT NOT NULL, device_type TEXT NOT NULL, status TEXT NOT NULL,
    open INTEGER NOT NULL, priority INTEGER NOT NULL, queue_priority TEXT NOT NULL,
    webhook TEXT, sequence_builder TEXT, configuration TEXT, backend_configuration TEXT,
    tags TEXT NOT NULL DEFAULT '[]', parent_id TEXT, device_status TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, start_datetime TEXT,
    end_datetime TEXT, activity_at REAL NOT NULL, jobs_count INTEGER NOT NULL DEFAULT 0,
    n_pending INTEGER NOT NULL DEFAULT 0, n_running INTEGER NOT NULL DEFAULT 0,
    n_done INTEGER NOT NULL DEFAULT 0, n_error INTEGER NOT NULL DEFAULT 0,
    n_canceled INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS batches_project ON batches (project_id, seq);
CREATE INDEX IF NOT EXISTS batches_project_status ON batches (project_id, status, seq);
CREATE INDEX IF NOT EXISTS batches_active ON batches (status, device_type)
    WHERE status IN ('PENDING', 'RUNNING');
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, batch_id TEXT NOT NULL,
    project_id TEXT NOT NULL, user_id TEXT NOT NULL, status TEXT NOT NULL, runs INTEGER,
    variables TEXT, sequence TEXT, errors TEXT, parent_id TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, start_timestamp TEXT, end_timestamp TEXT);
CREATE INDEX IF NOT EXISTS jobs_batch ON jobs (batch_id, status, seq);
CREATE INDEX IF NOT EXISTS jobs_project ON jobs (project_id, status, seq);
CREATE TABLE IF NOT EXISTS results (job_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workloads (
    seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, project_id TEXT NOT NULL,
    user_id TEXT NOT NULL, status TEXT NOT NULL, backend TEXT NOT NULL,
    workload_type TEXT NOT NULL, config TEXT NOT NULL, errors TEXT, result TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, start_timestamp TEXT,
    end_timestamp TEXT);
CREATE INDEX IF NOT EXISTS workloads_project ON workloads (project_id, seq);
CREATE INDEX IF NOT EXISTS workloads_status ON workloads (status);
"""

DIR_MODE = 0o700
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
    """Owns the connection; hands it out under the lock, inside or outside a transaction."""

    def __init__(self, path: Path) -> None:
        private_dir(path.parent)
        _private_files(path)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)
        for suffix in _SQLITE_SUFFIXES[1:]:
            tighten(path.with_name(path.name + suffix), FILE_MODE)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

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
        with self.read() as conn:
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
        with self.read() as conn:
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
        with self.read() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT u.* FROM tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.digest = ? AND t.expires_at > ?",
                (digest, now),
            ).fetchone()
        return row
