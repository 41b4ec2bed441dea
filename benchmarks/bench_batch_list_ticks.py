"""What one live tick of the batch list costs when nothing moved: the full first page (each batch
lists every job id) against what the dashboard now asks (`ops.queries.batches_page_if_changed`:
is there a batch newer than the page's newest, and op 22 for the running ones).

Builds a database of `--batches` finished batches of ~`--jobs` jobs each (inserted directly, as
bench_localcloud_scale.py does), starts the real local cloud on it, and in one run, interleaved,
times both through `PasqalClient` and weighs both answers' bytes.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_batch_list_ticks.py [--batches 100] [--jobs 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_localcloud_scale import populate

from pasqal_tui.cloud import BatchFilters, PasqalClient, PasswordAuth, local
from pasqal_tui.cloud.timestamps import format_query_datetime
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.ops.queries import batches_page_if_changed


async def measure(base_url: str, ticks: int) -> None:
    env = local(base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as anonymous:
        project = (await anonymous.list_projects())[0].id
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo"), project_id=project) as client:
        everything = BatchFilters()
        page = await client.list_batches(everything)
        full_s: list[float] = []
        tick_s: list[float] = []
        for _ in range(ticks):
            start = time.perf_counter()
            await client.list_batches(everything)
            full_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            again = await batches_page_if_changed(client, everything, page)
            tick_s.append(time.perf_counter() - start)
            assert again is page, "nothing moved, yet the page was read again"
        token = await client.auth.token(client._http)  # type: ignore[union-attr]
    newest = max(b.created_at for b in page.items)
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers) as http:
        url = "/core-fast/api/v1/batches"
        full_bytes = len(http.get(url, params={"offset": 0, "limit": 100}).content)
        after = format_query_datetime(newest + timedelta(microseconds=1))
        probe = {"start_date": after, "offset": 0, "limit": 1}
        probe_bytes = len(http.get(url, params=probe).content)
    full_ms, tick_ms = 1000 * statistics.median(full_s), 1000 * statistics.median(tick_s)
    print(f"{len(page.items)} batches of the first page, {page.total} in all; {ticks} ticks each")
    print(f"full page : {full_bytes:>10,} B  {full_ms:7.1f} ms a tick (median)")
    print(f"asked now : {probe_bytes:>10,} B  {tick_ms:7.1f} ms a tick (median)")
    ratio = f"{full_bytes / probe_bytes:,.0f}x fewer bytes, {full_ms / tick_ms:.1f}x faster"
    print(f"ratio     : {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-ticks-") as tmp:
        sizes = [args.jobs + i for i in range(args.batches)]  # one batch per distinct size
        populate(Path(tmp) / "cloud.sqlite3", sizes, random.Random(7))
        with LocalCloudProcess(Path(tmp), ["--workers", "1"], startup_timeout=600) as cloud:
            asyncio.run(measure(cloud.base_url, args.ticks))


if __name__ == "__main__":
    main()
