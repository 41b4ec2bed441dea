"""The headless subcommands: argument parsing, and one async handler each.

Exit codes: 0 done; 1 some job ERROR (wait); 2 bad input, refused, or a batch CANCELED or
TIMED_OUT (wait); 3 timeout (wait); 4 authentication or connection failure; 130 Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pasqal_tui.core.arguments import number
from pasqal_tui.core.since import parse_since
from pasqal_tui.headless.codes import (
    EXIT_BAD,
    EXIT_CONNECTION,
    EXIT_ERRORED,
    EXIT_OK,
    EXIT_TIMEOUT,
    Refused,
)
from pasqal_tui.headless.digest import cmd_digest
from pasqal_tui.headless.mutations import (
    check_cancel,
    check_rebatch,
    cmd_cancel,
    cmd_close,
    cmd_rebatch,
)
from pasqal_tui.headless.output import Format, emit

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.models import Batch
    from pasqal_tui.headless.connect import Connection

BATCH_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")
JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")


# ---- arguments ------------------------------------------------------------------------------


def when(text: str) -> datetime:
    """``2d``, ``12h``, ``30m``, ``1w`` ago, or a date / ISO-8601 time (UTC)."""
    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    return number(text, int, "expected a whole number", lambda v: v >= 1, "must be at least 1")


def _seconds(text: str) -> float:
    return number(text, float, "expected a number of seconds", lambda v: v > 0, "must be above 0")


def _status(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().upper().replace("-", "_")
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(allowed)}")
        return value

    return parse


def _output_options(parser: argparse.ArgumentParser) -> None:
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_const", const="json", dest="fmt", help="JSON")
    out.add_argument("--csv", action="store_const", const="csv", dest="fmt", help="CSV")


def _confirm_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    parser.add_argument("--yes", action="store_true", help="send without asking")


def add_commands(sub: Any) -> None:
    """Register every headless subcommand on the top-level subparsers."""
    p = sub.add_parser("batches", help="list batches (every page unless --limit)")
    p.add_argument("--status", action="append", type=_status(BATCH_STATUSES), default=[])
    p.add_argument("--device", action="append", default=[], metavar="DEVICE")
    p.add_argument("--tag", metavar="TAG")
    p.add_argument("--since", type=when, metavar="WHEN", help="created after (2d, DATE, ...)")
    p.add_argument("--until", type=when, metavar="WHEN", help="created before")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_const", const=True, dest="open_state")
    state.add_argument("--closed", action="store_const", const=False, dest="open_state")
    p.add_argument("--limit", type=_positive, metavar="N")
    _output_options(p)
    p.set_defaults(run=cmd_batches)

    p = sub.add_parser("jobs", help="list the jobs of a batch (every page)")
    p.add_argument("batch", metavar="BATCH_ID", help="a batch id or its first 4+ characters")
    p.add_argument("--status", action="append", type=_status(JOB_STATUSES), default=[])
    p.add_argument("--errors-only", action="store_true", help="only jobs that have errors")
    p.add_argument("--min-runs", type=_positive, metavar="N")
    p.add_argument("--max-runs", type=_positive, metavar="N")
    _output_options(p)
    p.set_defaults(run=cmd_jobs)

    p = sub.add_parser("job", help="one job: status, errors, variables and result counts")
    p.add_argument("job", metavar="JOB_ID")
    p.add_argument("--json", action="store_const", const="json", dest="fmt")
    p.set_defaults(run=cmd_job)

    p = sub.add_parser("errors", help="errored jobs of recent batches, grouped by message")
    p.add_argument("--last", type=_positive, default=20, metavar="N", help="batches (20)")
    p.add_argument("--since", type=when, metavar="WHEN")
    p.add_argument("--json", action="store_const", const="json", dest="fmt")
    p.set_defaults(run=cmd_errors)

    p = sub.add_parser("wait", help="wait until batches end; the exit code says how")
    p.add_argument("batches", nargs="+", metavar="BATCH_ID")
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS")
    p.add_argument("--interval", type=_seconds, default=5.0, metavar="SECONDS")
    p.set_defaults(run=cmd_wait)

    p = sub.add_parser("digest", help="what ended since a time, or since you last looked")
    p.add_argument("--since", type=when, metavar="WHEN", help="12h, 2d, DATE (default: last look)")
    p.add_argument("--json", action="store_const", const="json", dest="fmt")
    p.set_defaults(run=cmd_digest)

    p = sub.add_parser("rebatch", help="copy jobs of a batch, or of an error group, into new "
                       "batches (plan, then y)")  # fmt: skip
    p.add_argument("batch", nargs="?", metavar="BATCH_ID")
    p.add_argument("--status", action="append", type=_status(JOB_STATUSES), default=[])
    p.add_argument("--ids", nargs="+", default=[], metavar="JOB_ID")
    p.add_argument("--min-runs", type=_positive, metavar="N")
    p.add_argument("--max-runs", type=_positive, metavar="N")
    p.add_argument("--group", metavar="TEXT", help="the error group (as `errors` shows it)")
    p.add_argument("--last", type=_positive, default=20, metavar="N",
                   help="with --group: among the last N batches (20)")  # fmt: skip
    _confirm_options(p)
    p.set_defaults(run=cmd_rebatch, check=check_rebatch)

    p = sub.add_parser("cancel", help="cancel a batch's pending and running jobs, or jobs by "
                       "id (asks y)")  # fmt: skip
    p.add_argument("batch", nargs="?", metavar="BATCH_ID")
    p.add_argument("--jobs", nargs="+", default=[], metavar="JOB_ID")
    _confirm_options(p)
    p.set_defaults(run=cmd_cancel, check=check_cancel)

    p = sub.add_parser("close", help="close an open batch (asks y)")
    p.add_argument("batch", metavar="BATCH_ID")
    _confirm_options(p)
    p.set_defaults(run=cmd_close)


# ---- running --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; every failure is one line on stderr and an exit code."""
    from pasqal_tui.cloud import errors
    from pasqal_tui.headless.connect import CannotConnect, connect
    from pasqal_tui.ops.lookup import AmbiguousIdError

    problem = args.check(args) if getattr(args, "check", None) else None
    if problem:  # arguments that exclude each other: said before connecting
        print(f"pasqal-tui {args.command}: {problem}; nothing sent", file=sys.stderr)
        return EXIT_BAD

    async def main() -> int:
        async with connect(args) as conn:
            code: int = await args.run(conn, args)
            return code

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        sys.stderr.close()
        return EXIT_OK
    except (Refused, AmbiguousIdError, errors.InvalidRequestError, errors.NotFoundError,
            errors.InvalidStateError, errors.PermissionDeniedError, ValueError) as exc:  # fmt: skip
        print(f"pasqal-tui {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD
    except (CannotConnect, errors.PasqalError, OSError) as exc:
        print(f"pasqal-tui {args.command}: {exc}", file=sys.stderr)
        return EXIT_CONNECTION


def _fmt(args: argparse.Namespace) -> Format:
    fmt: Format = getattr(args, "fmt", None) or "table"
    return fmt


async def cmd_batches(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.cloud.filters import BatchFilters
    from pasqal_tui.ops.export import BATCH_COLUMNS, batch_row, documents
    from pasqal_tui.ops.lookup import all_batches

    filters = BatchFilters(
        status=args.status or None,
        device_type=args.device or None,
        tag=args.tag,
        start_date=args.since,
        end_date=args.until,
        open=args.open_state,
    )
    found = await all_batches(conn.client, filters, limit=args.limit)
    emit([batch_row(b) for b in found], BATCH_COLUMNS, _fmt(args), documents=documents(found))
    return EXIT_OK


async def cmd_jobs(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.cloud.filters import JobFilters
    from pasqal_tui.core.gc_pause import gc_paused
    from pasqal_tui.ops.export import JOB_COLUMNS, documents, job_row, jobs_of_batch

    filters = JobFilters(
        status=args.status or None,
        errors=True if args.errors_only else None,
        min_runs=args.min_runs,
        max_runs=args.max_runs,
    )
    with gc_paused():  # a bounded read in a process that exits after it (core/gc_pause.py)
        found = await jobs_of_batch(conn.client, args.batch, filters)
    emit([job_row(j) for j in found], JOB_COLUMNS, _fmt(args), documents=documents(found))
    return EXIT_OK


async def cmd_job(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.ops.job_results import job_results

    job = await conn.client.get_job(args.job)
    results = decoded = None
    if job.status.value == "DONE":
        results, decoded = await job_results(conn.client, job.id)
    counter = results.counter if results is not None else None
    if _fmt(args) == "json":
        document = job.model_dump(mode="json", exclude_none=True)
        document["counter"] = counter
        if decoded is not None:  # Pulser Results: each observable, or why it was not read
            document["observables"] = [
                {"tag": o.tag, "times": o.times, "values": o.values} for o in decoded.observables
            ]
            if decoded.problem is not None:
                document["observables_problem"] = decoded.problem
        emit([], (), "json", documents=document)
        return EXIT_OK
    lines = [
        f"job        {job.id}",
        f"batch      {job.batch_id}",
        f"status     {job.status.value}",
        f"runs       {job.runs}",
        f"variables  {job.variables or {}}",
        f"created    {job.created_at.isoformat()}",
        *(f"error      {e}" for e in job.errors or []),
    ]
    top = sorted((counter or {}).items(), key=lambda kv: -kv[1])[:12]
    lines += [f"counts     {k} {v}" for k, v in top]
    if decoded is not None:
        lines += [
            f"observable {o.tag} at t={', '.join(f'{t:g}' for t in o.times)}"
            for o in decoded.observables
        ]
        if decoded.problem is not None:
            lines.append(f"observables not decoded: {decoded.problem}")
    print("\n".join(lines))
    return EXIT_OK


async def cmd_errors(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.ops.export import group_row
    from pasqal_tui.ops.queries import recent_errors
    from pasqal_tui.ops.triage import group_errors

    report = await recent_errors(conn.client, args.last, args.since, None, lineages=True)
    groups = group_errors(report.jobs, report.devices, report.family)  # a job and its copies once
    rows = [group_row(g) for g in groups]
    emit(rows, ("jobs", "runs", "batches", "devices", "message"), _fmt(args))
    return EXIT_OK


async def cmd_wait(conn: Connection, args: argparse.Namespace) -> int:
    """Poll the cheap status endpoint with backoff until every batch has ended."""
    from pasqal_tui.ops.lookup import resolve_batch_id

    ids = [await resolve_batch_id(conn.client, text) for text in args.batches]
    deadline = time.monotonic() + args.timeout if args.timeout else None
    pending, delay = set(ids), min(1.0, args.interval)
    while pending:
        for bid in sorted(pending):
            status = (await conn.client.get_batch_status(bid)).status
            if status.is_terminal:
                pending.discard(bid)
        if not pending:
            break
        if deadline is not None and time.monotonic() + delay > deadline:
            _summaries(await _batches(conn.client, ids))
            print(f"timed out: {len(pending)} still running", file=sys.stderr)
            return EXIT_TIMEOUT
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, args.interval)
    batches = await _batches(conn.client, ids)
    _summaries(batches)
    return wait_code(batches)


async def _batches(client: PasqalClient, ids: list[str]) -> list[Batch]:
    return list(await asyncio.gather(*(client.get_batch(i) for i in ids)))


def _summaries(batches: list[Batch]) -> None:
    for b in batches:
        counts = b.jobs_count_per_status or {}
        parts = ", ".join(f"{n} {s.lower()}" for s, n in counts.items() if n)
        print(f"{b.id}  {b.status.value}  {b.jobs_count} jobs: {parts or 'none'}")


def wait_code(batches: list[Batch]) -> int:
    """1 if a job errored; else 2 if a batch (or job) was canceled or timed out; else 0."""
    counts = [b.jobs_count_per_status or {} for b in batches]
    if any(b.status.value == "ERROR" for b in batches) or any(c.get("ERROR") for c in counts):
        return EXIT_ERRORED
    stopped = ("CANCELED", "TIMED_OUT")
    if any(b.status.value in stopped for b in batches) or any(
        c.get(s) for c in counts for s in stopped
    ):
        return EXIT_BAD
    return EXIT_OK
