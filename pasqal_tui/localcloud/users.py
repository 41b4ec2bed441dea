"""Creating users: the demo account on first start, and `add-user`."""

from __future__ import annotations

import uuid
from pathlib import Path

from pasqal_tui.localcloud.security import hash_password, verify_password
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.timeutil import now_iso

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_PROJECT = "Demo project"


class UserExists(Exception):
    pass


class UnknownUser(Exception):
    pass


def create_user(
    store: Store,
    username: str,
    password: str,
    project: str,
    *,
    user_id: str | None = None,
    project_id: str | None = None,
    queue_priority: str = "MEDIUM",
) -> str:
    """Returns the project id; raises UserExists for a taken name."""
    if store.user_by_name(username) is not None:
        raise UserExists(f"User {username!r} already exists.")
    with store.transaction() as conn:
        return store.add_user(
            conn,
            user_id=user_id or uuid.uuid4().hex[:8],
            username=username,
            password_hash=hash_password(password),
            project_id=project_id or str(uuid.uuid4()),
            project_name=project,
            created_at=now_iso(),
            queue_priority=queue_priority,
        )


def add_user(data_dir: Path, username: str, password: str, project: str) -> str:
    store = Store(data_dir / "cloud.sqlite3")
    try:
        return create_user(store, username, password, project)
    finally:
        store.close()


def set_password(data_dir: Path, username: str, password: str) -> None:
    store = Store(data_dir / "cloud.sqlite3")
    try:
        if store.user_by_name(username) is None:
            raise UnknownUser(f"No user {username!r} in {data_dir}.")
        store.set_password(username, hash_password(password))
    finally:
        store.close()


def ensure_demo_user(
    store: Store, user_id: str | None = None, project_id: str | None = None
) -> bool:
    """True if it created the demo user now (first start)."""
    if store.user_by_name(DEMO_USER) is not None:
        return False
    create_user(
        store, DEMO_USER, DEMO_PASSWORD, DEMO_PROJECT, user_id=user_id, project_id=project_id
    )
    return True


def demo_password_unchanged(store: Store) -> bool:
    user = store.user_by_name(DEMO_USER)
    return user is not None and verify_password(DEMO_PASSWORD, str(user["password_hash"]))
