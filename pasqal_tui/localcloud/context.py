"""What a request handler needs from the running server, reached via `app.state.cloud`."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pasqal_tui.localcloud.job_ids import BatchItems, JobIdsCache
from pasqal_tui.localcloud.security import LinkSigner
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.throttle import SignInThrottle
from pasqal_tui.localcloud.timeutil import Clock

if TYPE_CHECKING:
    from pasqal_tui.localcloud.scheduler import Scheduler


def random_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Cloud:
    settings: Settings
    store: Store
    signer: LinkSigner
    clock: Clock = field(default_factory=Clock)
    #: Device type -> spec JSON, being built from the server's start: building them imports
    #: Pulser (seconds), which must not delay the ready line. None: no specs (no lifespan).
    device_specs: Future[dict[str, str]] | None = None
    scheduler: Scheduler | None = None
    throttle: SignInThrottle = field(default_factory=lambda: SignInThrottle(5, 20, 60.0))
    job_ids: JobIdsCache = field(default_factory=JobIdsCache)
    batch_items: BatchItems = field(init=False)

    def __post_init__(self) -> None:
        self.batch_items = BatchItems(self.job_ids)

    async def specs(self) -> dict[str, str]:
        """The device specs, waiting for them (on the loop, holding no thread) if they are
        still being built."""
        if self.device_specs is None:
            return {}
        specs: dict[str, str] = await asyncio.wrap_future(self.device_specs)
        return dict(specs)

    def wake(self) -> None:
        """Tell the scheduler that there may be new work (safe from any thread)."""
        if self.scheduler is not None:
            self.scheduler.wake_threadsafe()
