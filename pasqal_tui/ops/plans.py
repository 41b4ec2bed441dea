"""What a mutating action will do, counted through the API before anything is sent.

A plan says how many jobs and how many runs an action touches and which of the jobs the user
picked will be left out and why, so the confirmation shows facts, not guesses. A rebatch plan
is lineage-aware (:mod:`pasqal_tui.ops.lineage`): a job already resubmitted (a later attempt is
pending, running or done) is left out unless the user explicitly includes it (``alternative``).
Plain async functions over :class:`PasqalClient`: no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.filters import CancelJobFilters, JobFilters, RebatchFilters
from pasqal_tui.cloud.models import Job, JobStatus
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.core.text import plural, short
from pasqal_tui.ops import lineage

__all__ = [
    "CANCELLABLE",
    "MAX_IDS",
    "MAX_PLAN_PAGES",
    "JobCount",
    "Plan",
    "cancel_batch_plan",
    "cancel_jobs_plan",
    "count_jobs",
    "rebatch_plan",
    "short",
]

CANCELLABLE = frozenset({JobStatus.PENDING, JobStatus.RUNNING})
#: Runs are summed over at most this many pages (10,000 jobs); beyond, the figure is a floor.
MAX_PLAN_PAGES = 100
#: Job ids a rebatch names at most (they travel in the query string; ~40 bytes each).
MAX_IDS = 150


@dataclass
class JobCount:
    """Jobs matching some filters: the server's total, and runs summed over what was read."""

    total: int = 0
    runs: int = 0
    read: int = 0
    jobs: list[Job] = field(default_factory=list)

    @property
    def runs_exact(self) -> bool:
        return self.read >= self.total

    def runs_text(self) -> str:
        prefix = "" if self.runs_exact else "at least "
        return prefix + plural(self.runs, "run")


@dataclass
class Plan:
    """One confirmation: a title, the facts, and what the action needs to run."""

    action: str
    title: str
    lines: list[str]
    batch_id: str
    jobs: int = 0
    runs: int = 0
    job_ids: list[str] = field(default_factory=list)
    ineligible: dict[str, str] = field(default_factory=dict)
    filters: RebatchFilters | CancelJobFilters | None = None
    #: Jobs left out because they were already resubmitted: id -> their live later attempt.
    skipped: dict[str, Job] = field(default_factory=dict)
    #: The same action including the skipped jobs: only ever an explicit, separate choice.
    alternative: Plan | None = None

    @property
    def empty(self) -> bool:
        return self.jobs == 0


async def count_jobs(
    client: PasqalClient,
    filters: JobFilters,
    *,
    keep: bool = False,
    max_pages: int = MAX_PLAN_PAGES,
) -> JobCount:
    """Total through ``Page.total``; runs summed page by page up to ``max_pages``."""
    count = JobCount()
    offset = 0
    for _ in range(max_pages):
        page = await client.list_jobs(filters, offset=offset, limit=MAX_PAGE_SIZE)
        count.total = page.total
        count.read += len(page.items)
        count.runs += sum(j.runs or 0 for j in page.items)
        if keep:
            count.jobs.extend(page.items)
        if not page.has_more:
            break
        offset = page.end
    return count


def rebatch_job_filters(batch_id: str, filters: RebatchFilters) -> JobFilters:
    """The job-list filters that select exactly what a rebatch with ``filters`` copies."""
    return JobFilters(
        batch_id=[batch_id],
        id=filters.id,
        status=filters.status,
        min_runs=filters.min_runs,
        max_runs=filters.max_runs,
        start_date=filters.start_date,
        end_date=filters.end_date,
    )


