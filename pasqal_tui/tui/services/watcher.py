"""Watched batches: `w` on a batch, and when it ends, wherever the user is in the app, a toast
and a terminal notification. The list is kept per profile (core.watchlist), so it survives a
restart. Polled on the live refresh loop's tick (no second timer): one cheap status request per
watched batch, then the batch itself for those that ended, for the words of the toast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from pasqal_tui.cloud import errors
from pasqal_tui.cloud.models import Batch
from pasqal_tui.core.notify import TerminalNotifier
from pasqal_tui.core.text import plural, short, status_counts
from pasqal_tui.core.watchlist import Watchlist

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.tui.app import PasqalApp


@dataclass
class Polled:
    ended: list[Batch] = field(default_factory=list)
    #: Watched ids the cloud no longer shows (deleted, another project): dropped, said once.
    gone: list[str] = field(default_factory=list)


class WatchPolled(Message):
    def __init__(self, polled: Polled) -> None:
        super().__init__()
        self.polled = polled


def ended_line(batch: Batch) -> str:
    """ "Batch 4d5e6f7a on EMU_FREE ended DONE: 9 done, 1 errored"."""
    parts = status_counts(batch.jobs_count_per_status or {})
    return (
        f"Batch {short(batch.id)} on {batch.device_type} ended {batch.status.value}: "
        f"{parts or plural(batch.jobs_count, 'job')}"
    )


class Watcher:
    """The app's watched batches; ``tick`` is called by the refresh loop."""

    def __init__(self, app: PasqalApp) -> None:
        self.app = app
        self.watchlist: Watchlist | None = None
        self.notifier = TerminalNotifier(self._write, is_terminal=False)

    @property
    def ids(self) -> list[str]:
        return list(self.watchlist.ids) if self.watchlist else []

    def start(self, profile: str) -> None:
        """Load the profile's list; told once when it could not be read."""
        self.watchlist = Watchlist(profile)
        out = sys.__stdout__
        is_terminal = bool(out and out.isatty()) and not self.app.is_headless
        self.notifier = TerminalNotifier(self._write, is_terminal, self.app.settings.notify)
        if self.watchlist.problem:
            self.app.notify(self.watchlist.problem, severity="warning", markup=False)

    def _write(self, text: str) -> None:
        driver = self.app._driver  # the app's own output, so it never interleaves a frame
        if driver is not None:
            driver.write(text)
            driver.flush()

    def toggle(self, batch: Batch) -> None:
        """Watch ``batch``, or stop watching it; one that already ended is said, not watched."""
        if self.watchlist is None:
            return
        if self.watchlist.remove(batch.id):
            self.app.notify(f"Stopped watching batch {short(batch.id)}", timeout=4)
        elif batch.status.is_terminal:
            self.app.notify(ended_line(batch) + " (nothing to watch)", timeout=6, markup=False)
        else:
            self.watchlist.add(batch.id)
            self.app.notify(
                f"Watching batch {short(batch.id)}: you are told when it ends, wherever you are",
                timeout=5,
            )

    def tick(self) -> None:
        ids = self.ids
        if not ids:
            return
        self.app.cloud.request(self.app, "watch", lambda c: poll(c, ids), WatchPolled,
                               background=True)  # fmt: skip

    def polled(self, polled: Polled) -> None:
        if self.watchlist is None:
            return
        for batch in polled.ended:
            if self.watchlist.remove(batch.id):
                line = ended_line(batch)
                errored = (batch.jobs_count_per_status or {}).get("ERROR")
                severity: SeverityLevel = (
                    "information" if batch.status.value == "DONE" and not errored else "warning"
                )
                self.app.notify(line, title="Watched batch ended", severity=severity,
                                timeout=30, markup=False)  # fmt: skip
                self.notifier.notify("pasqal-tui", line)
        for batch_id in polled.gone:
            if self.watchlist.remove(batch_id):
                self.app.notify(
                    f"Batch {short(batch_id)} is gone or in another project: no longer watched",
                    severity="warning",
                    markup=False,
                )


async def poll(client: PasqalClient, ids: list[str]) -> Polled:
    """The cheap status of each watched batch; the whole batch of those that ended."""
    found = Polled()
    for batch_id in ids:
        try:
            status = await client.get_batch_status(batch_id)
            if status.status.is_terminal:
                found.ended.append(await client.get_batch(batch_id))
        except (errors.NotFoundError, errors.PermissionDeniedError, errors.InvalidRequestError):
            found.gone.append(batch_id)
    return found
