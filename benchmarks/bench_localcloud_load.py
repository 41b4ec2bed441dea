"""Local cloud under polling load: requests/s, p50 / p99 and errors at 10 and 50 clients.

Each client is what a dashboard's refresh loop sent, without the pause between ticks: the
batch list (first page of 100: 20 finished batches of ~1,000 jobs, 800 KB with their job ids),
then a page of 100 jobs of one of them (no emulation runs meanwhile), over and over on its own
keep-alive connection. The clients run in `--procs` processes, each a plain HTTP/1.1 loop on
asyncio streams (request line and headers out, `Content-Length` bytes in): an httpx client
spent about as much CPU per request as the server answering it, so on 2 cores the load
generator, not the server, set the pace.

With `--baseline DIR` (a checkout of an older commit, e.g. a `git worktree` of it), the same
seeded database is served in turn by the baseline's server (PYTHONPATH=DIR) and by this
tree's (once per `--processes` count), interleaved per client count, and the ratios are
printed: one run, one machine.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_localcloud_load.py \
        [--clients 10,50] [--seconds 10] [--processes 1,2] [--baseline /work/wt-base]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_localcloud_scale import populate

from pasqal_tui.localcloud.process import LocalCloudProcess

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


async def _client(base: str, token: str, batches: list[str], until: float, warm: float,
                  out: list[float], errors: list[int], k: int) -> None:  # fmt: skip
    host, port = base.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 24)
    head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    i = k
    try:
        while (now := time.monotonic()) < until:
            if i % 2 == 0:
                target = "/core-fast/api/v1/batches?limit=100"
            else:
                batch = batches[(i // 2) % len(batches)]
                target = f"/core-fast/api/v2/jobs?batch_id={batch}&limit=100"
            i += 1
            writer.write(f"GET {target} HTTP/1.1\r\n{head}".encode())
            ok = await _answered(reader)
            done = time.monotonic()
            if now >= warm:
                if ok:
                    out.append(done - now)
                else:
                    errors.append(1)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        errors.append(1)  # the connection broke: the client stops (counted once)
    finally:
        writer.close()


async def _answered(reader: asyncio.StreamReader) -> bool:
    """Read one response (a `Content-Length` body); True if it was a 200."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return head[9:12] == b"200"


def _worker(base: str, token: str, batches: list[str], clients: int, start: float,
            warmup: float, seconds: float, queue: Any, first: int) -> None:  # fmt: skip
    async def main() -> tuple[list[float], int]:
        out: list[float] = []
        errors: list[int] = []
        warm, until = start + warmup, start + warmup + seconds
        await asyncio.gather(
            *(
                _client(base, token, batches, until, warm, out, errors, first + k)
                for k in range(clients)
            )
        )
        return out, len(errors)

    queue.put(asyncio.run(main()))


def _token(base: str) -> str:
    body = httpx.post(
        f"{base}/oauth/token",
        data={"grant_type": "password", "username": "demo", "password": "demo"},
    ).json()
    return str(body["access_token"])


def _batches(base: str, token: str) -> list[str]:
    body = httpx.get(
        f"{base}/core-fast/api/v1/batches",
        params={"limit": 100},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    return [str(b["id"]) for b in body["data"]]


def _env(pythonpath: str) -> dict[str, str]:
    """The server's environment: `pythonpath`'s package first. `python -m` puts the working
    directory first on sys.path (here this tree), ahead of PYTHONPATH: without
    PYTHONSAFEPATH a baseline run served this tree's code."""
    env = {**os.environ, "PYTHONPATH": pythonpath, "PYTHONSAFEPATH": "1"}
    found = subprocess.run(
        [sys.executable, "-c", "import pasqal_tui; print(pasqal_tui.__file__)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not Path(found).resolve().is_relative_to(Path(pythonpath).resolve()):
        raise SystemExit(f"the server would import {found}, not the package in {pythonpath}")
    return env


def measure(
    data: Path, pythonpath: str, clients: int, args: argparse.Namespace, processes: int = 1
) -> dict[str, float]:
    env = _env(pythonpath)
    argv = ["--seed", "1"] + (["--processes", str(processes)] if processes > 1 else [])
    with LocalCloudProcess(data, argv, env=env, startup_timeout=300) as cloud:
        token = _token(cloud.base_url)
        batches = _batches(cloud.base_url, token)
        # Steady state: the server builds its device specs (imports Pulser, seconds of CPU)
        # after it says it is ready; this answer waits for them.
        httpx.get(f"{cloud.base_url}/core-fast/api/v1/devices/public-specs", timeout=300)
        queue: Any = multiprocessing.get_context("fork").Queue()
        start = time.monotonic() + 0.5
        procs = args.procs
        per = [clients // procs + (1 if p < clients % procs else 0) for p in range(procs)]
        firsts = [sum(per[:p]) for p in range(procs)]
        context = multiprocessing.get_context("fork")
        common = (cloud.base_url, token, batches)
        timing = (start, args.warmup, args.seconds, queue)
        workers = [
            context.Process(target=_worker, args=(*common, n, *timing, first))
            for n, first in zip(per, firsts, strict=True)
            if n
        ]
        for w in workers:
            w.start()
        results = [queue.get(timeout=args.warmup + args.seconds + 120) for _ in workers]
        for w in workers:
            w.join(30)
    samples = sorted(s for out, _ in results for s in out)
    errors = sum(e for _, e in results)
    p99 = samples[min(len(samples) - 1, round(0.99 * len(samples)) - 1)] if samples else 0.0
    return {
        "rps": len(samples) / args.seconds,
        "p50": statistics.median(samples) * 1000 if samples else 0.0,
        "p99": p99 * 1000,
        "errors": errors,
    }


def _fmt(r: dict[str, float]) -> str:
    return (f"{r['rps']:7.1f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
            f"errors {int(r['errors'])}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument(
        "--processes",
        default="1,2",
        help="server processes of this tree's runs",
    )
    parser.add_argument("--baseline", help="a checkout of the code to compare with")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        seed = Path(tmp) / "seed"
        # Finished batches only (no emulation competes with the requests for the CPU): 20
        # batches of ~1,000 jobs, written once; each server gets a copy.
        populate(seed / "cloud.sqlite3", list(range(1000, 1020)), random.Random(5))
        runs = [(f"ours x{n}", str(ROOT), n) for n in map(int, args.processes.split(","))]
        if args.baseline:
            runs.insert(0, ("baseline", str(Path(args.baseline).resolve()), 1))
        results: dict[tuple[str, int], dict[str, float]] = {}  # the last run of each count
        for i, n in enumerate(counts):
            for name, tree, processes in runs:
                data = Path(tmp) / f"{name.replace(' ', '')}-{i}"
                shutil.copytree(seed, data)
                results[(name, n)] = r = measure(data, tree, n, args, processes)
                print(f"{name:>8}, {n:3d} clients: {_fmt(r)}", flush=True)
        print("--- summary")
        for n in counts:
            base = results.get(("baseline", n))
            for name, _, _ in runs:
                r = results[(name, n)]
                line = f"{n:3d} clients, {name:>8}: {r['rps']:.1f} req/s, p99 {r['p99']:.1f} ms"
                if base is not None and name != "baseline":
                    line += f", {r['rps'] / base['rps']:.2f}x the baseline's req/s"
                print(line)


if __name__ == "__main__":
    main()
