"""Reads that take more than one request: the first ERROR job, the errored jobs of recent
batches, the batches with errored jobs, the remembered workloads. Plain async functions over
PasqalClient (no Textual), so the dashboard and the headless commands ask the same questions
the same way.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pasqal_tui.cloud import errors
from pasqal_tui.cloud.filters import BatchFilters, JobFilters
from pasqal_tui.cloud.models import Batch, BatchStatus, Job, JobStatus, Page, Workload
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.ops.lineage import Family, trace

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

__all__ = [
    "BATCH_CHUNK",
    "JOB_ORDER",
    "MAX_ERRORED",
    "MAX_ERRORED_SCAN",
    "MAX_SCAN_PAGES",
    "WORKLOAD_PARALLEL",
    "Direction",
    "ErroredBatches",
    "ErrorsReport",
    "FirstError",
    "WorkloadLookup",
    "batch_if_changed",
    "batches_page_if_changed",
    "errored_batches",
    "errors_of",
    "fetch_workloads",
    "find_first_error",
    "has_errors",
    "newest_batches",
    "recent_errors",
]

#: The job order every job list of the dashboard uses (the order of creation).
JOB_ORDER = "creation_order"
#: Pages scanned forward through jobs that share the first error's timestamp, at most.
MAX_SCAN_PAGES = 100
#: Errored jobs read at most (the rest is counted, not read); a report says when it is hit.
MAX_ERRORED = 5000
#: Batches read at most to find those with errored jobs; the result says when it is hit.
MAX_ERRORED_SCAN = 2000
#: Batch ids per jobs request (the query string stays short).
BATCH_CHUNK = 20
#: Workloads read at the same time.
WORKLOAD_PARALLEL = 8

Direction = Literal["ASC", "DESC"]


# ---- the first ERROR job -------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstError:
    """The first ERROR job under some filters, and the page (of the caller's size) that holds
    it. When the scan stops early, ``page`` is the last page read, near the job."""

    job: Job
    page: Page[Job]

    @property
    def on_page(self) -> bool:
        return any(j.id == self.job.id for j in self.page.items)


async def find_first_error(
    client: PasqalClient, filters: JobFilters, *, limit: int, direction: Direction = "ASC"
) -> FirstError | None:
    """The first ERROR job in ``direction`` of creation under ``filters``; None if there is none.

    Counting the jobs created before it gives its page in two requests when timestamps differ;
    jobs created in one request share a timestamp, so from where its tie group starts the pages
    are scanned forward (at most :data:`MAX_SCAN_PAGES`).
    """
    errored = filters.model_copy(update={"status": [JobStatus.ERROR]})
    first = await client.list_jobs(
        errored, offset=0, limit=1, order_by=JOB_ORDER, order_by_direction=direction
    )
    if not first.items:
        return None
    job = first.items[0]
    tick = timedelta(microseconds=1)
    if direction == "ASC":
        before = filters.model_copy(update={"end_date": job.created_at - tick})
    else:
        before = filters.model_copy(update={"start_date": job.created_at + tick})
    ahead = await client.list_jobs(before, offset=0, limit=1)
    offset = (ahead.total // limit) * limit
    for _ in range(MAX_SCAN_PAGES):
        page = await client.list_jobs(
            filters, offset=offset, limit=limit, order_by=JOB_ORDER, order_by_direction=direction
        )
        if any(j.id == job.id for j in page.items) or page.end >= page.total:
            break
        offset += limit
    return FirstError(job, page)


# ---- errored jobs of recent batches --------------------------------------------------------------


@dataclass
class ErrorsReport:
    """What the scope covered (the batches), the errored jobs read in it, and (when asked)
    their lineages: earlier attempts and rebatch copies, wherever they are."""

    batches: list[Batch]
    jobs: list[Job] = field(default_factory=list)
    total_errored: int = 0
    family: Family | None = None

    @property
    def devices(self) -> dict[str, str]:
        found = {b.id: b.device_type for b in self.family.batches.values()} if self.family else {}
        found.update((b.id, b.device_type) for b in self.batches)
        return found

    @property
    def truncated(self) -> bool:
        """More jobs errored than were read (:data:`MAX_ERRORED`)."""
        return self.total_errored > len(self.jobs)


async def newest_batches(
    client: PasqalClient, count: int, start: datetime | None, end: datetime | None
) -> list[Batch]:
    """The newest ``count`` batches created between ``start`` and ``end``: a page holds at most
    :data:`MAX_PAGE_SIZE`, so more are read page by page (a batch created meanwhile shifts the
    pages, so one seen twice is kept once)."""
    filters = BatchFilters(start_date=start, end_date=end)
    found: dict[str, Batch] = {}
    offset = 0
    while len(found) < count:
        page = await client.list_batches(
            filters, offset=offset, limit=min(count - len(found), MAX_PAGE_SIZE)
        )
        for batch in page.items:
            found.setdefault(batch.id, batch)
        if not page.has_more:
            break
        offset = page.end
    return list(found.values())[:count]


async def recent_errors(
    client: PasqalClient,
    last: int,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    max_jobs: int = MAX_ERRORED,
    lineages: bool = False,
) -> ErrorsReport:
    """The newest ``last`` batches created between ``start`` and ``end``, then the ERROR jobs of
    those that have some, page by page, up to ``max_jobs`` (all of them are counted). With
    ``lineages``, also each job's lineage (:func:`pasqal_tui.ops.lineage.trace`), so a job and
    its rebatch copies can count once."""
    report = await errors_of(
        client, await newest_batches(client, last, start, end), max_jobs=max_jobs
    )
    if lineages:
        report.family = await trace(client, report.jobs, batches=report.batches)
    return report


async def errors_of(
    client: PasqalClient, batches: list[Batch], *, max_jobs: int = MAX_ERRORED
) -> ErrorsReport:
    """The ERROR jobs of those of ``batches`` that have some, page by page, up to ``max_jobs``
    (all of them are counted)."""
    report = ErrorsReport(batches=batches)
    ids = [b.id for b in batches if b.jobs_count_per_status.get("ERROR", 0) > 0]
    for i in range(0, len(ids), BATCH_CHUNK):
        filters = JobFilters(batch_id=ids[i : i + BATCH_CHUNK], status=[JobStatus.ERROR])
        offset = 0
        while True:
            jobs = await client.list_jobs(filters, offset=offset, limit=MAX_PAGE_SIZE)
            if offset == 0:
                report.total_errored += jobs.total
            room = max_jobs - len(report.jobs)
            report.jobs.extend(jobs.items[: max(room, 0)])
            if not jobs.has_more or len(report.jobs) >= max_jobs:
                break
            offset = jobs.end
    return report


# ---- batches with errored jobs -------------------------------------------------------------------


async def batch_if_changed(client: PasqalClient, known: Batch) -> Batch | None:
    """``known`` read again if it may have changed, else None, for refresh loops. A batch
    carries every job id (megabytes for 100,000 jobs), so a closed one is polled by its status
    and counts (op 22, a few bytes) and read in full only when they moved; an open one is read
    in full, as it can also be closed (which op 22 does not tell) or grow."""
    if not known.open:
        info = await client.get_batch_status(known.id)
        counts = {k: v for k, v in (info.jobs_count_per_status or {}).items() if v}
        before = {k: v for k, v in known.jobs_count_per_status.items() if v}
        if info.status == known.status and counts == before:
            return None
    return await client.get_batch(known.id)


#: Batches of a first page polled one by one (op 22) at most; with more in flight it is cheaper
#: to read the page again.
MAX_POLLED = 8


def _membership_fixed(filters: BatchFilters) -> bool:
    """Filters a batch cannot enter or leave later (created time, device, ids, people): only a
    new batch changes what they match. Status, open and tags change, so those do not count."""
    return filters.status is None and filters.open is None and filters.tag is None


async def batches_page_if_changed(
    client: PasqalClient, filters: BatchFilters, known: Page[Batch]
) -> Page[Batch]:
    """The first page of batches again, for refresh loops, read in full only when it may have
    changed. Each batch in a list carries every job id (a page of 100 batches of 10,000 jobs is
    ~37 MB), and the first page refreshes on every tick to show new batches: here one request
    asks whether a batch newer than the page's newest exists (an empty answer when none), and
    the batches still running are polled by status and counts (op 22). ``known`` comes back as
    is when nothing moved. Other pages, filters a batch can enter or leave, open batches (they
    can grow or be closed, which op 22 does not tell) and many running ones: read in full."""
    polled = [b for b in known.items if not b.status.is_terminal]
    if (
        known.offset != 0
        or not known.items
        or not _membership_fixed(filters)
        or any(b.open for b in known.items)
        or len(polled) > MAX_POLLED
    ):
        return await client.list_batches(filters, offset=known.offset, limit=known.limit)
    newest = max(b.created_at for b in known.items)
    after = newest + timedelta(microseconds=1)  # "created at or after": strictly newer
    since = max(after, filters.start_date) if filters.start_date else after
    newer, infos = await asyncio.gather(
        client.list_batches(filters.model_copy(update={"start_date": since}), limit=1),
        asyncio.gather(*(client.get_batch_status(b.id) for b in polled)),
    )
    moved = newer.total > 0 or any(
        info.status != b.status
        or {k: v for k, v in (info.jobs_count_per_status or {}).items() if v}
        != {k: v for k, v in b.jobs_count_per_status.items() if v}
        for b, info in zip(polled, infos, strict=True)
    )
    if moved:
        return await client.list_batches(filters, offset=0, limit=known.limit)
    return known


def has_errors(batch: Batch) -> bool:
    """ERROR, or any status with at least one errored job: a batch whose jobs failed stays
    DONE (failed jobs alone do not make a batch ERROR)."""
    return batch.status == BatchStatus.ERROR or batch.jobs_count_per_status.get("ERROR", 0) > 0


@dataclass(frozen=True)
class ErroredBatches:
    """One page of the batches :func:`has_errors` keeps, and how much was read to find them."""

    page: Page[Batch]
    #: Batches read (newest first), and how many the filters match on the server.
    read: int
    total: int

    @property
    def complete(self) -> bool:
        return self.read >= self.total


async def errored_batches(
    client: PasqalClient,
    filters: BatchFilters,
    *,
    offset: int,
    limit: int,
    max_batches: int = MAX_ERRORED_SCAN,
) -> ErroredBatches:
    """Batches that are ERROR or have an errored job, under ``filters`` (their status aside).

    The API filters on the batch's status only, not on its jobs' counts: the batches are read
    newest first, at most ``max_batches`` of them, and kept here; ``offset`` and ``limit`` page
    through what was kept."""
    unfiltered = filters.model_copy(update={"status": None})
    kept: dict[str, Batch] = {}
    read = total = at = 0
    while read < max_batches:
        page = await client.list_batches(
            unfiltered, offset=at, limit=min(MAX_PAGE_SIZE, max_batches - read)
        )
        total = page.total
        read += len(page.items)
        for batch in page.items:
            if has_errors(batch):
                kept.setdefault(batch.id, batch)  # a batch created meanwhile shifts the pages
        if not page.has_more:
            break
        at = page.end
    found = list(kept.values())
    shown = Page[Batch](
        items=found[offset : offset + limit], total=len(found), offset=offset, limit=limit
    )
    return ErroredBatches(shown, read=read, total=total)


# ---- remembered workloads ------------------------------------------------------------------------


@dataclass
class WorkloadLookup:
    """Workloads read by id; ``problems`` says, per id, why one could not be read."""

    found: dict[str, Workload] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


async def fetch_workloads(client: PasqalClient, ids: list[str]) -> WorkloadLookup:
    """A few at a time (the API cannot list workloads); an id the server refuses (unknown,
    someone else's, malformed in a hand-edited history) becomes a line, not a failure."""
    gate = asyncio.Semaphore(WORKLOAD_PARALLEL)

    async def one(wid: str) -> tuple[str, Workload | str]:
        async with gate:
            try:
                return wid, await client.get_workload(wid)
            except (
                errors.NotFoundError,
                errors.PermissionDeniedError,
                errors.InvalidRequestError,
            ) as exc:
                return wid, str(exc)

    lookup = WorkloadLookup()
    for wid, result in await asyncio.gather(*(one(i) for i in ids)):
        if isinstance(result, Workload):
            lookup.found[wid] = result
        else:
            lookup.problems[wid] = result
    return lookup
