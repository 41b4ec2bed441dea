"""What changed since a time: the batches that ended (done, with errors, canceled, timed out),
those still running, and the errored jobs of the ended ones by group.

Shared by ``pasqal-tui digest`` and the dashboard's "since you last looked" panel, so both say
the same. The API filters batches on their creation time only, and a batch created long ago may
end now: the newest :data:`MAX_DIGEST_SCAN` batches are read and sorted here by when they ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pasqal_tui.cloud.models import Batch, Page
from pasqal_tui.core.text import plural
from pasqal_tui.ops.lineage import trace
from pasqal_tui.ops.lookup import all_batches
from pasqal_tui.ops.queries import errors_of, has_errors
from pasqal_tui.ops.triage import ErrorGroup, group_errors

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

__all__ = [
    "MAX_DIGEST_SCAN",
    "SECTIONS",
    "Digest",
    "build_digest",
    "digest_document",
    "ended_at",
    "sort_batches",
]

#: Batches read at most (newest first); a digest says when the cap was hit.
MAX_DIGEST_SCAN = 2000
#: The sections, in the order they are printed, with the name of each in words and JSON.
SECTIONS = (
    ("with_errors", "with errors"),
    ("done", "done"),
    ("canceled", "canceled"),
    ("timed_out", "timed out"),
    ("running", "still running"),
)


def ended_at(batch: Batch) -> datetime:
    """When a finished batch ended (its ``end_datetime``, else its last update)."""
    return batch.end_datetime or batch.updated_at


@dataclass
class Digest:
    since: datetime
    done: list[Batch] = field(default_factory=list)
    with_errors: list[Batch] = field(default_factory=list)
    canceled: list[Batch] = field(default_factory=list)
    timed_out: list[Batch] = field(default_factory=list)
    running: list[Batch] = field(default_factory=list)
    groups: list[ErrorGroup] = field(default_factory=list)
    #: The newest batches read; at the cap, older ones may have ended too (said, not hidden).
    read: int = 0
    capped: bool = False

    @property
    def ended(self) -> list[Batch]:
        return [*self.with_errors, *self.done, *self.canceled, *self.timed_out]

    @property
    def changed(self) -> bool:
        """Something ended since then (batches still running alone are no news)."""
        return bool(self.ended)

    def section(self, name: str) -> list[Batch]:
        found: list[Batch] = getattr(self, name)
        return found

    def headline(self) -> str:
        """ "Since 2026-01-31 08:00 UTC: 2 batches done, 1 with errors, 3 still running"."""
        parts = [
            f"{plural(len(self.section(n)), 'batch')} {words}"
            for n, words in SECTIONS
            if self.section(n)
        ]
        return f"Since {self.since:%Y-%m-%d %H:%M} UTC: " + (
            ", ".join(parts) if parts else "nothing ended and nothing is running"
        )


async def build_digest(
    client: PasqalClient,
    since: datetime,
    *,
    max_batches: int = MAX_DIGEST_SCAN,
    first: Page[Batch] | None = None,
) -> Digest:
    """Read the newest batches, sort those that ended since ``since`` (and those running), then
    group the errored jobs of the ended ones (lineage-aware, as the errored-jobs view).
    ``first``: the first page of every batch, when just read (see ``all_batches``)."""
    batches = await all_batches(client, None, limit=max_batches, first=first)
    digest = sort_batches(batches, since)
    digest.capped = len(batches) >= max_batches
    report = await errors_of(client, digest.ended)
    if report.jobs:
        family = await trace(client, report.jobs, batches=report.batches)
        devices = {b.id: b.device_type for b in family.batches.values()}
        devices.update((b.id, b.device_type) for b in report.batches)
        digest.groups = group_errors(report.jobs, devices, family)
    return digest


def sort_batches(batches: list[Batch], since: datetime) -> Digest:
    """Each batch into its section: running now, or ended since ``since`` as canceled, timed
    out, with errors (ERROR or any errored job) or done; those that ended before are left out."""
    digest = Digest(since=since, read=len(batches))
    for batch in batches:
        if not batch.status.is_terminal:
            digest.running.append(batch)
        elif ended_at(batch) < since:
            continue
        elif batch.status.value == "CANCELED":
            digest.canceled.append(batch)
        elif batch.status.value == "TIMED_OUT":
            digest.timed_out.append(batch)
        elif has_errors(batch):
            digest.with_errors.append(batch)
        else:
            digest.done.append(batch)
    return digest


def batch_document(batch: Batch) -> dict[str, Any]:
    counts = batch.jobs_count_per_status or {}
    return {
        "id": batch.id,
        "status": batch.status.value,
        "device_type": batch.device_type,
        "jobs_count": batch.jobs_count,
        "jobs_count_per_status": counts,
        "created_at": batch.created_at.isoformat(),
        "end_datetime": batch.end_datetime.isoformat() if batch.end_datetime else None,
    }


def group_document(group: ErrorGroup) -> dict[str, Any]:
    return {
        "message": group.message,
        "example": group.example,
        "jobs": group.count,
        "runs": group.runs,
        "devices": sorted(group.devices),
        "job_ids": group.job_ids,
        "batch_ids": sorted(group.batches),
    }


def digest_document(digest: Digest) -> dict[str, Any]:
    """The digest as JSON: one list per section, the error groups, and how much was read."""
    document: dict[str, Any] = {"since": digest.since.isoformat()}
    for name, _words in SECTIONS:
        document[name] = [batch_document(b) for b in digest.section(name)]
    document["error_groups"] = [group_document(g) for g in digest.groups]
    document["batches_read"] = digest.read
    document["complete"] = not digest.capped
    return document
