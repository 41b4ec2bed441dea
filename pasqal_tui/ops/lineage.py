"""Lineage: a job and its rebatch copies, linked by ``parent_id`` (SPEC §3.1, §3.2, §3.6).

A rebatch makes a new batch whose ``parent_id`` is the source batch, holding copies whose
``parent_id`` is the source job; a copy can be rebatched again. A job and all its copies are one
lineage (a tree; usually a chain). :func:`trace` reads what it takes through the API: the
earlier attempts (up the parent links, by id) and the later ones (every job of the batches whose
parent chain reaches a batch of the traced jobs). Plain async functions, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pasqal_tui.cloud.filters import BatchFilters, JobFilters
from pasqal_tui.cloud.models import Batch, Job, JobStatus
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.core.text import plural, short

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

__all__ = [
    "FAILED",
    "ID_CHUNK",
    "LIVE",
    "MAX_LINEAGE_JOBS",
    "MAX_SCAN_PAGES",
    "Eligibility",
    "Family",
    "Lineage",
    "eligibility",
    "jobs_by_id",
    "trace",
]

#: A later attempt in one of these states means the job was already resubmitted: resubmitting
#: it again would pay for the same work twice.
LIVE = frozenset({JobStatus.PENDING, JobStatus.RUNNING, JobStatus.DONE, JobStatus.PAUSED})
#: A later attempt that ended like this leaves the job eligible again.
FAILED = frozenset({JobStatus.ERROR, JobStatus.CANCELED, JobStatus.TIMED_OUT})
#: Job ids per request when reading jobs by id (the query string stays short).
ID_CHUNK = 50
#: Batch ids per request when reading the jobs of copy batches.
BATCH_CHUNK = 20
#: Pages of batches created since the oldest traced job that are checked for copies, at most.
MAX_SCAN_PAGES = 10
#: Jobs of copy batches read at most; beyond, the family says it is incomplete.
MAX_LINEAGE_JOBS = 20_000
#: The multiplication sign of "retried 2 times" as screens show it.
TIMES = "\u00d7"
#: Earlier attempts read by id at most (50 per request); beyond, the family is incomplete.
MAX_ANCESTORS = 2_000
#: Parent links followed up at most.
MAX_DEPTH = 50


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class Lineage:
    """Every known attempt of one job, oldest first; ``missing`` are earlier attempts that
    could not be read (their batch is gone or in another project)."""

    attempts: list[Job]
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.attempts.sort(key=lambda j: (j.created_at, j.id))
        self._by_id = {j.id: j for j in self.attempts}

    @property
    def root(self) -> Job:
        return self.attempts[0]

    @property
    def latest(self) -> Job:
        return self.attempts[-1]

    @property
    def copies(self) -> int:
        """How many times the job was resubmitted (attempts after the first known one)."""
        return len(self.attempts) - 1

    def latest_error(self) -> Job | None:
        """The newest attempt that ended in ERROR: the one a triage resubmits."""
        return next((j for j in reversed(self.attempts) if j.status == JobStatus.ERROR), None)

    def ancestors(self, job: Job) -> list[Job]:
        """``job``'s earlier attempts, up its parent links (nearest first)."""
        found: list[Job] = []
        parent = self._by_id.get(job.parent_id or "")
        while parent is not None and parent not in found:
            found.append(parent)
            parent = self._by_id.get(parent.parent_id or "")
        return found

    def later(self, job: Job) -> list[Job]:
        """Attempts other than ``job`` and its ancestors (its copies, and copies of its
        ancestors made beside it), newest first."""
        earlier = {job.id, *(a.id for a in self.ancestors(job))}
        return [a for a in reversed(self.attempts) if a.id not in earlier]

    def resubmitted(self, job: Job) -> list[Job]:
        """Later attempts that are pending, running or done, newest first."""
        return [a for a in self.later(job) if a.status in LIVE]

    def describe(self, job: Job | None = None) -> str:
        """ "retried 2 times, last: ERROR in 63a5173e" (with the multiplication sign),
        "resubmitted, now RUNNING in 63a5173e", or "" for a job never resubmitted. ``job`` is
        the attempt shown (default the newest ERROR one)."""
        job = job or self.latest_error() or self.latest
        if self.copies == 0:
            return ""
        times = "" if self.copies == 1 else f" {self.copies}{TIMES}"
        live = self.resubmitted(job)
        if live:
            now = live[0]
            return f"resubmitted{times}, now {now.status.value} in {short(now.batch_id)}"
        last = self.latest
        return f"retried {self.copies}{TIMES}, last: {last.status.value} in {short(last.batch_id)}"

    def again_reason(self, job: Job) -> str:
        """Why ``job``, already resubmitted before, is eligible again ("" if never resubmitted
        or if a later attempt is live)."""
        if self.copies == 0 or self.resubmitted(job):
            return ""
        later = self.later(job)
        if later:
            last = later[0]
            return f"its copy in {short(last.batch_id)} was {last.status.value}"
        if job.status in FAILED and job.parent_id:
            return f"a copy that failed again ({job.status.value})"
        return ""


