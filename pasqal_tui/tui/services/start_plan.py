"""What the app does first: sign in straight away, or show the login screen (and why)."""

from __future__ import annotations

from dataclasses import dataclass

from pasqal_tui.core.config import LOCAL_PROFILE, Config, Profile, selected_profile_name
from pasqal_tui.core.secrets import SecretStore
from pasqal_tui.session.launcher import LocalLauncher
from pasqal_tui.tui.options import AppOptions


@dataclass(frozen=True)
class AskLogin:
    """Show the login screen, filled in with ``profile``, saying ``problem`` if set."""

    profile: Profile | None
    problem: str | None = None


@dataclass(frozen=True)
class SignIn:
    """Sign in with no question asked; ``status`` is what the screen says meanwhile."""

    profile: Profile
    password: str
    status: str
    start_local: bool = False


def plan_start(
    settings: Config, options: AppOptions, launcher: LocalLauncher, secrets: SecretStore
) -> AskLogin | SignIn:
    """--env asks; the embedded cloud signs in as demo; a saved profile signs in if its
    password is in the keyring, and asks otherwise."""
    name = selected_profile_name(settings, options.profile)
    if options.env:
        profile = settings.profile(name) or Profile(name=name)
        return AskLogin(profile.model_copy(update={"environment": options.env}))
    if name == LOCAL_PROFILE and settings.profile(name) is None:
        problem = launcher.unavailable()
        if problem or not options.start_local:
            return AskLogin(None, problem)
        status = "Starting the local cloud with demo data…"
        if launcher.base_url:
            status = "Logging in to the local cloud…"
        return SignIn(launcher.profile(), launcher.password, status, start_local=True)
    saved = settings.profile(name)
    if saved is None:
        return AskLogin(None, f"no profile named {name!r}")
    password = secrets.get(saved.name)
    if not password:
        return AskLogin(saved)
    return SignIn(saved, password, f"Logging in to {saved.environment} as {saved.username}…")
