"""Bearer tokens for the Pasqal Cloud APIs.

A token is cached until a minute before it expires (``expires_in``, else the JWT ``exp``), like the
official SDK, so a dashboard refreshing every few seconds does not hammer the identity provider.
One lock per :class:`PasswordAuth` makes concurrent requests share a single token fetch.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..environments import Environment
from ..errors import (
    AuthenticationError,
    NetworkError,
    RateLimitedError,
    ServerError,
    describe_body,
)
from .retry import parse_retry_after

__all__ = ["EXPIRY_MARGIN_S", "Auth", "PasswordAuth", "TokenAuth", "jwt_expiry"]

EXPIRY_MARGIN_S = 60.0


class Auth(ABC):
    """Something that can put a bearer token on a request."""

    #: Whether asking again (``force=True``) can produce a different token after a 401.
    refreshable: bool = True

    @abstractmethod
    async def token(
        self, client: httpx.AsyncClient, *, force: bool = False, rejected: str | None = None
    ) -> str:
        """A valid access token; ``force`` skips the cache (after a 401 with ``rejected``)."""


class TokenAuth(Auth):
    """A token the user already has (e.g. from another tool); it cannot be refreshed."""

    refreshable = False

    def __init__(self, access_token: str) -> None:
        if not access_token or not access_token.strip():
            raise ValueError("TokenAuth needs a non-empty access token")
        self._token = access_token.strip()

    def __repr__(self) -> str:
        return "TokenAuth(access_token=<redacted>)"

    async def token(
        self, client: httpx.AsyncClient, *, force: bool = False, rejected: str | None = None
    ) -> str:
        return self._token


class PasswordAuth(Auth):
    """Username/password grant: Auth0 ``password-realm`` or the plain Keycloak ``password``."""

    def __init__(
        self,
        environment: Environment,
        username: str,
        password: str,
        *,
        clock: Callable[[], float] = time.time,
        cached: tuple[str, float] | None = None,
        on_token: Callable[[str, float], None] | None = None,
    ) -> None:
        """``cached``: a token kept from an earlier run, with its expiry (used while valid, so a
        restart costs no sign-in); ``on_token`` is told each new token, to keep it."""
        if not username:
            raise ValueError("PasswordAuth needs a username")
        if not password:
            raise ValueError("PasswordAuth needs a password")
        self.environment = environment
        self.username = username
        self._password = password
        self._clock = clock
        self._cached: tuple[str, float] | None = cached
        self._on_token = on_token
        self._lock = asyncio.Lock()
        #: Set once the identity provider refused this password: it is never sent again, so a
        #: password changed elsewhere costs exactly one refused attempt (no account lock-out).
        self.refused: AuthenticationError | None = None

    def __repr__(self) -> str:
        return (
            f"PasswordAuth(environment={self.environment.name!r}, "
            f"username={self.username!r}, password=<redacted>)"
        )

    def _valid_cached(self) -> str | None:
        if self._cached is None:
            return None
        token, expires_at = self._cached
        if self._clock() < expires_at - EXPIRY_MARGIN_S:
            return token
        return None

    async def token(
        self, client: httpx.AsyncClient, *, force: bool = False, rejected: str | None = None
    ) -> str:
        async with self._lock:
            cached = self._valid_cached()
            if cached is not None and not force:
                return cached
            if force and cached is not None and rejected is not None and cached != rejected:
                # Another request already replaced the rejected token while we waited.
                return cached
            if self.refused is not None:
                raise self.refused
            try:
                token, expires_at = await self._fetch(client)
            except AuthenticationError as exc:
                self.refused = exc
                raise
            self._cached = (token, expires_at)
            if self._on_token is not None:
                self._on_token(token, expires_at)
            return token

    def _form(self) -> dict[str, str]:
        env = self.environment
        return {
            "client_id": env.client_id,
            "grant_type": env.grant_type,
            "realm": env.realm,
            "audience": env.audience,
            "username": self.username,
            "password": self._password,
        }

    async def _fetch(self, client: httpx.AsyncClient) -> tuple[str, float]:
        url = self.environment.token_url
        host = urlsplit(url).netloc or url
        try:
            response = await client.post(url, data=self._form())
        except httpx.TimeoutException as exc:
            raise NetworkError(
                f"sign-in: {host} did not answer in time ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"sign-in: cannot reach {host} ({type(exc).__name__}: {exc})"
            ) from exc
        body = _json_or_none(response)
        if response.status_code >= 500:
            raise ServerError(
                f"sign-in: {host} failed: "
                + describe_body(body, response.reason_phrase or "server error"),
                status_code=response.status_code,
            )
        if response.status_code == 429:  # rate limiting, not a refusal: the password may be fine
            raise RateLimitedError(
                f"sign-in: {host} is rate limiting sign-ins; try again later",
                status_code=429,
                retry_after=parse_retry_after(response.headers.get("Retry-After"), time.time()),
            )
        if response.status_code >= 400:
            reason = describe_body(body, response.reason_phrase or "refused")
            raise AuthenticationError(
                f"sign-in refused for {self.username!r}: {reason}",
                status_code=response.status_code,
                details=_oauth_error(body),
            )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(
                f"sign-in: {host} answered without an access_token",
                status_code=response.status_code,
            )
        token: str = body["access_token"]
        return token, self._expiry(body, token)

    def _expiry(self, body: dict[str, Any], token: str) -> float:
        expires_in = body.get("expires_in")
        if isinstance(expires_in, (int, float, str)) and not isinstance(expires_in, bool):
            try:
                seconds = float(expires_in)
            except ValueError:
                seconds = 0.0
            if seconds > 0:
                return self._clock() + seconds
        exp = jwt_expiry(token)
        if exp is not None:
            return exp
        return self._clock()  # unknown lifetime: already expired, as in the SDK


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without checking the signature; None if absent."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        return float(exp)
    return None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _oauth_error(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    return {k: v for k, v in body.items() if k in ("error", "error_description")}
