"""Construction, lifecycle and plumbing shared by every endpoint method of the client."""

from __future__ import annotations

import asyncio
import importlib.util
import random
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies

import httpx

from .. import __version__
from ..core.hosts import is_loopback
from .environments import Environment
from .errors import InvalidRequestError, ServerError
from .parsing import checked_id
from .switches import SKIP_GZIP_REQUEST_BODY, SKIP_SSL_VERIFY, switch_on
from .transport.auth import Auth
from .transport.http11 import Http11Transport
from .transport.pool import LeanTransport
from .transport.retry import RetryPolicy
from .transport.session import ApiSession, Params, Reply, Safety

__all__ = ["DEFAULT_CREATE_TIMEOUT", "ClientBase"]

#: Creates (batch, add jobs, rebatch, workload) wait longer than reads: a big batch takes time to
#: upload and commit, and a create that times out has an unknown outcome that must be looked up.
DEFAULT_CREATE_TIMEOUT = 120.0

#: One pool per client: enough HTTP/1.1 connections for a fetch-all's widest window
#: (:class:`.pipeline.Window`), kept alive between refreshes.
POOL_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=60)

C = TypeVar("C", bound="ClientBase")


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing an answer sets."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _CookielessClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` without cookies. The Pasqal Cloud APIs and their sign-in need none
    (the SDK keeps none either), and httpx reads every answer for them by rebuilding its
    request as a ``urllib`` one: ~6% of a fetch-all's CPU."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kept_none = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._kept_none

    @cookies.setter
    def cookies(self, value: object) -> None:
        raise AttributeError("this client keeps no cookies")


class ClientBase:
    """One ``httpx.AsyncClient`` (pool, TLS sessions) for the life of the client.

    ``timeout`` applies to every request except creates, which get ``create_timeout``.
    """

    def __init__(
        self,
        environment: Environment,
        auth: Auth | None = None,
        *,
        project_id: str | None = None,
        timeout: float = 30.0,
        create_timeout: float = DEFAULT_CREATE_TIMEOUT,
        max_retries: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        user_agent: str = f"pasqal-tui/{__version__}",
        verify: bool = True,
    ) -> None:
        if create_timeout <= 0 or timeout <= 0:
            raise ValueError("timeouts must be positive")
        self.environment = environment
        self.create_timeout = create_timeout
        # The SDK's switches (cloud/switches.py), read once, as the SDK does per client.
        self.verifies_tls = verify and not switch_on(SKIP_SSL_VERIFY)
        self.gzips_bodies = not switch_on(SKIP_GZIP_REQUEST_BODY)
        self._project_id = checked_id(project_id, "project_id") if project_id else None
        plain = _plain_http(environment)
        # Plain-http environments (the local cloud) never do TLS: skip loading the CA bundle,
        # which costs about 50 ms at start.
        verify_tls = self.verifies_tls and not plain
        # HTTP/2 where the cloud offers it (TLS ALPN): every page of a fetch-all on one
        # connection, through httpcore. Otherwise HTTP/1.1, through the client's own transport
        # (plain http never imports h2).
        http2 = not plain and http2_available()
        # A proxy from the environment (HTTPS_PROXY, ...): httpx's own transports, which honour
        # it (given a transport, httpx ignores the environment's proxies). Never for a cloud on
        # this machine (the embedded local cloud): a proxy cannot reach its loopback address.
        if transport is None and (_loopback(environment) or not proxies_configured()):
            transport = (
                LeanTransport(verify=verify_tls, http2=True, limits=POOL_LIMITS)
                if http2
                else Http11Transport(
                    ssl_context=httpx.create_ssl_context(verify=verify_tls), limits=POOL_LIMITS
                )
            )
        self._transport = transport
        self._http = _CookielessClient(
            timeout=timeout,
            transport=transport,
            headers={"user-agent": user_agent},
            verify=verify_tls,
            follow_redirects=False,
            http2=http2,
            limits=POOL_LIMITS,
        )
        self._session = ApiSession(
            self._http,
            auth,
            policy=RetryPolicy(max_retries=max_retries),
            sleep=sleep,
            rng=rng,
            clock=clock,
        )

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        await self._http.aclose()

    @property
    def auth(self) -> Auth | None:
        """The credentials in use (None: only public endpoints work)."""
        return self._session.auth

    @auth.setter
    def auth(self, value: Auth | None) -> None:
        self._session.auth = value

    @property
    def project_id(self) -> str | None:
        """Project that new batches and workloads are created in."""
        return self._project_id

    @project_id.setter
    def project_id(self, value: str | None) -> None:
        self._project_id = checked_id(value, "project_id") if value else None

    # -- plumbing ------------------------------------------------------------------------------

    def _core(self, path: str) -> str:
        return self.environment.core_url + path

    def _account(self, path: str) -> str:
        return self.environment.account_url + path

    def _link(self, link: str) -> str:
        return link if "://" in link else urljoin(self.environment.core_url + "/", link)

    def _require_project(self, action: str) -> str:
        if not self._project_id:
            raise InvalidRequestError(f"cannot {action}: no project selected (set project_id)")
        return self._project_id

    async def _warm(self, url: str, count: int) -> None:
        """Open up to ``count`` connections to ``url``'s host ahead of the requests that will
        need them, where the transport can (HTTP/1.1 without a proxy); else nothing."""
        if isinstance(self._transport, Http11Transport):
            await self._transport.warm(url, count)

    async def _call(self, method: str, url: str, what: str, **kwargs: Any) -> Any:
        return (await self._send(method, url, what, **kwargs)).body

    async def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        params: Params | None = None,
        json_body: Any = None,
        gzip_body: bool = False,
        authenticated: bool = True,
        safety: Safety = "idempotent",
        read: Callable[[bytes], Any] | None = None,
    ) -> Reply:
        return await self._session.send(
            method,
            url,
            what=what,
            params=params,
            json_body=json_body,
            has_body=json_body is not None,
            gzip_body=gzip_body and self.gzips_bodies,
            authenticated=authenticated,
            safety=safety,
            timeout=self.create_timeout if safety == "once" else None,
            read=read,
        )

    async def _data(self, method: str, url: str, what: str, **kwargs: Any) -> Any:
        body = await self._call(method, url, what, **kwargs)
        if not isinstance(body, dict) or "data" not in body:
            raise ServerError(f"{what}: the answer has no 'data' (not the Pasqal Cloud API?)")
        return body["data"]


def proxies_configured() -> bool:
    """Whether the environment names a proxy for http or https (as httpx and requests read
    it: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, in either case)."""
    return any(getproxies().get(scheme) for scheme in ("http", "https", "all"))


def http2_available() -> bool:
    """Whether httpx can speak HTTP/2 here (the ``h2`` package is installed)."""
    return importlib.util.find_spec("h2") is not None


def _loopback(environment: Environment) -> bool:
    urls = (environment.core_url, environment.account_url, environment.token_url)
    return all(is_loopback(urlsplit(url).hostname or "") for url in urls)


def _plain_http(environment: Environment) -> bool:
    urls = (environment.core_url, environment.account_url, environment.token_url)
    return all(url.startswith("http://") for url in urls)
