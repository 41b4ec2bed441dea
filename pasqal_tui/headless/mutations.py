"""The commands that change something: rebatch (a batch's jobs, or an error group), cancel (a
batch, or jobs), close. Each prints the dashboard's plan, then asks `y` (or takes --yes), sends
once and writes one audit line; --dry-run and read-only send nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from pasqal_tui.core.text import plural, short
from pasqal_tui.headless.codes import EXIT_OK, Refused

if TYPE_CHECKING:
    from pasqal_tui.headless.connect import Connection
    from pasqal_tui.ops.triage import ErrorGroup


class Planned(Protocol):
    """What a confirmation shows: a plan of one batch or a group's plan."""

    @property
    def lines(self) -> list[str]: ...
    @property
    def title(self) -> str: ...
    @property
    def empty(self) -> bool: ...


def check_rebatch(args: argparse.Namespace) -> str | None:
    """A batch's jobs or an error group, not both, not neither."""
    if args.group is None:
        return None if args.batch is not None else 'give a BATCH_ID or --group "ERROR TEXT"'
    if args.batch is not None or args.status or args.ids or args.min_runs or args.max_runs:
        return "--group takes no BATCH_ID, --status, --ids or --min/--max-runs"
    return None


def check_cancel(args: argparse.Namespace) -> str | None:
    """A batch or jobs, not both, not neither."""
    if args.jobs and args.batch is not None:
        return "give a BATCH_ID or --jobs, not both"
    if not args.jobs and args.batch is None:
        return "give a BATCH_ID or --jobs JOB_ID..."
    return None


