"""Password hashes, bearer tokens and signed result links, with the stdlib only.

Tokens are random and stored hashed, so a copy of the database cannot be replayed; links are
HMAC-signed with an expiry, like an S3 presigned URL, so they work without a bearer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(),
        salt=bytes.fromhex(salt_hex),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(digest_hex) // 2,
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_or_create_key(path: Path) -> bytes:
    """The signing key lives beside the database, so links survive a restart."""
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path.read_bytes()
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class LinkSigner:
    """Signs `kind/id` with an expiry; `verify` rejects tampered or expired links."""

    def __init__(self, key: bytes, ttl: float) -> None:
        self._key = key
        self._ttl = ttl

    def _mac(self, kind: str, ident: str, expires: int) -> str:
        msg = f"{kind}:{ident}:{expires}".encode()
        mac = hmac.new(self._key, msg, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def sign(self, kind: str, ident: str, now: float | None = None) -> tuple[int, str]:
        expires = int((now if now is not None else time.time()) + self._ttl)
        return expires, self._mac(kind, ident, expires)

    def verify(self, kind: str, ident: str, expires: int, signature: str) -> str | None:
        """None when valid, else the reason it is not."""
        # Bytes, not str: `compare_digest` refuses non-ASCII strings (a TypeError, so a 500).
        expected = self._mac(kind, ident, expires).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "surrogatepass")):
            return "invalid signature"
        if expires < time.time():
            return "link expired"
        return None