async def rebatch_plan(
    client: PasqalClient,
    batch_id: str,
    filters: RebatchFilters,
    marked: Iterable[str] = (),
) -> Plan:
    """How many jobs (and runs) a rebatch copies, and why marked jobs would be left out.

    Lineage-aware: a matching job whose lineage already has a later attempt that is pending,
    running or done is skipped (the plan says where); one whose copy was cancelled or failed is
    eligible again (the plan says why). The plan names the eligible jobs by id, so what is sent
    is what was confirmed; its ``alternative`` (the user's filters as typed) includes the
    skipped jobs too.
    """
    count = await count_jobs(client, rebatch_job_filters(batch_id, filters), keep=True)
    chosen = {j.id for j in count.jobs}
    ineligible: dict[str, str] = {}
    wanted = sorted(set(marked))
    if wanted:
        missing = [j for j in wanted if j not in chosen]
        if missing:
            found = await count_jobs(client, JobFilters(batch_id=[batch_id], id=missing), keep=True)
            by_id = {j.id: j for j in found.jobs}
            for job_id in missing:
                job = by_id.get(job_id)
                ineligible[job_id] = _why_not(job, filters) if job else "not in this batch"
    family = await lineage.trace(client, count.jobs)
    check = lineage.eligibility(count.jobs, family)
    title = f"Rebatch {short(batch_id)}"
    everything = Plan(
        action="rebatch",
        title=title,
        lines=[],
        batch_id=batch_id,
        jobs=count.total,
        runs=count.runs,
        job_ids=[j.id for j in count.jobs],
        ineligible=ineligible,
        filters=filters,
    )
    eligible = count.total - len(check.skipped)
    runs = count.runs - check.runs_skipped
    runs_text = ("" if count.runs_exact else "at least ") + plural(runs, "run")
    ids = [j.id for j in check.eligible]
    send: RebatchFilters | None = filters  # nothing to leave out: the filters as counted
    if ids and count.runs_exact and len(ids) <= MAX_IDS:
        send = filters.model_copy(update={"id": ids})
    elif check.skipped:
        send = None  # "all but these" cannot be said with filters
    where = f"of batch {short(batch_id)}"
    if send is None and eligible > 0:
        head = (
            f"{plural(len(check.skipped), 'job')} {where} already resubmitted, and the "
            f"{plural(eligible, 'other job')} are too many to name in one rebatch (at most "
            f"{MAX_IDS:,}): narrow the filters (runs, dates)."
        )
        eligible, runs, ids = 0, 0, []
    elif send is not None and (eligible or not check.skipped):
        head = f"Resubmit {plural(eligible, 'job')} ({runs_text}) {where} into a new batch."
    else:
        head = (
            f"Nothing left to resubmit {where}: "
            f"{plural(len(check.skipped), 'job')} already resubmitted."
        )
        eligible, runs, ids = 0, 0, []
    lines = [head, f"Filters: {describe_filters(filters)}", *check.lines()]
    if family.incomplete:
        scanned = plural(lineage.MAX_SCAN_PAGES * MAX_PAGE_SIZE, "batch")
        lines.append(f"Copies were looked for among the newest {scanned} only.")
    lines.extend(_ineligible_lines(ineligible))
    everything.lines = [
        f"Resubmit {plural(count.total, 'job')} ({count.runs_text()}) of batch "
        f"{short(batch_id)} into a new batch, including "
        f"{plural(len(check.skipped), 'job')} already resubmitted.",
        f"Filters: {describe_filters(filters)}",
    ]
    return Plan(
        action="rebatch",
        title=title,
        lines=lines,
        batch_id=batch_id,
        jobs=eligible,
        runs=runs,
        job_ids=ids,
        ineligible=ineligible,
        filters=send,
        skipped=check.skipped,
        alternative=everything if check.skipped else None,
    )


async def cancel_jobs_plan(client: PasqalClient, batch_id: str, marked: Sequence[str]) -> Plan:
    """Which marked jobs can still be cancelled (pending or running), and why the others not."""
    found = await count_jobs(client, JobFilters(batch_id=[batch_id], id=list(marked)), keep=True)
    by_id = {j.id: j for j in found.jobs}
    eligible = [j for j in found.jobs if j.status in CANCELLABLE]
    ineligible: dict[str, str] = {}
    for job_id in marked:
        job = by_id.get(job_id)
        if job is None:
            ineligible[job_id] = "not in this batch"
        elif job.status not in CANCELLABLE:
            ineligible[job_id] = f"already {job.status.value}"
    runs = sum(j.runs or 0 for j in eligible)
    if eligible:
        marked_text = plural(len(eligible), "marked job")
        lines = [f"Cancel {marked_text} ({plural(runs, 'run')}) of batch {short(batch_id)}."]
        lines.extend(_ineligible_lines(ineligible))
    else:
        lines = [f"None of the {plural(len(marked), 'marked job')} can be cancelled:"]
        lines.extend(f"{short(j)} {why}" for j, why in list(ineligible.items())[:5])
    ids = [j.id for j in eligible]
    return Plan(
        action="cancel-jobs",
        title=f"Cancel jobs of {short(batch_id)}",
        lines=lines,
        batch_id=batch_id,
        jobs=len(eligible),
        runs=runs,
        job_ids=ids,
        ineligible=ineligible,
        filters=CancelJobFilters(id=ids) if ids else None,
    )