@dataclass
class Family:
    """The lineages of some jobs, and what was read to find them."""

    lineages: dict[str, Lineage] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    #: A cap was hit: more batches or copies exist than were read.
    incomplete: bool = False

    def of(self, job: Job) -> Lineage:
        return self.lineages.get(job.id) or Lineage([job])

    @property
    def in_flight(self) -> bool:
        """Whether a resubmitted job's newest attempt can still change (its outcome is to come)."""
        return any(
            lineage.copies and not lineage.latest.status.is_terminal
            for lineage in self.lineages.values()
        )


async def jobs_by_id(client: PasqalClient, ids: Iterable[str]) -> dict[str, Job]:
    """The jobs with these ids that the server shows (an id it does not know is left out)."""
    wanted = sorted({i for i in ids if _is_uuid(i)})
    found: dict[str, Job] = {}
    for i in range(0, len(wanted), ID_CHUNK):
        page = await client.list_jobs(JobFilters(id=wanted[i : i + ID_CHUNK]), limit=MAX_PAGE_SIZE)
        found.update((j.id, j) for j in page.items)
    return found


async def _batches_since(client: PasqalClient, since: datetime) -> tuple[list[Batch], bool]:
    """Batches created at or after ``since``, at most :data:`MAX_SCAN_PAGES` pages; the flag
    says the scan stopped at its cap."""
    filters = BatchFilters(start_date=since)
    found: dict[str, Batch] = {}
    offset = 0
    for _ in range(MAX_SCAN_PAGES):
        page = await client.list_batches(filters, offset=offset, limit=MAX_PAGE_SIZE)
        for batch in page.items:
            found.setdefault(batch.id, batch)
        if not page.has_more:
            return list(found.values()), False
        offset = page.end
    return list(found.values()), True


async def _jobs_of(client: PasqalClient, batch_ids: list[str], cap: int) -> tuple[list[Job], bool]:
    """Every job of these batches, up to ``cap``; the flag says the cap was hit."""
    jobs: list[Job] = []
    for i in range(0, len(batch_ids), BATCH_CHUNK):
        filters = JobFilters(batch_id=batch_ids[i : i + BATCH_CHUNK])
        offset = 0
        while True:
            page = await client.list_jobs(filters, offset=offset, limit=MAX_PAGE_SIZE)
            jobs.extend(page.items)
            if len(jobs) >= cap:
                return jobs[:cap], True
            if not page.has_more:
                break
            offset = page.end
    return jobs, False


