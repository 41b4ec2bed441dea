"""The embedded ``local`` profile: a local cloud subprocess, owned by the app.

This is the only module of the dashboard that knows the local cloud exists. The server runs as a
separate process (``--exit-with-parent``), so even a crash of the app cannot leave it behind.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import TYPE_CHECKING

from pasqal_tui.core import paths
from pasqal_tui.core.config import LOCAL_PROFILE, Profile

if TYPE_CHECKING:
    from pasqal_tui.localcloud.process import LocalCloudProcess

INSTALL_HINT = (
    "The embedded local cloud needs the `local` extra: pipx install 'pasqal-tui[local]' "
    "(or pip install 'pasqal-tui[local]'). Log in to Pasqal Cloud meanwhile."
)
_LOCAL_MODULES = ("fastapi", "uvicorn", "pulser")


class LocalLauncher:
    """Starts the demo cloud (or adopts one already running at ``url``) and stops it."""

    username = "demo"
    password = "demo"

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self.process: LocalCloudProcess | None = None

    @property
    def base_url(self) -> str | None:
        if self._url:
            return self._url.rstrip("/")
        return self.process.base_url if self.process is not None else None

    def unavailable(self) -> str | None:
        """Why the local cloud cannot start here, or None."""
        if self._url:
            return None
        missing = [m for m in _LOCAL_MODULES if importlib.util.find_spec(m) is None]
        return INSTALL_HINT if missing else None

    async def start(self) -> str:
        if self.base_url:
            return self.base_url
        from pasqal_tui.localcloud.process import LocalCloudProcess

        data_dir = paths.local_cloud_dir()
        data_dir.mkdir(parents=True, exist_ok=True)
        process = LocalCloudProcess(data_dir, ["--demo"])
        self.process = process
        await asyncio.to_thread(process.start)
        return str(process.base_url)

    def profile(self) -> Profile:
        return Profile(name=LOCAL_PROFILE, environment=LOCAL_PROFILE, username=self.username)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.stop()
