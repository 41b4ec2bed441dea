"""Bytes written to a 160x45 terminal: idle with refresh on, and per refresh that changes a job.

1. Idle: a demo cloud with its history in the past; the batch browser filtered to finished
   history (so nothing can change), refresh every 2 s; bytes over 60 s after it settled
   (target 0).
2. One job changes: a fresh cloud (QPU time stretched), one open FRESNEL batch of one job; the
   job table open while the job runs and ends; each burst of output is listed (target <= 1 KiB
   per refresh that changes one job).

    .venv/bin/python benchmarks/bench_tui_bytes.py [--idle 60]
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


async def create_batch(url: str) -> None:
    env = environments.local(url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        await client.create_batch(
            CreateBatchRequest(
                sequence_builder=sequences.rabi_oscillation(2),
                jobs=[JobInput(runs=50, variables={"omega": 3.1, "duration": 500})],
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=60.0)
    args = parser.parse_args()
    idle(args.idle)
    one_job()


if __name__ == "__main__":
    main()
