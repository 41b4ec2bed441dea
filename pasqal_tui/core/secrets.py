"""Passwords in the OS keyring (service ``pasqal-tui``, one entry per profile), and beside each
the profile's last access token with its expiry (entry ``<profile>:token``), so that a restart
skips the sign-in round trip while the token is valid. Never a file: no keyring, no keeping.

Headless machines (CI, SSH boxes) often have no keyring backend; then the password is kept in
this object only, for the session, and :attr:`SecretStore.session_only` lets the UI say so.
"""

from __future__ import annotations

import json
from typing import Any

SERVICE = "pasqal-tui"
TOKEN_SUFFIX = ":token"


class SecretStore:
    """Keyring access that degrades to memory instead of failing."""

    def __init__(self, service: str = SERVICE) -> None:
        self._service = service
        self._session: dict[str, str] = {}
        self.session_only = False
        self.problem: str | None = None

    def get(self, profile: str) -> str | None:
        if profile in self._session:
            return self._session[profile]
        if self.session_only:
            return None
        keyring, KeyringError, NoKeyringError, _ = _keyring()
        try:
            secret: str | None = keyring.get_password(self._service, profile)
            return secret
        except NoKeyringError:
            self._fall_back("no keyring backend on this machine")
        except KeyringError as exc:
            self._fall_back(f"keyring failed: {_one_line(exc)}")
        return None

    def set(self, profile: str, secret: str) -> bool:
        """Store the secret; False means it is kept for this session only."""
        if not self.session_only:
            keyring, KeyringError, NoKeyringError, _ = _keyring()
            try:
                keyring.set_password(self._service, profile, secret)
                self._session.pop(profile, None)
                return True
            except NoKeyringError:
                self._fall_back("no keyring backend on this machine")
            except KeyringError as exc:
                self._fall_back(f"keyring failed: {_one_line(exc)}")
        self._session[profile] = secret
        return False

    def remember_for_session(self, profile: str, secret: str) -> None:
        self._session[profile] = secret

    def delete(self, profile: str) -> None:
        """Forget the profile's password, and its token with it."""
        self._delete(profile + TOKEN_SUFFIX)
        self._delete(profile)

    def _delete(self, profile: str) -> None:
        self._session.pop(profile, None)
        if self.session_only:
            return
        keyring, KeyringError, NoKeyringError, PasswordDeleteError = _keyring()
        try:
            keyring.delete_password(self._service, profile)
        except (PasswordDeleteError, NoKeyringError):
            pass
        except KeyringError as exc:
            self._fall_back(f"keyring failed: {_one_line(exc)}")

    def get_token(self, profile: str, owner: str) -> tuple[str, float] | None:
        """The token saved for ``profile`` by ``owner`` (user and identity provider), with its
        expiry (epoch seconds); None if absent, unreadable or another owner's."""
        text = self.get(profile + TOKEN_SUFFIX)
        try:
            saved = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(saved, dict) or saved.get("owner") != owner:
            return None
        token, expires_at = saved.get("access_token"), saved.get("expires_at")
        if not isinstance(token, str) or not isinstance(expires_at, (int, float)):
            return None
        return token, float(expires_at)

    def set_token(self, profile: str, owner: str, token: str, expires_at: float) -> None:
        """Keep the token where the password is (the keyring, else this session only)."""
        saved = {"owner": owner, "access_token": token, "expires_at": expires_at}
        self.set(profile + TOKEN_SUFFIX, json.dumps(saved))

    def _fall_back(self, why: str) -> None:
        self.session_only = True
        self.problem = f"{why}: passwords are kept for this session only"


def _keyring() -> tuple[Any, type[Exception], type[Exception], type[Exception]]:
    """Imported on first use: the embedded local profile never needs the keyring."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    return keyring, KeyringError, NoKeyringError, PasswordDeleteError


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
