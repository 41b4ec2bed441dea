import keyring
from keyring.backends import fail
from support.app import MemoryKeyring

from pasqal_tui.core.secrets import SERVICE, SecretStore


def test_stores_one_entry_per_profile(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.set("work", "s3cret") is True
    assert memory_keyring.store == {(SERVICE, "work"): "s3cret"}
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
