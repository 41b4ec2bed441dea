"""Fetch every job of a big batch from a cloud 50 ms away: ours against the official SDK.

Builds a database holding one batch of each size (10,000 and 100,000 jobs by default, inserted
directly as bench_localcloud_scale.py does), starts the real local cloud on it, puts a TCP proxy
that delays every chunk by half the round trip each way in front of it, and in one run,
interleaved, times:

- ours: ``PasqalClient.all_jobs(batch_id)`` (a fresh client each run: token, connections and
  all pages), as a library call;
- ours as ``pasqal-tui jobs BATCH`` reads: the command's own read, ``ops.export.jobs_of_batch``
  (the same pages), with the collector paused for the read (``core/gc_pause.py``), without
  printing;
- ours as ``pasqal-tui jobs BATCH`` runs again with a remote profile: the access token kept in
  the keyring by an earlier run (no sign-in: ``PasswordAuth(cached=...)``), the projects
  request every session starts with, then the pages as above;
- SDK 0.24: ``SDK.get_batch(batch_id).ordered_jobs`` (a fresh SDK each run, token included).

Prints the medians and the SDK / ours ratios per size (target >= 10x). All fetch the same
jobs in the same order (checked). Each timed call starts from a collected heap
(``fresh_heap``): run after the SDK in one process, ``all_jobs`` paid for collecting the SDK's
cyclic garbage (its 10,000 jobs), 100-200 ms of a 0.65 s read; the collections a call's own
objects cause stay in its time.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_fetch_all_network.py \
        [--sizes 10000,100000] [--rtt 50] [--runs 3] [--sdk-runs-big 1]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from _latency_proxy import LatencyProxyProcess

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_localcloud_scale import populate

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.localcloud.process import LocalCloudProcess


def fresh_heap() -> None:
    """Collect what an earlier timed call left, so that no call pays for another's garbage."""
    gc.collect()


def ours(base_url: str, batch_id: str) -> tuple[float, list[str]]:
    async def run() -> list[str]:
        env = environments.local(base_url)
        async with PasqalClient(env, PasswordAuth(env, "demo", "demo"), timeout=120) as client:
            return [job.id for job in await client.all_jobs(batch_id)]

    fresh_heap()
    start = time.perf_counter()
    ids = asyncio.run(run())
    return time.perf_counter() - start, ids


def ours_cli(
    base_url: str, batch_id: str, kept: tuple[str, float] | None = None
) -> tuple[float, list[str]]:
    """As `pasqal-tui jobs` reads; with ``kept``, as it runs again with the token an earlier
    run kept (no sign-in; the projects request every session starts with)."""
    from pasqal_tui.core.gc_pause import gc_paused
    from pasqal_tui.ops.export import jobs_of_batch

    async def run() -> list[str]:
        env = environments.local(base_url)
        auth = PasswordAuth(env, "demo", "demo", cached=kept)
        async with PasqalClient(env, auth, timeout=120) as client:
            if kept is not None:
                await client.list_projects()
            with gc_paused():
                jobs = await jobs_of_batch(client, batch_id)
            return [job.id for job in jobs]

    fresh_heap()
    start = time.perf_counter()
    ids = asyncio.run(run())
    return time.perf_counter() - start, ids


def kept_token(base_url: str) -> tuple[str, float]:
    """A token and its expiry, as an earlier run keeps them in the keyring."""
    kept: list[tuple[str, float]] = []

    async def run() -> None:
        env = environments.local(base_url)
        auth = PasswordAuth(env, "demo", "demo", on_token=lambda t, e: kept.append((t, e)))
        async with PasqalClient(env, auth, timeout=120) as client:
            await client.list_projects()

    asyncio.run(run())
    return kept[-1]


