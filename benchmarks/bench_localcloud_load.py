"""Local cloud under polling load: requests/s, p50 / p99 and errors at 10 and 50 clients.

Each client is what a dashboard's refresh loop sends, without the pause between ticks: the
batch list (first page of 100), then a page of 100 jobs of one of 20 finished batches (~1,000
jobs each, so no emulation runs meanwhile), over and
over on its own keep-alive connection. The clients run in `--procs` processes (asyncio, httpx)
so the load generator is not the bottleneck of one interpreter.

With `--baseline DIR` (a checkout of an older commit, e.g. a `git worktree` of it), the same
seeded database is served in turn by the baseline's server (PYTHONPATH=DIR) and by this
tree's, interleaved per client count, and the ratios are printed: one run, one machine.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_localcloud_load.py \
        [--clients 10,50] [--seconds 10] [--baseline /work/wt-base]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import statistics
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
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:
        i = k
        while (now := time.monotonic()) < until:
            if i % 2 == 0:
                url, params = "/core-fast/api/v1/batches", {"limit": 100}
            else:
                batch = batches[(i // 2) % len(batches)]
                url, params = "/core-fast/api/v2/jobs", {"batch_id": batch, "limit": 100}
            i += 1
            try:
                response = await c.get(url, params=params)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            done = time.monotonic()
            if now >= warm:
                if ok:
                    out.append(done - now)
                else:
                    errors.append(1)


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


def measure(
    data: Path, pythonpath: str, clients: int, args: argparse.Namespace
) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    with LocalCloudProcess(data, ["--seed", "1"], env=env, startup_timeout=300) as cloud:
        token = _token(cloud.base_url)
        batches = _batches(cloud.base_url, token)
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
    parser.add_argument("--baseline", help="a checkout of the code to compare with")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        seed = Path(tmp) / "seed"
        # Finished batches only (no emulation competes with the requests for the CPU): 20
        # batches of ~1,000 jobs, written once; each server gets a copy.
        populate(seed / "cloud.sqlite3", list(range(1000, 1020)), random.Random(5))
        trees = [("ours", str(ROOT))]
        if args.baseline:
            trees.insert(0, ("baseline", str(Path(args.baseline).resolve())))
        results: dict[tuple[str, int], dict[str, float]] = {}  # the last run of each count
        for i, n in enumerate(counts):
            for name, tree in trees:
                data = Path(tmp) / f"{name}-{i}"
                shutil.copytree(seed, data)
                results[(name, n)] = r = measure(data, tree, n, args)
                print(f"{name:>8}, {n:3d} clients: {_fmt(r)}", flush=True)
        print("--- summary")
        for n in counts:
            ours = results[("ours", n)]
            line = f"{n:3d} clients: ours {ours['rps']:.1f} req/s, p99 {ours['p99']:.1f} ms"
            if args.baseline:
                base = results[("baseline", n)]
                ratio = ours["rps"] / base["rps"]
                line += f"; baseline {base['rps']:.1f} req/s: ours / baseline {ratio:.2f}x"
            print(line)


if __name__ == "__main__":
    main()
