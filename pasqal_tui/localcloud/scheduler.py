"""The queue: which PENDING job runs next, and on what.

The QPU (FRESNEL) runs one batch at a time, chosen by priority then age; a running batch keeps
the QPU until it is closed and done (an open batch holds it until closed or timed out). The
emulators run batches side by side, sharing the pool's workers round-robin, so an open
emulator batch never blocks another. Planning touches SQLite in a worker thread; emulation runs
only in `EmulationPool`; the event loop only awaits.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.devices import DEVICE_TYPES, QPU_DEVICE_TYPES
from pasqal_tui.localcloud.emulation import JobOutcome, JobSpec
from pasqal_tui.localcloud.executor import EmulationPool
from pasqal_tui.localcloud.lifecycle import end_batch, finish_job, requeue_running, start_job
from pasqal_tui.localcloud.workload_store import (
    WORKLOAD_TYPES,
    finish_workload,
    requeue_running_workloads,
    start_workload,
)

log = logging.getLogger("pasqal_tui.localcloud.scheduler")

HARDWARE_FAILURES = (
    "QPU calibration drift: job aborted",
    "Atom loss above threshold during register loading: job aborted",
    "Laser lock lost during the pulse sequence: job aborted",
    "SLM pattern failed to converge: job aborted",
)
JOB_TIMEOUT_S = 300.0
IDLE_POLL_S = 0.5


@dataclass(frozen=True)
class Planned:
    kind: str  # "job" or "workload"
    batch_id: str | None
    qpu: bool
    spec: JobSpec | None
    error: str | None = None


def job_seed(base: int | None, ident: str) -> int:
    digest = hashlib.sha256(f"{base}:{ident}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


class Scheduler:
    def __init__(self, cloud: Cloud, pool: EmulationPool) -> None:
        self._cloud = cloud
        self._pool = pool
        self._settings = cloud.settings
        self._rng = random.Random(self._settings.seed)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._batch_of: dict[str, str | None] = {}
        self._qpu_job: str | None = None
        # When each emulator batch last got a worker: the least recently served goes next.
        self._served: dict[str, int] = {}
        self._serial = 0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        requeued = await asyncio.to_thread(self._recover)
        if requeued:
            log.info("requeued %d job(s) that were running when the server stopped", requeued)
        self._main = asyncio.create_task(self._run_forever(), name="scheduler")

    async def stop(self) -> None:
        tasks = [t for t in (self._main, *self._tasks.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    def _recover(self) -> int:
        with self._cloud.store.transaction() as conn:
            requeue_running_workloads(conn, self._cloud.clock.now_iso())
            return requeue_running(conn, self._cloud.clock.now_iso())

    async def _run_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._tick()
            except Exception:  # a bad tick must not stop the queue for good
                log.exception("scheduler tick failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)

    # -- planning (in a thread) ---------------------------------------------------------------

    async def _tick(self) -> None:
        in_flight = dict(self._batch_of)
        qpu_busy = self._qpu_job is not None
        plans, stale = await asyncio.to_thread(self._plan, in_flight, qpu_busy, dict(self._served))
        for job_id in stale:
            task = self._tasks.get(job_id)
            if task is not None:
                task.cancel()
        for ident, plan in plans:
            self._batch_of[ident] = plan.batch_id
            if plan.batch_id is not None and not plan.qpu:
                self._serial += 1
                self._served[plan.batch_id] = self._serial
            if plan.qpu:
                self._qpu_job = ident
            self._tasks[ident] = asyncio.create_task(self._execute(ident, plan), name=ident)
        if len(self._served) > 10_000:  # forget batches served long ago
            recent = sorted(self._served.items(), key=lambda kv: kv[1])[-5_000:]
            self._served = dict(recent)

    def _plan(
        self, in_flight: dict[str, str | None], qpu_busy: bool, served: dict[str, int]
    ) -> tuple[list[tuple[str, Planned]], list[str]]:
        store = self._cloud.store
        now = self._cloud.clock.now_iso()
        with store.transaction() as conn:
            self._expire_open_batches(conn, now)
            stale = self._stale(conn, list(in_flight))
            plans: list[tuple[str, Planned]] = []
            if not qpu_busy:
                plans.extend(self._plan_qpu(conn, now))
            emu_slots = self._pool.max_workers - sum(
                1 for j, b in in_flight.items() if j != self._qpu_job
            )
            if emu_slots > 0:
                per_batch = Counter(b for j, b in in_flight.items() if j != self._qpu_job)
                plans.extend(self._plan_emulators(conn, emu_slots, per_batch, served, now))
                emu_slots -= sum(1 for _, p in plans if not p.qpu)
            if emu_slots > 0:
                plans.extend(self._plan_workloads(conn, emu_slots, now))
        return plans, stale

    def _expire_open_batches(self, conn: sqlite3.Connection, now: str) -> None:
        cutoff = time.time() - self._settings.open_batch_timeout
        rows = conn.execute(
            "SELECT id FROM batches WHERE open = 1 AND status IN ('PENDING', 'RUNNING') "
            "AND n_pending = 0 AND n_running = 0 AND activity_at < ?",
            (cutoff,),
        ).fetchall()
        for row in rows:
            end_batch(conn, str(row["id"]), "TIMED_OUT", now)

    @staticmethod
    def _stale(conn: sqlite3.Connection, job_ids: list[str]) -> list[str]:
        """In-flight jobs that were canceled meanwhile: their tasks get cancelled."""
        if not job_ids:
            return []
        marks = ",".join("?" * len(job_ids))
        rows = conn.execute(
            f"SELECT id FROM jobs WHERE id IN ({marks}) AND status != 'RUNNING' "
            f"UNION SELECT id FROM workloads WHERE id IN ({marks}) AND status != 'RUNNING'",
            [*job_ids, *job_ids],
        ).fetchall()
        return [str(r[0]) for r in rows]

    def _spec(self, batch: sqlite3.Row, job: sqlite3.Row) -> JobSpec:
        return JobSpec(
            job_id=str(job["id"]),
            sequence=job["sequence"] or batch["sequence_builder"] or "",
            variables=json.loads(job["variables"]) if job["variables"] else None,
            runs=job["runs"],
            device_type=str(batch["device_type"]),
            configuration=json.loads(batch["configuration"]) if batch["configuration"] else None,
            seed=job_seed(self._settings.seed, str(job["id"])),
            max_atoms=self._settings.max_atoms,
        )

    def _plan_qpu(self, conn: sqlite3.Connection, now: str) -> list[tuple[str, Planned]]:
        qpus = ",".join(f"'{d}'" for d in QPU_DEVICE_TYPES)
        holder = conn.execute(
            f"SELECT * FROM batches WHERE status = 'RUNNING' AND device_type IN ({qpus}) "
            "ORDER BY priority DESC, seq LIMIT 1"
        ).fetchone()
        if holder is None:
            holder = conn.execute(
                f"SELECT * FROM batches WHERE status = 'PENDING' AND device_type IN ({qpus}) "
                "AND n_pending > 0 ORDER BY priority DESC, seq LIMIT 1"
            ).fetchone()
        if holder is None:
            return []
        job = conn.execute(
            "SELECT * FROM jobs WHERE batch_id = ? AND status = 'PENDING' ORDER BY seq LIMIT 1",
            (holder["id"],),
        ).fetchone()
        if job is None or not start_job(conn, str(job["id"]), now):
            return []
        return [(str(job["id"]), Planned("job", str(holder["id"]), True, self._spec(holder, job)))]

    def _plan_emulators(
        self,
        conn: sqlite3.Connection,
        slots: int,
        per_batch: Counter[str | None],
        served: dict[str, int],
        now: str,
    ) -> list[tuple[str, Planned]]:
        qpus = ",".join(f"'{d}'" for d in QPU_DEVICE_TYPES)
        batches = conn.execute(
            f"SELECT * FROM batches WHERE status IN ('PENDING', 'RUNNING') "
            f"AND device_type NOT IN ({qpus}) AND n_pending > 0 ORDER BY priority DESC, seq"
        ).fetchall()
        plans: list[tuple[str, Planned]] = []
        queues: dict[str, list[sqlite3.Row]] = {}
        while slots > 0 and batches:
            # Round robin within a priority: fewest jobs in flight, then least recently
            # served, so a 5,000-job batch never starves a new one.
            batch = min(
                batches,
                key=lambda b: (
                    -b["priority"],
                    per_batch[str(b["id"])],
                    served.get(str(b["id"]), 0),
                ),
            )
            bid = str(batch["id"])
            if bid not in queues:
                queues[bid] = conn.execute(
                    "SELECT * FROM jobs WHERE batch_id = ? AND status = 'PENDING' "
                    "ORDER BY seq LIMIT ?",
                    (bid, slots),
                ).fetchall()
            if not queues[bid]:
                batches.remove(batch)
                continue
            job = queues[bid].pop(0)
            if start_job(conn, str(job["id"]), now):
                plans.append((str(job["id"]), Planned("job", bid, False, self._spec(batch, job))))
                per_batch[bid] += 1
                served[bid] = max(served.values(), default=0) + 1
                slots -= 1
        return plans

    def _plan_workloads(
        self, conn: sqlite3.Connection, slots: int, now: str
    ) -> list[tuple[str, Planned]]:
        rows = conn.execute(
            "SELECT * FROM workloads WHERE status = 'PENDING' ORDER BY seq LIMIT ?", (slots,)
        ).fetchall()
        plans = []
        for row in rows:
            if not start_workload(conn, str(row["id"]), now):
                continue
            plans.append((str(row["id"]), self._workload_plan(row)))
        return plans

    def _workload_plan(self, row: sqlite3.Row) -> Planned:
        config: dict[str, Any] = json.loads(row["config"])
        if row["workload_type"] not in WORKLOAD_TYPES:
            known = ", ".join(WORKLOAD_TYPES)
            return Planned(
                "workload",
                None,
                False,
                None,
                f"Unknown workload type {row['workload_type']!r}: expected {known}.",
            )
        if row["backend"] not in DEVICE_TYPES or row["backend"] in QPU_DEVICE_TYPES:
            emus = ", ".join(d for d in DEVICE_TYPES if d not in QPU_DEVICE_TYPES)
            return Planned(
                "workload",
                None,
                False,
                None,
                f"Unknown workload backend {row['backend']!r}: expected one of {emus}.",
            )
        sequence = config.get("sequence")
        if not isinstance(sequence, str):
            return Planned(
                "workload",
                None,
                False,
                None,
                "config.sequence must be a Pulser abstract-repr JSON string.",
            )
        variables = config.get("variables")
        spec = JobSpec(
            job_id=str(row["id"]),
            sequence=sequence,
            variables=variables if isinstance(variables, dict) else None,
            runs=int(config.get("runs", 100)),
            device_type=str(row["backend"]),
            configuration=config.get("configuration"),
            seed=job_seed(self._settings.seed, str(row["id"])),
            max_atoms=self._settings.max_atoms,
        )
        return Planned("workload", None, False, spec)

    # -- execution (on the loop) --------------------------------------------------------------

    async def _execute(self, ident: str, plan: Planned) -> None:
        started = time.monotonic()
        try:
            if plan.spec is None:
                outcome = JobOutcome.error([plan.error or "Cannot run."])
            else:
                outcome = await self._pool.run(plan.spec, timeout=JOB_TIMEOUT_S)
            if plan.qpu:
                budget = self._settings.qpu_job_seconds * self._settings.time_scale
                await asyncio.sleep(max(0.0, budget - (time.monotonic() - started)))
            outcome = self._maybe_hardware_failure(outcome, plan)
            await asyncio.to_thread(self._record, ident, plan, outcome)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # an unexpected failure still ends the job, visibly
            log.exception("job %s failed unexpectedly", ident)
            failed = JobOutcome.error([f"Internal error while running: {type(exc).__name__}"])
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._record, ident, plan, failed)
        finally:
            self._tasks.pop(ident, None)
            self._batch_of.pop(ident, None)
            if self._qpu_job == ident:
                self._qpu_job = None
            self._wake.set()

    def _maybe_hardware_failure(self, outcome: JobOutcome, plan: Planned) -> JobOutcome:
        rate = self._settings.fail_rate
        if plan.kind != "job" or outcome.status != "DONE" or rate <= 0:
            return outcome
        if self._rng.random() >= rate:
            return outcome
        return JobOutcome.error([self._rng.choice(HARDWARE_FAILURES)], outcome.duration_s)

    def _record(self, ident: str, plan: Planned, outcome: JobOutcome) -> None:
        now = self._cloud.clock.now_iso()
        with self._cloud.store.transaction() as conn:
            if plan.kind == "workload":
                result = None
                if outcome.status == "DONE":
                    result = {"counter": outcome.counter, "duration_s": outcome.duration_s}
                finish_workload(conn, ident, outcome.status, outcome.errors, result, now)
                return
            doc = None
            if outcome.status == "DONE":
                doc = {"counter": outcome.counter, "raw": outcome.raw, "serialised_results": None}
            finish_job(conn, ident, outcome.status, outcome.errors, doc, now)
