"""A signed-in client for one command: the same profiles, keyring and embedded local cloud as
the dashboard (with no configuration, the demo cloud is started and stopped around the call)."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pasqal_tui.cloud.environments import ENVIRONMENT_ALIASES, ENVIRONMENT_NAMES
from pasqal_tui.core.config import LOCAL_PROFILE, load_config, selected_profile_name
from pasqal_tui.core.secrets import SecretStore
from pasqal_tui.session.launcher import LocalLauncher
from pasqal_tui.session.login import open_client, pick_project

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient


class CannotConnect(Exception):
    """Why no signed-in client could be made (exit code 4); ``str()`` is the line to print."""


@dataclass
class Connection:
    client: PasqalClient
    profile: str
    read_only: bool


@asynccontextmanager
async def connect(args: argparse.Namespace) -> AsyncIterator[Connection]:
    loaded = load_config(environments=ENVIRONMENT_NAMES, aliases=ENVIRONMENT_ALIASES)
    if loaded.problem:
        raise CannotConnect(loaded.problem)
    config = loaded.config
    name = selected_profile_name(config, args.profile)
    launcher = LocalLauncher(args.local_url)
    try:
        if name == LOCAL_PROFILE and config.profile(name) is None:
            problem = launcher.unavailable()
            if problem:
                raise CannotConnect(problem)
            await launcher.start()
            profile, password = launcher.profile(), launcher.password
            secrets = None
        else:
            saved = config.profile(name)
            if saved is None:
                raise CannotConnect(f"no profile named {name!r} in {loaded.path}")
            secrets = SecretStore()
            stored = secrets.get(saved.name)
            if not stored:
                raise CannotConnect(
                    f"no password for profile {name!r} in the keyring: log in once with "
                    f"`pasqal-tui --profile {name}` and tick 'remember'"
                )
            profile, password = saved, stored
        try:
            client, projects, _where, _ = await open_client(
                profile, password, launcher, secrets=secrets
            )
        except ValueError as exc:
            raise CannotConnect(str(exc)) from None
        try:
            project = pick_project(projects, profile.project_id)
            if project is None:
                names = ", ".join(f"{p.name} ({p.id[:8]})" for p in projects) or "none"
                raise CannotConnect(
                    f"profile {name!r} has no project chosen and the account has several: "
                    f"{names}; choose one in the dashboard once"
                )
            client.project_id = project.id
            yield Connection(client, profile.name, read_only=bool(args.read_only))
        finally:
            await client.__aexit__(None, None, None)
    finally:
        launcher.stop()
