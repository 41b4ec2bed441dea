"""Turn a profile and a password into a logged-in client and its projects."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.environments import Environment
from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.cloud.models import Batch, Page, Project
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.core.config import DEFAULT_CREATE_TIMEOUT, LOCAL_PROFILE, Profile
from pasqal_tui.core.secrets import SecretStore
from pasqal_tui.session.launcher import LocalLauncher

CUSTOM_CLIENT_ID = "pasqal-tui"


def environment_for(profile: Profile, launcher: LocalLauncher) -> Environment:
    if profile.environment == LOCAL_PROFILE:
        url = launcher.base_url
        if url is None:
            raise ValueError("the local cloud is not running")
        return environments.local(url)
    if profile.environment == "custom":
        core = profile.core_url or ""
        return environments.custom(
            core_url=core,
            account_url=profile.account_url or core.rsplit("/core-fast", 1)[0] + "/account",
            token_url=profile.token_url or "",
            client_id=CUSTOM_CLIENT_ID,
        )
    return environments.get_environment(profile.environment)


def batches_page_key(filters: BatchFilters, offset: int, limit: int) -> Hashable:
    """Names a batch page request, so an answer fetched early is shown only where it fits."""
    return ("batches", filters, offset, limit)


def first_batches_page() -> tuple[
    Hashable, Callable[[PasqalClient], Coroutine[Any, Any, Page[Batch]]]
]:
    """The batch browser's first request (no filters, first full page), to send during login."""
    filters = BatchFilters()

    def fetch(client: PasqalClient) -> Coroutine[Any, Any, Page[Batch]]:
        return client.list_batches(filters, offset=0, limit=MAX_PAGE_SIZE)

    return batches_page_key(filters, 0, MAX_PAGE_SIZE), fetch


def tls_verified() -> bool:
    """The official SDK's switch, honoured the same way (and said on screen by the app)."""
    return not os.environ.get("PASQAL_SKIP_SSL_VERIFY")


async def open_client(
    profile: Profile,
    password: str,
    launcher: LocalLauncher,
    alongside: Callable[[PasqalClient], Coroutine[Any, Any, Any]] | None = None,
    *,
    create_timeout: float = DEFAULT_CREATE_TIMEOUT,
    secrets: SecretStore | None = None,
) -> tuple[PasqalClient, list[Project], str, asyncio.Task[Any] | None]:
    """Log in (the project list proves the password, or the token kept from the last run while
    it is valid) and return the entered client.

    ``alongside`` is sent together with the project list (both wait for the one token), so the
    first screen's data is there one round trip sooner; its task is returned, never awaited here.
    With ``secrets`` (not for the embedded cloud), the token is read from and kept in the
    keyring: a restart sends no sign-in while it is valid; a 401 costs one fresh sign-in.
    """
    if not profile.username:
        raise ValueError("enter a username")
    if not password:
        raise ValueError("enter a password")
    environment = environment_for(profile, launcher)
    auth = _password_auth(environment, profile, password, secrets)
    # One quick retry only: the refresh loop is the retry, and a banner beats a silent wait.
    client = PasqalClient(
        environment,
        auth,
        project_id=profile.project_id,
        max_retries=1,
        create_timeout=create_timeout,
        verify=tls_verified(),
    )
    await client.__aenter__()
    early = asyncio.ensure_future(alongside(client)) if alongside is not None else None
    if early is not None:
        early.add_done_callback(_consume)
    try:
        projects = await client.list_projects()
    except BaseException:
        if early is not None:
            early.cancel()
        await client.__aexit__(None, None, None)
        raise
    where = "local cloud" if profile.environment == LOCAL_PROFILE else environment.name
    return client, projects, where, early


def _password_auth(
    environment: Environment, profile: Profile, password: str, secrets: SecretStore | None
) -> PasswordAuth:
    if secrets is None or profile.environment == LOCAL_PROFILE or not profile.username:
        return PasswordAuth(environment, profile.username or "", password)
    owner = f"{profile.username}@{environment.token_url}"
    name = profile.name

    def keep(token: str, expires_at: float) -> None:
        secrets.set_token(name, owner, token, expires_at)

    return PasswordAuth(
        environment,
        profile.username,
        password,
        cached=secrets.get_token(name, owner),
        on_token=keep,
    )


def pick_project(projects: list[Project], wanted: str | None) -> Project | None:
    """The profile's project when it is listed, else the only one; None means ask."""
    match = next((p for p in projects if p.id == wanted), None)
    if match is None and len(projects) == 1:
        match = projects[0]
    return match


def _consume(task: asyncio.Task[Any]) -> None:
    """An early request nobody awaits (login failed, project not chosen) must not log a warning."""
    if not task.cancelled():
        task.exception()
