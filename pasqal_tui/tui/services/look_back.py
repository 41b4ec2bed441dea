""" "Since you last looked": once per start, the digest since this profile's last look (the
dashboard's previous start or a ``pasqal-tui digest``), shown in a panel when something ended.
Nothing on a first run, nothing when nothing ended; the look is recorded once it is read.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from textual.message import Message

from pasqal_tui.core.last_looked import last_looked, mark_looked
from pasqal_tui.ops.digest import Digest, build_digest

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.models import Batch, Page
    from pasqal_tui.tui.app import PasqalApp

#: Batches read for the panel at start, at most (the newest; `pasqal-tui digest` reads more).
PANEL_SCAN = 500


async def answer_of(task: asyncio.Task[Page[Batch]] | None) -> Page[Batch] | None:
    """What ``task`` answered, once it has; None if it failed or was given up (the digest
    then reads that page itself), never its failure."""
    if task is None:
        return None
    await asyncio.wait([task])
    if task.cancelled() or task.exception() is not None:
        return None
    return task.result()


class DigestReady(Message):
    def __init__(self, digest: Digest) -> None:
        super().__init__()
        self.digest = digest


class LookBack:
    def __init__(self, app: PasqalApp) -> None:
        self.app = app
        self.profile = ""
        self.started = False
        self.now: datetime | None = None
        #: The batch list's first page, asked for during the login: the digest's first page
        #: too (the same request), read once rather than twice at start.
        self.first_page: asyncio.Task[Page[Batch]] | None = None

    def offer_first_page(self, task: asyncio.Task[Page[Batch]]) -> None:
        """The batch list's first page, on its way (before the first start only)."""
        if not self.started:
            self.first_page = task

    def start(self, profile: str) -> None:
        """On the first project entered since the app started (not on a later re-login)."""
        if self.started:
            return
        self.started, self.profile = True, profile
        early, self.first_page = self.first_page, None
        since = last_looked(profile)
        self.now = datetime.now(timezone.utc)  # server times are wall-clock times
        if since is None:  # a first run: nothing to tell, from now on there is
            self._mark()
            return

        async def digest(client: PasqalClient) -> Digest:
            first = await answer_of(early)
            return await build_digest(client, since, max_batches=PANEL_SCAN, first=first)

        self.app.cloud.request(self.app, "digest", digest, DigestReady, background=True)

    def _mark(self) -> None:
        if self.now is None:
            return
        try:
            mark_looked(self.profile, self.now)
        except OSError as exc:
            self.app.notify(f"Could not record this look: {exc.strerror}", severity="warning")

    def ready(self, digest: Digest) -> None:
        from pasqal_tui.tui.screens.dialogs.since import SinceScreen

        self._mark()
        if not digest.changed:
            return

        def jump(batch: Batch | None) -> None:
            if batch is not None:
                from pasqal_tui.tui.screens.jobs import JobsScreen

                self.app.push_screen(JobsScreen(batch))

        self.app.push_screen(SinceScreen(digest), jump)
