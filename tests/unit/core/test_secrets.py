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


def test_the_token_is_kept_beside_the_password_for_its_owner_only(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore()
    store.set("work", "s3cret")
    store.set_token("work", "ada@https://idp/oauth/token", "tok", 1234.5)
    assert (SERVICE, "work:token") in memory_keyring.store
    assert SecretStore().get_token("work", "ada@https://idp/oauth/token") == ("tok", 1234.5)
    assert SecretStore().get_token("work", "bob@https://idp/oauth/token") is None
    assert SecretStore().get_token("home", "ada@https://idp/oauth/token") is None
    memory_keyring.store[(SERVICE, "work:token")] = "not json"
    assert SecretStore().get_token("work", "ada@https://idp/oauth/token") is None
    store.delete("work")  # forgetting the password forgets its token
    assert memory_keyring.store == {}
