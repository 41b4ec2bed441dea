"""Group errored jobs by what went wrong: the same message with other ids or numbers is one group.

Groups hold lineages, not copies (:mod:`pasqal_tui.ops.lineage`): a job and its rebatch copies
count once, shown by their newest ERROR attempt and described by their latest one. Pure
functions over client models, so the errored-jobs view and any script share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pasqal_tui.cloud.models import Job
from pasqal_tui.ops.lineage import Family, Lineage

__all__ = ["ErrorGroup", "group_errors", "normalise_message"]

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_HEX = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])-(?=\d)|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACES = re.compile(r"\s+")
NO_MESSAGE = "(no error message)"


def normalise_message(text: str) -> str:
    """The first line of an error with ids, hex hashes and numbers replaced by placeholders."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    if not lines:
        return NO_MESSAGE
    line = _UUID.sub("<id>", lines[0])
    line = _HEX.sub("<id>", line)
    line = _NUMBER.sub("<n>", line).replace("<n><n>", "<n>")
    return _SPACES.sub(" ", line).strip()


@dataclass
class ErrorGroup:
    """Errored lineages sharing one normalised message: ``job_ids`` (and ``batches``) are each
    lineage's newest ERROR attempt, the one a rebatch resubmits; ``resubmitted`` counts the
    lineages with a later attempt pending, running or done."""

    message: str
    example: str
    members: list[tuple[Job, Lineage]] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    batches: dict[str, list[str]] = field(default_factory=dict)
    devices: set[str] = field(default_factory=set)
    runs: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    resubmitted: int = 0

    @property
    def key(self) -> str:
        """What identifies the group across reloads (its row key)."""
        return self.message

    @property
    def count(self) -> int:
        return len(self.job_ids)

    def add(self, job: Job, device: str, lineage: Lineage | None = None) -> None:
        lineage = lineage or Lineage([job])
        self.members.append((job, lineage))
        if lineage.resubmitted(job):
            self.resubmitted += 1
        self.job_ids.append(job.id)
        self.batches.setdefault(job.batch_id, []).append(job.id)
        if device:
            self.devices.add(device)
        self.runs += job.runs or 0
        seen = job.end_timestamp or job.updated_at
        if self.first_seen is None or seen < self.first_seen:
            self.first_seen = seen
        if self.last_seen is None or seen > self.last_seen:
            self.last_seen = seen


def group_errors(
    jobs: Iterable[Job], devices: dict[str, str], family: Family | None = None
) -> list[ErrorGroup]:
    """Groups, largest first (ties: most recent first); ``devices`` maps batch id -> device.

    With ``family`` (the lineages of ``jobs``), a job and its copies count once, in the group
    of the lineage's newest ERROR attempt."""
    groups: dict[str, ErrorGroup] = {}
    seen: set[int] = set()
    for errored in jobs:
        lineage = family.of(errored) if family else Lineage([errored])
        if id(lineage) in seen:
            continue
        seen.add(id(lineage))
        job = lineage.latest_error() or errored
        first = (job.errors or [""])[0]
        key = normalise_message(first)
        group = groups.get(key)
        if group is None:
            example = first.strip().splitlines()[0] if first.strip() else NO_MESSAGE
            group = groups[key] = ErrorGroup(message=key, example=example)
        group.add(job, devices.get(job.batch_id, ""), lineage)
    return sorted(
        groups.values(),
        key=lambda g: (-g.count, -(g.last_seen.timestamp() if g.last_seen else 0), g.message),
    )
