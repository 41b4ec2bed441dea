"""Password hashes, token digests and signed links: what they accept and what they refuse."""

from __future__ import annotations

import time
from pathlib import Path

from pasqal_tui.localcloud.security import (
    LinkSigner,
    hash_password,
    load_or_create_key,
    new_token,
    token_digest,
    verify_password,
)


def test_password_hash_is_salted_and_verifies() -> None:
    first, second = hash_password("demo"), hash_password("demo")
    assert first != second and "demo" not in first
    assert verify_password("demo", first) and verify_password("demo", second)
    assert not verify_password("Demo", first)
    assert not verify_password("demo", "plain-text-or-garbage")


def test_tokens_are_random_and_stored_as_digests() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    token = tokens.pop()
    assert token_digest(token) == token_digest(token) and token not in token_digest(token)


def test_key_is_created_once_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "link.key"
    key = load_or_create_key(path)
    assert load_or_create_key(path) == key and len(key) == 32
    assert path.stat().st_mode & 0o777 == 0o600


def test_signed_links_expire_and_resist_tampering() -> None:
    signer = LinkSigner(b"k" * 32, ttl=60)
    expires, signature = signer.sign("jobs", "abc")
    assert signer.verify("jobs", "abc", expires, signature) is None
    assert signer.verify("jobs", "abd", expires, signature) == "invalid signature"
    assert signer.verify("workloads", "abc", expires, signature) == "invalid signature"
    assert signer.verify("jobs", "abc", expires + 1, signature) == "invalid signature"
    old_expires, old_signature = signer.sign("jobs", "abc", now=time.time() - 120)
    assert signer.verify("jobs", "abc", old_expires, old_signature) == "link expired"
    other = LinkSigner(b"x" * 32, ttl=60)
    assert other.verify("jobs", "abc", expires, signature) == "invalid signature"
