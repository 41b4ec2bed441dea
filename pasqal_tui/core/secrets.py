"""Passwords in the OS keyring (service ``pasqal-tui``, one entry per profile).

Headless machines (CI, SSH boxes) often have no keyring backend; then the password is kept in
this object only, for the session, and :attr:`SecretStore.session_only` lets the UI say so.
"""

from __future__ import annotations

from typing import Any

SERVICE = "pasqal-tui"


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
