"""Bytes written to a 160x45 terminal: idle with refresh on, and per refresh that changes a job.

1. Idle: a demo cloud with its history in the past; the batch browser filtered to finished
   history (so nothing can change), refresh every 2 s; bytes over 60 s after it settled
   (target 0).
2. One job changes: a fresh cloud (QPU time stretched), one open FRESNEL batch of one job; the
   job table open while the job runs and ends; each burst of output is listed (target <= 1 KiB
   per refresh that changes one job).
3. One job changes in a table that scrolls: an open FRESNEL batch of 250 jobs whose first job
   runs for ever (QPU time stretched 1000x), the job table open (a scrollbar on every line);
   one visible PENDING job canceled through the API; the bursts that follow (target <= 1 KiB:
   the row, the batch line's counters, no scrollbar repainted).

    .venv/bin/python benchmarks/bench_tui_bytes.py [--idle 60] [--only scrolling]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from _tui_pty import PtyApp

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.filters import JobFilters
from pasqal_tui.cloud.payloads import CreateBatchRequest, JobInput
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

ORIGIN = "2026-03-02T09:30:00+00:00"


def app_argv(url: str) -> list[str]:
    return [sys.executable, "-m", "pasqal_tui", "--local-url", url, "--refresh", "2", "--no-mouse"]


def xdg(tmp: str) -> dict[str, str]:
    return {f"XDG_{k}_HOME": f"{tmp}/{k.lower()}" for k in ("CONFIG", "STATE", "DATA")}


def idle(seconds: float) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCloudProcess(
            Path(tmp) / "cloud", ["--demo", "--seed", "1", "--clock-origin", ORIGIN]
        ) as cloud,
    ):
        app = PtyApp(app_argv(cloud.base_url), 160, 45, xdg(tmp))
        try:
            app.wait_for(b" of 3", 60)
            app.send("/")
            time.sleep(0.3)
            for key in ["\t"] * 4 + ["2026-03-01", "\r"]:
                app.send(key)
                time.sleep(0.2)
            app.wait_for(b"filters: to=2026-03-01", 30)
            time.sleep(5)  # let the filtered page and any toast settle
            start = time.monotonic()
            time.sleep(seconds)
            written = app.bytes_between(start, time.monotonic())
            bursts = app.bursts(start, time.monotonic())
        finally:
            app.close()
    print(f"idle {seconds:.0f} s, refresh every 2 s, batch browser (27 finished batches):")
    print(f"  {written} bytes written in {len(bursts)} bursts (target 0)")


async def job_done(url: str) -> bool:
    env = environments.local(url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        page = await client.list_jobs()
        return bool(page.items) and page.items[0].status.value == "DONE"


async def create_batch(url: str, jobs: int = 1) -> None:
    env = environments.local(url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        await client.create_batch(
            CreateBatchRequest(
                sequence_builder=sequences.rabi_oscillation(2),
                jobs=[JobInput(runs=50, variables={"omega": 3.1, "duration": 500})] * jobs,
                device_type="FRESNEL",
                open=True,  # the batch stays RUNNING: only the job's row (and counts) change
            )
        )


def one_job() -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCloudProcess(Path(tmp) / "cloud", ["--time-scale", "1.5", "--seed", "3"]) as cloud,
    ):
        asyncio.run(create_batch(cloud.base_url))
        app = PtyApp(app_argv(cloud.base_url), 160, 45, xdg(tmp))
        try:
            app.wait_for(b" of 1", 60)
            time.sleep(0.5)
            app.send("\r")
            app.wait_for(b"1 jobs:", 30)
            time.sleep(1.0)
            start = time.monotonic()
            deadline = start + 180
            while time.monotonic() < deadline and not asyncio.run(job_done(cloud.base_url)):
                time.sleep(1)
            time.sleep(9)  # the last refresh, and any toast's removal
            bursts = app.bursts(start, time.monotonic())
        finally:
            app.close()
    print("one job of an open FRESNEL batch going RUNNING -> DONE, job table open, refresh 2 s:")
    for t, size in bursts:
        print(f"  t={t - start:6.2f} s  {size:6d} bytes")
    print("  (each burst: the job's row and the batch line's counts; a batch status change")
    print("   would add a toast, drawn and later removed in bursts of its own)")


async def cancel_job_at(url: str, index: int) -> str:
    """Cancels the job at ``index`` in creation order (PENDING, on screen); returns its id."""
    env = environments.local(url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        batch = (await client.list_batches()).items[0]
        page = await client.list_jobs(
            JobFilters(batch_id=[batch.id]), limit=index + 1, order_by="creation_order"
        )
        job = page.items[index]
        assert job.status.value == "PENDING", job.status
        await client.cancel_job(job.id)
        return job.id


def scrolling(runs: int) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCloudProcess(Path(tmp) / "cloud", ["--time-scale", "1000", "--seed", "3"]) as cloud,
    ):
        asyncio.run(create_batch(cloud.base_url, jobs=250))
        app = PtyApp(app_argv(cloud.base_url), 160, 45, xdg(tmp))
        sizes: list[int] = []
        try:
            app.wait_for(b" of 1", 60)
            time.sleep(0.5)
            app.send("\r")
            app.wait_for(b"250 jobs:", 30)
            time.sleep(5)  # the first job starts; the refreshes settle
            for n in range(runs):
                start = time.monotonic()
                asyncio.run(cancel_job_at(cloud.base_url, 2 + n))
                app.wait_for(b"CANCELED", 30, since=start)
                time.sleep(3)  # the rest of that refresh's bursts, then one idle refresh
                bursts = app.bursts(start, time.monotonic())
                sizes.append(sum(size for _, size in bursts))
                print(f"  cancel {n + 1}: " + ", ".join(f"{s} B" for _, s in bursts), flush=True)
        finally:
            app.close()
    worst = max(sizes)
    verdict = "OK" if worst <= 1024 else "OVER TARGET (1 KiB)"
    print("one job canceled in a table of 250 (scrollbar shown), refresh 2 s, 160x45:")
    print(f"  bytes per change: {' '.join(map(str, sizes))}; worst {worst} B  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--only", choices=("idle", "one-job", "scrolling"))
    parser.add_argument("--changes", type=int, default=3, help="cancels in the scrolling case")
    args = parser.parse_args()
    if args.only in (None, "idle"):
        idle(args.idle)
    if args.only in (None, "one-job"):
        one_job()
    if args.only in (None, "scrolling"):
        scrolling(args.changes)


if __name__ == "__main__":
    main()
