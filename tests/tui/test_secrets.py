from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from pasqal_tui.secrets import SERVICE, SecretStore


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_stores_one_entry_per_profile(memory: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.set("work", "s3cret") is True
    assert memory.store == {(SERVICE, "work"): "s3cret"}
    assert SecretStore().get("work") == "s3cret"
    store.delete("work")
    assert SecretStore().get("work") is None


def test_no_backend_falls_back_to_session() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = SecretStore()
        assert store.get("work") is None
        assert store.session_only
        assert store.set("work", "pw") is False
        assert store.get("work") == "pw"
        assert store.problem is not None and "session only" in store.problem
    finally:
        keyring.set_keyring(previous)