def sdk(base_url: str, batch_id: str) -> tuple[float, list[str]]:
    from pasqal_cloud import SDK
    from pasqal_cloud.endpoints import AUTH0_TOKEN_PROVIDER_GRANT_TYPE, Endpoints, TokenProviderConf

    fresh_heap()
    start = time.perf_counter()
    client = SDK(
        username="demo",
        password="demo",
        project_id=PROJECT[0],
        endpoints=Endpoints(core=f"{base_url}/core-fast", account=f"{base_url}/account"),
        auth_config=TokenProviderConf(
            token_endpoint=f"{base_url}/oauth/token",
            public_client_id="bench",
            audience=f"{base_url}/account/api/v1",
            realm="pcs-users",
            grant_type=AUTH0_TOKEN_PROVIDER_GRANT_TYPE,
        ),
    )
    ids = [job.id for job in client.get_batch(batch_id).ordered_jobs]
    return time.perf_counter() - start, ids


PROJECT: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rtt", type=float, default=50.0, help="round trip, milliseconds")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, per size")
    parser.add_argument("--sdk-runs-big", type=int, default=1, help="SDK runs at >= 100k jobs")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-fetch-all-") as tmp:
        data_dir = Path(tmp)
        batches = populate(data_dir / "cloud.sqlite3", sizes, random.Random(7))
        import sqlite3

        with sqlite3.connect(data_dir / "cloud.sqlite3") as conn:
            PROJECT.append(str(conn.execute("SELECT project_id FROM batches").fetchone()[0]))
        with (
            LocalCloudProcess(data_dir, ["--workers", "1"], startup_timeout=600) as cloud,
            LatencyProxyProcess(urlsplit(cloud.base_url).port or 80, args.rtt) as proxy,
        ):
            print(f"the cloud is {args.rtt:.0f} ms away (round trip)", flush=True)
            # Steady state: the server builds its device specs (imports Pulser, seconds of
            # CPU) in the background after it starts; the first runs would share the cores
            # with it.
            httpx.get(f"{cloud.base_url}/core-fast/api/v1/devices/public-specs", timeout=300)
            ratios: dict[int, tuple[float, float, float]] = {}
            kept = kept_token(proxy.base_url)
            for n in sizes:
                batch_id = batches[n]
                t_ours: list[float] = []
                t_cli: list[float] = []
                t_kept: list[float] = []
                t_sdk: list[float] = []
                sdk_runs = args.sdk_runs_big if n >= 100_000 else args.runs
                for i in range(max(args.runs, sdk_runs)):
                    if i < args.runs:
                        seconds, got = ours(proxy.base_url, batch_id)
                        assert len(got) == n, (len(got), n)
                        t_ours.append(seconds)
                        seconds, got_cli = ours_cli(proxy.base_url, batch_id)
                        assert got_cli == got, "the CLI's read differs from all_jobs"
                        t_cli.append(seconds)
                        seconds, got_kept = ours_cli(proxy.base_url, batch_id, kept)
                        assert got_kept == got, "the CLI's read differs from all_jobs"
                        t_kept.append(seconds)
                    if i < sdk_runs:
                        seconds, expected = sdk(proxy.base_url, batch_id)
                        assert expected == got, "not the same jobs in the same order"
                        t_sdk.append(seconds)
                m_ours, m_cli = statistics.median(t_ours), statistics.median(t_cli)
                m_sdk, m_kept = statistics.median(t_sdk), statistics.median(t_kept)
                ratios[n] = (m_sdk / m_ours, m_sdk / m_cli, m_sdk / m_kept)

                def runs(times: list[float]) -> str:
                    return " ".join(f"{t:.2f}" for t in times)

                print(
                    f"{n:>9,} jobs: all_jobs {m_ours:6.2f} s ({runs(t_ours)})   as `jobs` "
                    f"{m_cli:6.2f} s ({runs(t_cli)})   token kept {m_kept:6.2f} s "
                    f"({runs(t_kept)})   SDK 0.24 {m_sdk:6.2f} s ({runs(t_sdk)})",
                    flush=True,
                )
            print("--- ratios (SDK / ours, target >= 10x)")
            for n, (library, command, again) in ratios.items():
                verdict = "OK" if min(library, command) >= 10 else "UNDER TARGET"
                print(
                    f"{n:>9,} jobs at {args.rtt:.0f} ms: all_jobs {library:.1f}x, "
                    f"as `jobs` {command:.1f}x, as `jobs` with its token kept {again:.1f}x  "
                    f"{verdict} (judged on the first two, which sign in as the SDK does)"
                )


if __name__ == "__main__":
    main()