async def trace(
    client: PasqalClient, jobs: Iterable[Job], *, batches: Iterable[Batch] = ()
) -> Family:
    """The lineage of each of ``jobs``: their earlier attempts (read by id up the parent links)
    and later ones (the jobs of every batch whose parent chain reaches one of theirs, found
    among the batches created since the oldest of them). ``batches`` are ones already read."""
    nodes: dict[str, Job] = {j.id: j for j in jobs}
    family = Family(batches={b.id: b for b in batches})
    if not nodes:
        return family
    missing: set[str] = set()
    budget = MAX_ANCESTORS
    for _ in range(MAX_DEPTH):
        wanted = {
            j.parent_id
            for j in nodes.values()
            if j.parent_id and j.parent_id not in nodes and j.parent_id not in missing
        }
        if not wanted:
            break
        if len(wanted) > budget:
            family.incomplete = True
            wanted = set(sorted(wanted)[:budget])
            if not wanted:
                break
        budget -= len(wanted)
        found = await jobs_by_id(client, wanted)
        nodes.update(found)
        missing |= wanted - found.keys()

    since = min(j.created_at for j in nodes.values())
    scanned, capped = await _batches_since(client, since)
    family.incomplete |= capped
    for batch in scanned:
        family.batches.setdefault(batch.id, batch)
    related = {j.batch_id for j in nodes.values()}
    copies: list[str] = []
    ordered = sorted(family.batches.values(), key=lambda b: (b.created_at, b.id))
    grew = True
    while grew:  # children are newer than their parents, so this settles in one or two passes
        grew = False
        for batch in ordered:
            if batch.id not in related and batch.parent_id in related:
                related.add(batch.id)
                copies.append(batch.id)
                grew = True
    read, capped = await _jobs_of(client, copies, MAX_LINEAGE_JOBS)
    family.incomplete |= capped
    for job in read:
        nodes.setdefault(job.id, job)

    root: dict[str, str] = {}

    def find(key: str) -> str:
        while root.get(key, key) != key:
            key = root[key]
        return key

    for job in nodes.values():
        if job.parent_id and job.parent_id in nodes:
            root[find(job.id)] = find(job.parent_id)
    members: dict[str, list[Job]] = {}
    for job in nodes.values():
        members.setdefault(find(job.id), []).append(job)
    for group in members.values():
        lost = sorted({j.parent_id for j in group if j.parent_id and j.parent_id in missing})
        lineage = Lineage(group, lost)
        for job in group:
            family.lineages[job.id] = lineage
    return family


@dataclass
class Eligibility:
    """Which of some jobs a rebatch may resubmit: ``skipped`` maps a job already resubmitted
    to its newest pending, running or done attempt; ``again`` says why a job resubmitted before
    is eligible again (its copy was cancelled or failed)."""

    eligible: list[Job] = field(default_factory=list)
    skipped: dict[str, Job] = field(default_factory=dict)
    again: dict[str, str] = field(default_factory=dict)
    runs_skipped: int = 0

    def lines(self, limit: int = 5) -> list[str]:
        """ "Skipped: 3 jobs already resubmitted in 63a5173e (RUNNING)", "Eligible again: 1 job
        (its copy in 9f0e1d2c was CANCELED)"."""
        where: dict[tuple[str, str], int] = {}
        for live in self.skipped.values():
            key = (short(live.batch_id), live.status.value)
            where[key] = where.get(key, 0) + 1
        lines = [
            f"Skipped: {plural(n, 'job')} already resubmitted in {batch} ({status})"
            for (batch, status), n in list(where.items())[:limit]
        ]
        if len(where) > limit:
            rest = sum(n for _, n in list(where.items())[limit:])
            lines.append(f"Skipped: {plural(rest, 'more job')} already resubmitted elsewhere")
        why: dict[str, int] = {}
        for reason in self.again.values():
            why[reason] = why.get(reason, 0) + 1
        for reason, n in list(why.items())[:limit]:
            lines.append(f"Eligible again: {plural(n, 'job')} ({reason})")
        if len(why) > limit:
            rest = sum(n for _, n in list(why.items())[limit:])
            lines.append(f"Eligible again: {plural(rest, 'more job')} (their copies failed)")
        return lines


def eligibility(jobs: Iterable[Job], family: Family) -> Eligibility:
    """Leave out every job whose lineage already has a later attempt that is pending, running
    or done; keep the others, saying why those resubmitted before are eligible again."""
    result = Eligibility()
    for job in jobs:
        lineage = family.of(job)
        live = lineage.resubmitted(job)
        if live:
            result.skipped[job.id] = live[0]
            result.runs_skipped += job.runs or 0
            continue
        result.eligible.append(job)
        reason = lineage.again_reason(job)
        if reason:
            result.again[job.id] = reason
    return result
