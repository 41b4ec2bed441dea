"""``pasqal-tui digest``: what ended since a time, or since this profile last looked (the
dashboard's start or the previous digest), then records this look."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from pasqal_tui.headless.codes import EXIT_OK
from pasqal_tui.headless.output import emit, table

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Batch
    from pasqal_tui.headless.connect import Connection
    from pasqal_tui.ops.digest import Digest

#: How far back a first digest of a profile looks (nothing recorded yet).
FIRST_LOOK = timedelta(hours=24)
DIGEST_COLUMNS = ("id", "status", "device_type", "jobs", "done", "error", "ended")
GROUP_COLUMNS = ("jobs", "runs", "batches", "devices", "message")


async def cmd_digest(conn: Connection, args: argparse.Namespace) -> int:
    from pasqal_tui.core.last_looked import last_looked, mark_looked
    from pasqal_tui.ops.digest import build_digest, digest_document

    now = datetime.now(timezone.utc)
    since = args.since or last_looked(conn.profile) or now - FIRST_LOOK
    digest = await build_digest(conn.client, since)
    if args.fmt == "json":
        emit([], (), "json", documents=digest_document(digest))
    else:
        print(render(digest), end="")
    mark_looked(conn.profile, now)  # what ends while this ran is news next time
    return EXIT_OK


def render(digest: Digest) -> str:
    """The headline, one table per section that has batches, then the error groups."""
    from pasqal_tui.ops.digest import SECTIONS, ended_at
    from pasqal_tui.ops.export import batch_row

    shown = ("id", "status", "device_type", "jobs", "done", "error")

    def row(batch: Batch) -> dict[str, Any]:
        cells = batch_row(batch)
        return {key: cells[key] for key in shown} | {
            "ended": ended_at(batch).isoformat() if batch.status.is_terminal else None,
        }

    out = [digest.headline() + "\n"]
    for name, words in SECTIONS:
        batches = digest.section(name)
        if batches:
            out.append(f"\n{words.capitalize()}:\n" + table([row(b) for b in batches],
                                                           DIGEST_COLUMNS))  # fmt: skip
    if digest.groups:
        rows = [
            {
                "jobs": g.count,
                "runs": g.runs,
                "batches": len(g.batches),
                "devices": sorted(g.devices),
                "message": g.message,
            }
            for g in digest.groups
        ]
        out.append("\nErrored jobs by group:\n" + table(rows, GROUP_COLUMNS))
    if digest.capped:
        out.append(f"\n(only the newest {digest.read:,} batches were read)\n")
    return "".join(out)
