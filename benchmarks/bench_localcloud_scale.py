"""Local cloud job pages on one big batch: does a page cost depend on the batch's size?

For each size (10,000, 100,000 and 1,000,000 jobs; `--million 0` leaves the last out for
quick runs) builds a database holding one batch of that size, starts the real server on it,
and over HTTP from this process measures:

- the first and the last page (limit 100, newest first as the API defaults) of each batch, and
  the same with a status filter and with `errors=True`: p50 / p99 over `--requests` requests;
- the server's side of the first and last page without HTTP (the job-list query and the JSON
  of its rows, run in this process on the same file), the part that may grow with the batch;
- fetching every job of the 10k and 100k batches page by page in creation order (what
  `PasqalClient.all_jobs` does, one request at a time), and the 100k / 10k time ratio
  (linear: ~10, target <= 12).

Targets: first and last page of the 1M batch p50 <= 15 ms on the server; fetch-all ratio <= 12.
On a loaded machine the HTTP figures include a floor (a trivial GET's round trip) that has
nothing to do with the batch; the server-side line shows what does.
It runs on older code too (it only uses the store, `store_counts` and the HTTP API), so one
script gives the before and after figures:

    PYTHONPATH=. .venv/bin/python benchmarks/bench_localcloud_scale.py [--million 0]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from pasqal_tui.localcloud.lifecycle import store_counts
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.users import DEMO_PROJECT, create_user

STATUSES = ("DONE", "ERROR", "CANCELED")
WEIGHTS = (80, 15, 5)
STAMP = "2025-01-01T00:00:00.000000+00:00"
LIMIT = 100
CHUNK = 50_000


def _jobs(
    rng: random.Random, batch_id: str, project: str, user: str, n: int, ordinal: bool
) -> Iterator[tuple[object, ...]]:
    for i, status in enumerate(rng.choices(STATUSES, WEIGHTS, k=n)):
        row: tuple[object, ...] = (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            batch_id, project, user, status,
            '["QPU calibration drift: job aborted"]' if status == "ERROR" else None,
        )  # fmt: skip
        yield (*row, i) if ordinal else row


def populate(path: Path, sizes: list[int], rng: random.Random) -> dict[int, str]:
    """One batch per size, jobs inserted directly (as the demo seeding does), counters set by
    the store's own `store_counts`."""
    store = Store(path)
    project = create_user(store, "demo", "demo", DEMO_PROJECT)
    user_row = store.user_by_name("demo")
    assert user_row is not None
    user = str(user_row["id"])
    with store.read() as conn:
        columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(jobs)")}
    ordinal = "ordinal" in columns  # newer schemas number jobs within their batch
    insert = (
        "INSERT INTO jobs (id, batch_id, project_id, user_id, status, errors, runs, variables, "
        "created_at, updated_at, start_timestamp, end_timestamp"
        + (", ordinal" if ordinal else "")
        + f") VALUES (?,?,?,?,?,?, 100, '{{\"omega\": 1.0}}', '{STAMP}', '{STAMP}', '{STAMP}', "
        f"'{STAMP}'" + (", ?)" if ordinal else ")")
    )
    batches: dict[int, str] = {}
    for n in sizes:
        batch_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        batches[n] = batch_id
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO batches (id, project_id, user_id, device_type, status, open, "
                "priority, queue_priority, sequence_builder, tags, created_at, updated_at, "
                "activity_at) VALUES (?,?,?, 'EMU_FREE', 'DONE', 0, 20, 'MEDIUM', '{}', "
                "'[\"bench\"]', ?, ?, 0)",
                (batch_id, project, user, STAMP, STAMP),
            )
        rows = _jobs(rng, batch_id, project, user, n, ordinal)
        for _ in range(0, n, CHUNK):
            with store.transaction() as conn:
                conn.executemany(insert, itertools.islice(rows, CHUNK))
        with store.transaction() as conn:
            store_counts(conn, batch_id)
    store.close()  # no ANALYZE: the server never runs it, so users' databases have no stats
    return batches


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def get_page(client: httpx.Client, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    response = client.get("/api/v2/jobs", params=params)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    assert body["status"] == "success" and "pagination" in body
    return elapsed, body


def total_of(client: httpx.Client, params: dict[str, Any]) -> int:
    _, body = get_page(client, {**params, "limit": 1})
    pagination = body["pagination"]
    assert isinstance(pagination, dict)
    return int(pagination["total"])


def page_latency(
    client: httpx.Client, params: dict[str, Any], requests: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """p50/p99 (ms) of the first and of the last page."""
    total = total_of(client, params)
    first = [get_page(client, {**params, "limit": LIMIT})[0] for _ in range(requests)]
    last_offset = max(0, total - LIMIT)
    last = [
        get_page(client, {**params, "limit": LIMIT, "offset": last_offset})[0]
        for _ in range(requests)
    ]
    return percentiles(first), percentiles(last)


def in_process(path: Path, batch_id: str, requests: int) -> tuple[tuple[float, float], ...]:
    """The server's own work for the first and the last page, without HTTP: the job-list
    query and the rows turned into JSON, in this process on the same database file."""
    try:
        from pasqal_tui.localcloud.job_pages import list_jobs
    except ImportError:  # the code before job pages
        from pasqal_tui.localcloud.queries import list_jobs  # type: ignore[attr-defined,no-redef]
    from pasqal_tui.localcloud.queries import JobFilters
    from pasqal_tui.localcloud.schemas import job_out

    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    project = str(conn.execute("SELECT project_id FROM batches WHERE id = ?", (batch_id,))
                  .fetchone()[0])  # fmt: skip
    filters = JobFilters(batch_ids=[batch_id])
    total = list_jobs(conn, [project], filters, 0, 1)[1]
    figures = []
    for offset in (0, max(0, total - LIMIT)):
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            conn.execute("BEGIN")
            rows, _ = list_jobs(conn, [project], filters, offset, LIMIT)
            conn.execute("ROLLBACK")
            json.dumps([job_out(r) for r in rows])
            samples.append(time.perf_counter() - start)
        figures.append(percentiles(samples))
    conn.close()
    return tuple(figures)


def fetch_all(client: httpx.Client, batch_id: str) -> tuple[float, int]:
    """Every job of the batch, page after page in creation order: seconds, jobs seen."""
    start = time.perf_counter()
    offset, seen = 0, 0
    while True:
        params = {
            "batch_id": batch_id,
            "offset": offset,
            "limit": LIMIT,
            "order_by": "creation_order",
            "order_by_direction": "ASC",
        }
        _, body = get_page(client, params)
        data = body["data"]
        assert isinstance(data, list)
        seen += len(data)
        pagination = body["pagination"]
        assert isinstance(pagination, dict)
        if int(pagination["end"]) >= int(pagination["total"]) or not data:
            break
        offset = int(pagination["end"])
    return time.perf_counter() - start, seen


# Filtered pages: a status, errors either way, runs and date bounds that every job meets (as
# in a batch of one sequence's sweep) and one that none meets.
FILTERS: tuple[tuple[dict[str, Any], str], ...] = (
    ({"status": "ERROR"}, "status=ERROR"),
    ({"errors": "True"}, "errors=True"),
    ({"errors": "False"}, "errors=False"),
    ({"min_runs": 50}, "min_runs=50 (all)"),
    ({"start_date": "2024-06-01T00:00:00"}, "start_date=2024-06 (all)"),
    ({"min_runs": 101}, "min_runs=101 (none)"),
)


def _line(name: str, first: tuple[float, float], last: tuple[float, float]) -> str:
    return (
        f"{name:<34} first p50 {first[0]:7.2f} p99 {first[1]:7.2f} ms   "
        f"last p50 {last[0]:7.2f} p99 {last[1]:7.2f} ms   last/first {last[0] / first[0]:5.2f}"
    )


def _token(cloud: LocalCloudProcess) -> str:
    response = httpx.post(
        cloud.token_url,
        data={"grant_type": "password", "username": "demo", "password": "demo"},
    )
    return str(response.json()["access_token"])


def measure(n: int, args: argparse.Namespace, rng: random.Random) -> dict[str, float]:
    """A database holding one batch of `n` jobs, a server on it, its figures."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-localcloud-scale-") as tmp:
        data_dir = Path(tmp)
        start = time.perf_counter()
        batch_id = populate(data_dir / "cloud.sqlite3", [n], rng)[n]
        print(f"{n:>9,} jobs inserted in {time.perf_counter() - start:.1f} s", flush=True)
        with LocalCloudProcess(data_dir, ["--workers", "1"], startup_timeout=600) as cloud:
            headers = {"Authorization": f"Bearer {_token(cloud)}"}
            with httpx.Client(base_url=cloud.core_url, headers=headers, timeout=300) as client:
                for _ in range(10):  # warm up the connection and SQLite's page cache
                    get_page(client, {"batch_id": batch_id, "limit": LIMIT})
                params: dict[str, Any] = {"batch_id": batch_id}
                first, last = page_latency(client, params, args.requests)
                figures.update(first=first[0], last=last[0])
                print(_line(f"{n:>9,} jobs: batch", first, last), flush=True)
                first, last = in_process(data_dir / "cloud.sqlite3", batch_id, args.requests)
                figures.update(server_first=first[0], server_last=last[0])
                print(_line(f"{n:>9,} jobs: batch, server side", first, last), flush=True)
                for extra, label in FILTERS:
                    first, last = page_latency(client, {**params, **extra}, args.info_requests)
                    figures[f"filter {label}"] = max(first[0], last[0])
                    print(_line(f"{n:>9,} jobs: {label}", first, last), flush=True)
                if n <= 100_000:
                    seconds, seen = fetch_all(client, batch_id)
                    assert seen == n, (seen, n)
                    figures["fetch_all"] = seconds
                    pages = n // LIMIT
                    print(f"{n:>9,} jobs: fetch all ({pages:,} pages) {seconds:8.2f} s "
                          f"({seconds / pages * 1000:.2f} ms a page)", flush=True)  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", type=int, default=1_000_000, help="0: no 1M batch")
    parser.add_argument("--requests", type=int, default=40, help="per page measured")
    parser.add_argument("--info-requests", type=int, default=10, help="filtered pages")
    parser.add_argument("--sizes", default="10000,100000", help="batch sizes before the 1M one")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n] + ([args.million] if args.million else [])
    rng = random.Random(42)
    results = {n: measure(n, args, rng) for n in sizes}
    print("--- ratios")
    for n in sizes:
        r = results[n]
        print(f"{n:>9,} jobs: last / first page p50 {r['last'] / r['first']:.2f}")
    for n in sizes[1:]:
        print(f"first page p50, {n:,} / {sizes[0]:,} jobs: "
              f"{results[n]['first'] / results[sizes[0]]['first']:.2f}")  # fmt: skip
    if 10_000 in results and 100_000 in results:
        ratio = results[100_000]["fetch_all"] / results[10_000]["fetch_all"]
        verdict = "OK" if ratio <= 12 else "OVER TARGET (12)"
        print(f"fetch all, 100,000 / 10,000 jobs: {ratio:.2f}  {verdict}")
    if args.million:
        r = results[args.million]
        for name, p50 in (("HTTP", max(r["first"], r["last"])),
                          ("server side", max(r["server_first"], r["server_last"]))):  # fmt: skip
            verdict = "OK" if p50 <= 15 else "OVER TARGET (15 ms)"
            print(f"{args.million:,} jobs, {name}: first and last page p50 <= {p50:.2f} ms  "
                  f"{verdict}")  # fmt: skip
        for key in (k for k in r if k.startswith("filter ")):
            verdict = "OK" if r[key] <= 15 else "OVER TARGET (15 ms)"
            print(f"{args.million:,} jobs, HTTP, {key[7:]}: first and last page p50 <= "
                  f"{r[key]:.2f} ms  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
