"""Local cloud list latency with 1,000,000 jobs in SQLite.

Inserts 1,000 batches x 1,000 jobs directly into a fresh database, starts the real server on
it, then times 200 job-list requests (filtered by batch and status, limit 100) and 200
batch-list requests over HTTP from this process. Prints p50 / p99 (target: p50 <= 10 ms,
p99 <= 50 ms).

    .venv/bin/python benchmarks/bench_localcloud.py [--batches 1000] [--jobs-per-batch 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from pasqal_tui.localcloud.lifecycle import JOB_STATUSES
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.timeutil import iso
from pasqal_tui.localcloud.users import DEMO_PROJECT, create_user

STATUSES = ("DONE", "ERROR", "CANCELED")
WEIGHTS = (80, 15, 5)


def populate(data_dir: Path, n_batches: int, per_batch: int, rng: random.Random) -> list[str]:
    store = Store(data_dir / "cloud.sqlite3")
    project = create_user(store, "demo", "demo", DEMO_PROJECT)
    user = store.user_by_name("demo")
    assert user is not None
    user_id = str(user["id"])
    t0 = 1_700_000_000.0
    batch_ids = []
    with store.transaction() as conn:
        for b in range(n_batches):
            batch_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            batch_ids.append(batch_id)
            created = t0 + b * 60
            stamp = iso_ts(created)
            conn.execute(
                "INSERT INTO batches (id, project_id, user_id, device_type, status, open, "
                "priority, queue_priority, tags, created_at, updated_at, activity_at) "
                "VALUES (?,?,?,?, 'DONE', 0, 20, 'MEDIUM', '[\"bench\"]', ?, ?, 0)",
                (batch_id, project, user_id, "EMU_FREE", stamp, stamp),
            )
            statuses = rng.choices(STATUSES, WEIGHTS, k=per_batch)
            conn.executemany(
                "INSERT INTO jobs (id, batch_id, project_id, user_id, status, runs, variables, "
                "errors, created_at, updated_at, start_timestamp, end_timestamp, ordinal) "
                "VALUES (?,?,?,?,?,100,'{\"omega\": 1.0}',?,?,?,?,?,?)",
                (
                    (
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        batch_id, project, user_id, status,
                        '["QPU calibration drift: job aborted"]' if status == "ERROR" else None,
                        stamp, stamp, stamp, stamp, ordinal,
                    )
                    for ordinal, status in enumerate(statuses)
                ),
            )  # fmt: skip
        counts = ", ".join(
            f"n_{s.lower()} = (SELECT COUNT(*) FROM jobs j WHERE j.batch_id = batches.id "
            f"AND j.status = '{s}')"
            for s in JOB_STATUSES
        )
        conn.execute(
            f"UPDATE batches SET {counts}, jobs_count = "
            "(SELECT COUNT(*) FROM jobs j WHERE j.batch_id = batches.id)"
        )
    with store.transaction() as conn:
        conn.execute("ANALYZE")
    store.close()
    return batch_ids


def iso_ts(epoch: float) -> str:
    from datetime import datetime, timezone

    return iso(datetime.fromtimestamp(epoch, timezone.utc))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def timed(client: httpx.Client, path: str, params: dict[str, object]) -> float:
    start = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    body = response.json()
    assert body["status"] == "success" and "pagination" in body
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--jobs-per-batch", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="bench-localcloud-") as tmp:
        data_dir = Path(tmp)
        start = time.perf_counter()
        batch_ids = populate(data_dir, args.batches, args.jobs_per_batch, rng)
        total = args.batches * args.jobs_per_batch
        print(f"inserted {total:,} jobs in {args.batches:,} batches: "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        with LocalCloudProcess(data_dir, ["--workers", "1"]) as cloud:
            token = httpx.post(
                cloud.token_url,
                data={"grant_type": "password", "username": "demo", "password": "demo"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=cloud.core_url, headers=headers, timeout=30) as client:
                for _ in range(10):  # warm up connections and SQLite's page cache
                    timed(client, "/api/v1/batches", {"offset": 0, "limit": 100})
                jobs = [
                    timed(
                        client,
                        "/api/v2/jobs",
                        {
                            "batch_id": rng.choice(batch_ids),
                            "status": rng.choice(STATUSES),
                            "offset": 0,
                            "limit": 100,
                        },
                    )
                    for _ in range(args.requests)
                ]
                batches = [
                    timed(
                        client,
                        "/api/v1/batches",
                        {"offset": rng.randrange(0, max(1, args.batches - 100)), "limit": 100},
                    )
                    for _ in range(args.requests)
                ]
                # Not a target, for information: no batch filter, so the count spans 1M jobs.
                unscoped = [
                    timed(client, "/api/v2/jobs", {"status": rng.choice(STATUSES), "limit": 100})
                    for _ in range(max(1, args.requests // 10))
                ]
        for name, samples in (("job list (batch+status, limit 100)", jobs),
                              ("batch list (limit 100)", batches)):  # fmt: skip
            p50, p99 = percentiles(samples)
            verdict = "OK" if p50 <= 10 and p99 <= 50 else "OVER TARGET"
            print(f"{name:<36} n={len(samples)}  p50={p50:6.2f} ms  p99={p99:6.2f} ms  {verdict}")
        p50, p99 = percentiles(unscoped)
        name = "job list (status only; info)"
        print(f"{name:<36} n={len(unscoped)}  p50={p50:6.2f} ms  p99={p99:6.2f} ms")


if __name__ == "__main__":
    main()
