"""Rebatching an error group: one plan per source batch, lineage-aware, and the send of all of
them. Plain async functions over :class:`PasqalClient` (no Textual), so no screen holds
multi-request logic.

A group lists lineages (a job and its rebatch copies count once). Each lineage resubmits its
newest ERROR attempt, unless a later attempt is pending, running or done: then it is skipped,
and only the explicit alternative (``GroupPlan.everything``) includes it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pasqal_tui.cloud import errors
from pasqal_tui.cloud.filters import RebatchFilters
from pasqal_tui.cloud.models import Batch, Job, JobStatus
from pasqal_tui.core.text import plural, short
from pasqal_tui.ops import lineage
from pasqal_tui.ops.outcomes import CreateNotConfirmedError, Unconfirmed, rebatch_once
from pasqal_tui.ops.plans import MAX_IDS, Plan

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

__all__ = ["GroupPlan", "RebatchOutcome", "group_rebatch_plan", "rebatch_all"]

GONE = "gone or in another project"


@dataclass
class GroupPlan:
    """What rebatching a group does: ``plans`` (one per source batch, the eligible jobs only)
    by default; ``everything`` also resubmits the skipped jobs (empty when none was)."""

    message: str
    lines: list[str]
    plans: list[Plan] = field(default_factory=list)
    everything: list[Plan] = field(default_factory=list)
    skipped: int = 0
    devices: dict[str, str] = field(default_factory=dict)
    title: str = "Rebatch a group"

    @property
    def jobs(self) -> int:
        return sum(p.jobs for p in self.plans)

    @property
    def empty(self) -> bool:
        """Nothing to send with `y` (there may still be the explicit alternative)."""
        return not self.plans


def _batch_plans(targets: Sequence[Job], status: JobStatus) -> tuple[list[Plan], list[str]]:
    """One rebatch per source batch naming its jobs; lines for batches with too many."""
    by_batch: dict[str, list[Job]] = {}
    for job in targets:
        by_batch.setdefault(job.batch_id, []).append(job)
    plans: list[Plan] = []
    problems: list[str] = []
    for batch_id, jobs in by_batch.items():
        ids = sorted(j.id for j in jobs)
        if len(ids) > MAX_IDS:
            problems.append(
                f"Batch {short(batch_id)}: {plural(len(ids), 'job')} are too many to name in "
                f"one rebatch (at most {MAX_IDS:,}): left out; rebatch it from its job table."
            )
            continue
        plans.append(
            Plan(
                action="rebatch",
                title=f"Rebatch {short(batch_id)}",
                lines=[],
                batch_id=batch_id,
                jobs=len(ids),
                runs=sum(j.runs or 0 for j in jobs),
                job_ids=ids,
                filters=RebatchFilters(id=ids, status=[status]),
            )
        )
    return plans, problems


def _summary(plans: Sequence[Plan], devices: Mapping[str, str]) -> list[str]:
    jobs = sum(p.jobs for p in plans)
    runs = sum(p.runs for p in plans)
    lines = [
        f"Resubmit {plural(jobs, 'job')} ({plural(runs, 'run')}) from "
        f"{plural(len(plans), 'source batch')} into {plural(len(plans), 'new batch')}:"
    ]
    for p in plans:
        device = f" {devices[p.batch_id]}" if devices.get(p.batch_id) else ""
        lines.append(
            f"  {short(p.batch_id)}{device}: {plural(p.jobs, 'job')}, {plural(p.runs, 'run')}"
        )
    return lines


async def group_rebatch_plan(
    client: PasqalClient, message: str, sources: Mapping[str, Sequence[str]]
) -> GroupPlan:
    """Plan the rebatch of an error group, read afresh: ``sources`` maps each source batch to
    the group's jobs there. Each lineage counts once and resubmits its newest ERROR attempt; a
    lineage already resubmitted (pending, running or done) is skipped and named; a source
    batch that is gone or in another project is named, not a failure."""
    wanted = [job_id for ids in sources.values() for job_id in ids]
    found = await lineage.jobs_by_id(client, wanted)
    lines = [f"Error: {message}"]
    problems: list[str] = []
    batches: dict[str, Batch] = {}
    for batch_id, ids in sources.items():
        lost = [i for i in ids if i not in found]
        if not lost:
            continue
        try:
            batches[batch_id] = await client.get_batch(batch_id)
            problems.append(
                f"{plural(len(lost), 'job')} of batch {short(batch_id)} no longer found: left out."
            )
        except (errors.NotFoundError, errors.PermissionDeniedError, errors.InvalidRequestError):
            problems.append(
                f"Source batch {short(batch_id)} is {GONE}: {plural(len(lost), 'job')} left out."
            )
    family = await lineage.trace(client, found.values())
    batches.update(family.batches)
    targets: dict[int, Job] = {}
    for job in found.values():
        line = family.of(job)
        targets.setdefault(id(line), line.latest_error() or job)
    check = lineage.eligibility(targets.values(), family)
    for job in targets.values():
        if job.batch_id not in batches:
            # Only its device is missing: if it is really gone, the rebatch says so.
            with contextlib.suppress(errors.NotFoundError, errors.PermissionDeniedError):
                batches[job.batch_id] = await client.get_batch(job.batch_id)
    devices = {bid: b.device_type for bid, b in batches.items()}
    plans, too_many = _batch_plans(check.eligible, JobStatus.ERROR)
    everything: list[Plan] = []
    if check.skipped:
        everything, _ = _batch_plans(list(targets.values()), JobStatus.ERROR)
    if plans:
        lines.extend(_summary(plans, devices))
    elif check.skipped:
        lines.append(
            f"Nothing left to resubmit: {plural(len(check.skipped), 'job')} already resubmitted."
        )
    else:
        lines.append("Nothing left to resubmit: none of these jobs can be rebatched any more.")
    lines.extend(check.lines())
    lines.extend(too_many)
    lines.extend(problems)
    lost = sorted({m for j in targets.values() for m in family.of(j).missing})
    if lost:
        lines.append(
            f"Earlier attempts not found ({GONE}): " + ", ".join(short(i) for i in lost[:5])
        )
    if family.incomplete:
        lines.append("Copies were looked for among the newest batches only (a cap was hit).")
    return GroupPlan(
        message=message,
        lines=lines,
        plans=plans,
        everything=everything,
        skipped=len(check.skipped),
        devices=devices,
    )


@dataclass
class RebatchOutcome:
    """The batches made, and per source batch why a rebatch failed."""

    made: list[Batch] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: What the lookups found for sends whose answer was lost ("created as 4d5e6f7a").
    recovered: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[str]:
        return [b.id for b in self.made]

    def summary(self) -> str:
        """ "Rebatched 1 job of 1 batch into 4d5e6f7a"; failures named after."""
        jobs = sum(b.total_jobs for b in self.made)
        names = ", ".join(short(b.id) for b in self.made)
        text = f"Rebatched {plural(jobs, 'job')} of {plural(len(self.made), 'batch')}" + (
            f" into {names}" if names else ""
        )
        for batch_id, why in self.failed.items():
            text += f"; {short(batch_id)} failed: {why}"
        return "; ".join([text, *self.recovered])


async def rebatch_all(
    client: PasqalClient, plans: Sequence[Plan], *, unconfirmed: Unconfirmed | None = None
) -> RebatchOutcome:
    """One rebatch per plan, each sent once (``outcomes.rebatch_once``: a lost answer is looked
    up). A refused one (gone, another project, nothing left that matches) is named and the
    others still go; if none went, the first failure is raised, so the caller reports a failure
    rather than a success. A send whose outcome stays unknown stops the group, saying how far
    it got: nothing more is sent until the user has seen it."""
    outcome = RebatchOutcome()
    first: errors.PasqalError | None = None
    for index, plan in enumerate(plans):
        filters = plan.filters
        assert isinstance(filters, RebatchFilters)
        try:
            made = await rebatch_once(client, plan.batch_id, filters, unconfirmed=unconfirmed)
        except CreateNotConfirmedError as exc:
            done = ", ".join(short(b.id) for b in outcome.made)
            left = len(plans) - index - 1
            progress = (
                f"group rebatch: {plural(len(outcome.made), 'batch')} made"
                + (f" ({done})" if done else "")
                + (f", {left} not sent" if left else "")
                + "; then "
            )
            raise CreateNotConfirmedError(
                progress + str(exc), lookup=exc.lookup, marker=exc.marker
            ) from exc
        except errors.PasqalError as exc:
            first = first or exc
            outcome.failed[plan.batch_id] = str(exc)
            continue
        outcome.made.append(made.value)
        if made.recovered is not None:
            outcome.recovered.append(made.said(""))
    if first is not None and not outcome.made:
        raise first
    return outcome