async def cmd_rebatch(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.cloud.filters import RebatchFilters
    from pasqal_tui.ops.lookup import resolve_batch_id
    from pasqal_tui.ops.plans import rebatch_plan

    problem = check_rebatch(args)
    if problem:
        raise Refused(f"{problem}; nothing sent")
    if args.group is not None:
        return await cmd_rebatch_group(conn, args)
    bid = await resolve_batch_id(conn.client, args.batch)
    filters = RebatchFilters(
        status=args.status or None,
        id=args.ids or None,
        min_runs=args.min_runs,
        max_runs=args.max_runs,
    )
    plan = await rebatch_plan(conn.client, bid, filters, args.ids)
    confirmed = plan.filters  # the eligible jobs only: copies already resubmitted are left out

    async def send() -> str:
        assert isinstance(confirmed, RebatchFilters)
        new = await conn.client.rebatch(bid, confirmed)
        return new.id

    return await _mutate(conn, args, "rebatch", [bid], plan, send)


async def cmd_rebatch_group(conn: Connection, args: argparse.Namespace) -> int:
    """The errored-jobs view's `r`: one rebatch per source batch of the group, lineage-aware
    (a job already resubmitted is left out and named)."""
    from pasqal_tui.ops.queries import recent_errors
    from pasqal_tui.ops.rebatch import group_rebatch_plan, rebatch_all
    from pasqal_tui.ops.triage import group_errors

    report = await recent_errors(conn.client, args.last, lineages=True)
    groups = group_errors(report.jobs, report.devices, report.family)
    group = pick_group(groups, args.group, args.last)
    sources = {b: list(ids) for b, ids in group.batches.items()}
    plan = await group_rebatch_plan(conn.client, group.message, sources)
    plans = plan.plans

    async def send() -> str:
        outcome = await rebatch_all(conn.client, plans)
        return "\n".join([outcome.summary(), *outcome.created])

    return await _mutate(conn, args, "rebatch", [p.batch_id for p in plans], plan, send)


def pick_group(groups: Sequence[ErrorGroup], text: str, last: int) -> ErrorGroup:
    """The group ``text`` names: its message (as shown, or an error it stands for), else the
    one group whose message or example contains it; several or none are refused, named."""
    from pasqal_tui.ops.triage import normalise_message

    wanted = text.strip()
    if not wanted:
        raise Refused("--group needs the text of an error; nothing sent")
    exact = [g for g in groups if wanted in (g.message, g.example)]
    exact = exact or [g for g in groups if g.message == normalise_message(wanted)]
    if len(exact) == 1:
        return exact[0]
    low = wanted.lower()
    found = exact or [g for g in groups if low in g.message.lower() or low in g.example.lower()]
    if len(found) == 1:
        return found[0]
    scope = f"the errored jobs of the last {plural(last, 'batch')}"
    if not found:
        names = "; ".join(f"{g.message!r} ({plural(g.count, 'job')})" for g in groups[:5])
        raise Refused(
            f"no error group of {scope} matches {text!r}"
            + (f"; groups: {names}" if names else ": none has errored jobs")
            + "; nothing sent"
        )
    names = "; ".join(f"{g.message!r} ({plural(g.count, 'job')})" for g in found[:5])
    raise Refused(f"{text!r} matches {len(found)} error groups of {scope}: {names}; "
                  "give more of the message; nothing sent")  # fmt: skip


async def cmd_cancel(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.ops.lookup import resolve_batch_id
    from pasqal_tui.ops.plans import cancel_batch_plan

    problem = check_cancel(args)
    if problem:
        raise Refused(f"{problem}; nothing sent")
    if args.jobs:
        return await cmd_cancel_jobs(conn, args)
    bid = await resolve_batch_id(conn.client, args.batch)
    batch = await conn.client.get_batch(bid)
    plan = await cancel_batch_plan(conn.client, bid, batch.device_type)

    async def send() -> str:
        return f"{bid} {(await conn.client.cancel_batch(bid)).status.value}"

    # An open batch changes even with no job left to stop: the cancel ends it.
    return await _mutate(conn, args, "cancel-batch", [bid], plan, send, needed=batch.open)


class _JobsPlan:
    """The cancel plans of several batches' jobs, shown and confirmed as one."""

    def __init__(self, lines: list[str], jobs: int) -> None:
        self.lines, self.jobs = lines, jobs
        self.title = f"Cancel {plural(jobs, 'job')}"

    @property
    def empty(self) -> bool:
        return self.jobs == 0


async def cmd_cancel_jobs(conn: Connection, args: argparse.Namespace) -> int:
    """Cancel jobs by id, wherever they are: one request per batch, the ones that can still be
    cancelled (pending or running); the others are named. An unknown id refuses them all."""
    from pasqal_tui.cloud.filters import CancelJobFilters
    from pasqal_tui.ops.lineage import jobs_by_id
    from pasqal_tui.ops.plans import cancel_jobs_plan

    wanted = list(dict.fromkeys(j.strip().lower() for j in args.jobs))
    found = await jobs_by_id(conn.client, wanted)
    unknown = [j for j in wanted if j not in found]
    if unknown:
        raise Refused(
            f"no job {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''} in this project "
            "(a full job id is needed); nothing sent"
        )
    by_batch: dict[str, list[str]] = {}
    for job_id in wanted:
        by_batch.setdefault(found[job_id].batch_id, []).append(job_id)
    plans = [await cancel_jobs_plan(conn.client, b, ids) for b, ids in by_batch.items()]
    summary = _JobsPlan([line for p in plans for line in p.lines], sum(p.jobs for p in plans))
    live = [p for p in plans if not p.empty]

    async def send() -> str:
        said = []
        for plan in live:
            assert isinstance(plan.filters, CancelJobFilters)
            result = await conn.client.cancel_jobs(plan.batch_id, plan.filters)
            refused = f", {plural(len(result.errors), 'refused')}" if result.errors else ""
            said.append(f"{plan.batch_id}: {plural(len(result.jobs), 'job')} canceled{refused}")
        return "\n".join(said)

    ids = [j for p in live for j in p.job_ids]
    return await _mutate(conn, args, "cancel-jobs", ids, summary, send)


async def cmd_close(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.ops.lookup import resolve_batch_id
    from pasqal_tui.ops.plans import Plan

    bid = await resolve_batch_id(conn.client, args.batch)
    batch = await conn.client.get_batch(bid)
    if not batch.open:
        print(f"batch {bid} is already closed")
        return EXIT_OK
    plan = Plan(
        action="close",
        title=f"Close batch {short(bid)}",
        lines=[
            f"Close batch {bid} on {batch.device_type} ({batch.jobs_count} jobs): "
            "no job can be added afterwards."
        ],
        batch_id=bid,
    )

    async def send() -> str:
        return f"{bid} closed ({(await conn.client.close_batch(bid)).status.value})"

    return await _mutate(conn, args, "close", [bid], plan, send, needed=True)


async def _mutate(
    conn: Connection,
    args: argparse.Namespace,
    action: str,
    ids: list[str],
    plan: Planned,
    send: Callable[[], Awaitable[str]],
    *,
    needed: bool = False,
) -> int:
    """The dashboard's rule: the plan first, `y` (or --yes), one request, one audit line.
    An empty plan sends nothing unless the request is ``needed`` anyway."""
    from pasqal_tui.core.audit import AuditEntry, AuditLog

    print("\n".join(plan.lines))
    if plan.empty and not needed:  # nothing would change: nothing is sent
        return EXIT_OK
    if args.dry_run:
        print("dry run: nothing sent")
        return EXIT_OK
    if conn.read_only:
        raise Refused(f"read-only session: {action} is disabled; nothing sent")
    if not args.yes:
        if not sys.stdin.isatty():
            raise Refused("no terminal to confirm on: pass --yes to send; nothing sent")
        answer = await asyncio.to_thread(input, f"{plan.title}? Type y to send: ")
        if answer.strip().lower() != "y":
            raise Refused("not confirmed; nothing sent")
    audit = AuditLog()
    try:
        outcome = await send()
    except Exception as exc:
        audit.append(AuditEntry(action, conn.profile, ids, str(exc)))
        raise
    audit.append(AuditEntry(action, conn.profile, ids, "ok", {"result": outcome}))
    print(outcome)
    return EXIT_OK