async def cancel_batch_plan(client: PasqalClient, batch_id: str, device: str) -> Plan:
    """Cancelling a batch stops its pending and running jobs; finished ones stay as they are.

    With none left to stop, there is nothing to cancel: an open batch is then closed instead
    (action ``close``: it finishes with the results it has), a closed one needs nothing (an
    empty plan, said and not sent). The lines say which, so the dialog promises what is sent."""
    live = await count_jobs(
        client, JobFilters(batch_id=[batch_id], status=[JobStatus.PENDING, JobStatus.RUNNING])
    )
    batch = await client.get_batch(batch_id)
    name = f"batch {short(batch_id)} on {device}"
    if live.total == 0:
        if batch.open:
            return Plan(
                action="close",
                title=f"Close batch {short(batch_id)}",
                lines=[
                    f"No job of {name} is pending or running: there is nothing to cancel.",
                    "The batch is still open, so it never finishes by itself: this closes it "
                    "(as x does); it then finishes with the results it has.",
                    "No job can be added to it afterwards.",
                ],
                batch_id=batch_id,
            )
        return Plan(
            action="cancel-batch",
            title=f"Cancel batch {short(batch_id)}",
            lines=[
                f"Nothing to cancel: no job of {name} is pending or running, "
                "and it is closed; nothing is sent."
            ],
            batch_id=batch_id,
        )
    stopping = plural(live.total, "pending or running job")
    lines = [
        f"Cancel {name}: {stopping} ({live.runs_text()}) stop; "
        "finished jobs keep their results.",
    ]
    if batch.open:
        lines.append("The batch closes: no job can be added to it afterwards.")
    return Plan(
        action="cancel-batch",
        title=f"Cancel batch {short(batch_id)}",
        lines=lines,
        batch_id=batch_id,
        jobs=live.total,
        runs=live.runs,
    )


def describe_filters(filters: RebatchFilters) -> str:
    parts: list[str] = []
    if filters.status:
        parts.append("status " + ",".join(s.value for s in filters.status))
    if filters.id:
        parts.append(plural(len(filters.id), "chosen id"))
    if filters.min_runs is not None or filters.max_runs is not None:
        low = "" if filters.min_runs is None else f"{filters.min_runs:,}"
        high = "" if filters.max_runs is None else f"{filters.max_runs:,}"
        parts.append(f"runs {low}..{high}")
    if filters.start_date:
        parts.append(f"from {filters.start_date:%Y-%m-%d %H:%M}")
    if filters.end_date:
        parts.append(f"to {filters.end_date:%Y-%m-%d %H:%M}")
    return ", ".join(parts) or "none (every job of the batch)"


def _why_not(job: Job, filters: RebatchFilters) -> str:
    if filters.status and job.status not in filters.status:
        return f"status {job.status.value} is not {'/'.join(s.value for s in filters.status)}"
    runs = job.runs or 0
    if filters.min_runs is not None and runs < filters.min_runs:
        return f"{runs:,} runs is under the minimum {filters.min_runs:,}"
    if filters.max_runs is not None and runs > filters.max_runs:
        return f"{runs:,} runs is over the maximum {filters.max_runs:,}"
    if filters.start_date and job.created_at < filters.start_date:
        return "created before the date range"
    if filters.end_date and job.created_at > filters.end_date:
        return "created after the date range"
    if filters.id and job.id not in filters.id:
        return "not among the chosen ids"
    return "left out by the filters"


def _ineligible_lines(ineligible: dict[str, str], limit: int = 5) -> list[str]:
    if not ineligible:
        return []
    lines = [f"{plural(len(ineligible), 'marked job')} left out:"]
    for job_id, why in list(ineligible.items())[:limit]:
        lines.append(f"  {short(job_id)}: {why}")
    if len(ineligible) > limit:
        lines.append(f"  … and {len(ineligible) - limit:,} more")
    return lines
