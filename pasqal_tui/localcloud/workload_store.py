"""Workloads in SQLite: created PENDING, run by the scheduler, result kept for a signed link."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from pasqal_tui.localcloud.errors import conflict

# The workload types this server can run, each on an emulator backend.
WORKLOAD_TYPES = ("pulser_emulation",)


def create_workload(
    conn: sqlite3.Connection,
    *,
    workload_id: str,
    project_id: str,
    user_id: str,
    workload_type: str,
    backend: str,
    config: dict[str, Any],
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO workloads (id, project_id, user_id, status, backend, workload_type, "
        "config, created_at, updated_at) VALUES (?,?,?,'PENDING',?,?,?,?,?)",
        (workload_id, project_id, user_id, backend, workload_type, json.dumps(config), now, now),
    )


def cancel_workload(conn: sqlite3.Connection, row: sqlite3.Row, now: str) -> None:
    if row["status"] not in ("PENDING", "RUNNING"):
        raise conflict(f"Workload {row['id']} is already {row['status']}: it cannot be canceled.")
    conn.execute(
        "UPDATE workloads SET status = 'CANCELED', updated_at = ?, end_timestamp = ? WHERE id = ?",
        (now, now, row["id"]),
    )


def start_workload(conn: sqlite3.Connection, workload_id: str, now: str) -> bool:
    cur = conn.execute(
        "UPDATE workloads SET status = 'RUNNING', start_timestamp = ?, updated_at = ? "
        "WHERE id = ? AND status = 'PENDING'",
        (now, now, workload_id),
    )
    return cur.rowcount == 1


def finish_workload(
    conn: sqlite3.Connection,
    workload_id: str,
    status: str,
    errors: Sequence[str],
    result: dict[str, Any] | None,
    now: str,
) -> bool:
    cur = conn.execute(
        "UPDATE workloads SET status = ?, errors = ?, result = ?, end_timestamp = ?, "
        "updated_at = ? WHERE id = ? AND status = 'RUNNING'",
        (
            status,
            json.dumps(list(errors)),
            None if result is None else json.dumps(result),
            now,
            now,
            workload_id,
        ),
    )
    return cur.rowcount == 1


def requeue_running_workloads(conn: sqlite3.Connection, now: str) -> None:
    conn.execute(
        "UPDATE workloads SET status = 'PENDING', start_timestamp = NULL, updated_at = ? "
        "WHERE status = 'RUNNING'",
        (now,),
    )
