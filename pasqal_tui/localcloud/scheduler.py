"""The queue: which PENDING job runs next, and on what.

The QPU (FRESNEL) runs one batch at a time, chosen by priority then age; a running batch keeps
the QPU until it is closed and done (an open batch holds it until closed or timed out). The
emulators run batches side by side, sharing the pool's workers round-robin, so an open
emulator batch never blocks another.

`Planner` decides, in a worker thread, from SQLite and a `QueueSnapshot` the loop takes first:
it holds no reference to the `Scheduler`, so it cannot read loop state that changes under it.
Emulation runs only in `EmulationPool`; the event loop only awaits. Every timestamp (and the
open-batch timeout) comes from the injected `Cloud.clock`, so tests can advance a fake one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.devices import DEVICE_TYPES, QPU_DEVICE_TYPES
from pasqal_tui.localcloud.emulation import JobOutcome, JobSpec
from pasqal_tui.localcloud.executor import EmulationPool
from pasqal_tui.localcloud.lifecycle import end_batch, finish_job, requeue_running, start_job
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.timeutil import Clock, iso
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
_QPUS = ",".join(f"'{d}'" for d in QPU_DEVICE_TYPES)
# Only the job started reads its sequence (often kilobytes): the queue queries never do.
_SPEC_QUERY = (
    "SELECT j.id, j.runs, j.variables, b.device_type, b.configuration, b.backend_configuration, "
    "COALESCE(NULLIF(j.sequence, ''), b.sequence_builder, '') AS sequence "
    "FROM jobs j JOIN batches b ON b.id = j.batch_id WHERE j.id = ?"
)


@dataclass(frozen=True)
class PlannedJob:
    """A batch's job, now RUNNING: what to emulate, and whether it occupies the QPU."""

    job_id: str
    batch_id: str
    qpu: bool
    spec: JobSpec

    @property
    def ident(self) -> str:
        return self.job_id


@dataclass(frozen=True)
class PlannedWorkload:
    """A workload, now RUNNING; `error` instead of `spec` when it cannot run at all."""

    workload_id: str
    spec: JobSpec | None = None
    error: str | None = None

    @property
    def ident(self) -> str:
        return self.workload_id


Planned = PlannedJob | PlannedWorkload


@dataclass(frozen=True)
class QueueSnapshot:
    """What the planner may know of the loop's state: a read-only copy taken on the loop."""

    in_flight: Mapping[str, str | None]  # running job or workload id -> batch id (None: workload)
    qpu_job: str | None  # the job on the QPU, if any
    served: Mapping[str, int]  # emulator batch id -> when it last got a worker (higher: later)
    workers: int  # size of the emulation pool

    @classmethod
    def of(
        cls,
        in_flight: Mapping[str, str | None],
        qpu_job: str | None,
        served: Mapping[str, int],
        workers: int,
    ) -> QueueSnapshot:
        return cls(
            MappingProxyType(dict(in_flight)), qpu_job, MappingProxyType(dict(served)), workers
        )


@dataclass(frozen=True)
class TickPlan:
    """One planning pass: what was started (in order) and in-flight ids canceled meanwhile."""

    started: tuple[Planned, ...]
    stale: tuple[str, ...]


@dataclass(frozen=True)
class _QueuedBatch:
    """What the planner needs to order a batch: never its sequence or configuration."""

    id: str
    priority: int


def job_seed(base: int | None, ident: str) -> int:
    digest = hashlib.sha256(f"{base}:{ident}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


class Planner:
    """Chooses what starts next and marks it RUNNING, in one transaction; runs in a thread.

    It holds only what is safe to share with the loop (the store, which has its own lock; the
    clock; frozen settings), and learns what is running from a `QueueSnapshot` argument.
    """

    def __init__(self, store: Store, clock: Clock, settings: Settings) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings

    def plan(self, snapshot: QueueSnapshot) -> TickPlan:
        with self._store.transaction() as conn:
            moment = self._clock.now()
            now = iso(moment)
            self._expire_open_batches(conn, moment)
            stale = self._stale(conn, list(snapshot.in_flight))
            started: list[Planned] = []
            if snapshot.qpu_job is None:
                started.extend(self._plan_qpu(conn, now))
            emulating = [b for j, b in snapshot.in_flight.items() if j != snapshot.qpu_job]
            slots = snapshot.workers - len(emulating)
            if slots > 0:
                emulated = self._plan_emulators(
                    conn, slots, Counter(emulating), dict(snapshot.served), now
                )
                started.extend(emulated)
                slots -= len(emulated)
            if slots > 0:
                started.extend(self._plan_workloads(conn, slots, now))
        return TickPlan(tuple(started), tuple(stale))

    def _expire_open_batches(self, conn: sqlite3.Connection, moment: datetime) -> None:
        """An open batch idle (nothing queued or running) for too long ends as TIMED_OUT."""
        cutoff = moment.timestamp() - self._settings.open_batch_timeout
        rows = conn.execute(
            "SELECT id FROM batches WHERE open = 1 AND status IN ('PENDING', 'RUNNING') "
            "AND n_pending = 0 AND n_running = 0 AND activity_at < ?",
            (cutoff,),
        ).fetchall()
        for row in rows:
            end_batch(conn, str(row["id"]), "TIMED_OUT", iso(moment))

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

    def _start(
        self, conn: sqlite3.Connection, job_id: str, batch_id: str, qpu: bool, now: str
    ) -> PlannedJob | None:
        """PENDING -> RUNNING, then read what the job runs (None if canceled meanwhile)."""
        if not start_job(conn, job_id, now):
            return None
        row = conn.execute(_SPEC_QUERY, (job_id,)).fetchone()
        spec = JobSpec(
            job_id=job_id,
            sequence=str(row["sequence"]),
            variables=json.loads(row["variables"]) if row["variables"] else None,
            runs=row["runs"],
            device_type=str(row["device_type"]),
            configuration=json.loads(row["configuration"]) if row["configuration"] else None,
            seed=job_seed(self._settings.seed, job_id),
            max_atoms=self._settings.max_atoms,
            backend_configuration=row["backend_configuration"],
        )
        return PlannedJob(job_id=job_id, batch_id=batch_id, qpu=qpu, spec=spec)

    @staticmethod
    def _pending_job_ids(conn: sqlite3.Connection, batch_id: str, limit: int) -> list[str]:
        rows = conn.execute(
            "SELECT id FROM jobs WHERE batch_id = ? AND status = 'PENDING' ORDER BY seq LIMIT ?",
            (batch_id, limit),
        ).fetchall()
        return [str(r["id"]) for r in rows]

    def _plan_qpu(self, conn: sqlite3.Connection, now: str) -> list[Planned]:
        """The QPU's holder (a RUNNING QPU batch, else the first queued one) runs its next job."""
        holder = conn.execute(
            f"SELECT id FROM batches WHERE status = 'RUNNING' AND device_type IN ({_QPUS}) "
            "ORDER BY priority DESC, seq LIMIT 1"
        ).fetchone()
        if holder is None:
            holder = conn.execute(
                f"SELECT id FROM batches WHERE status = 'PENDING' AND device_type IN ({_QPUS}) "
                "AND n_pending > 0 ORDER BY priority DESC, seq LIMIT 1"
            ).fetchone()
        if holder is None:
            return []
        batch_id = str(holder["id"])
        job_ids = self._pending_job_ids(conn, batch_id, 1)
        planned = self._start(conn, job_ids[0], batch_id, True, now) if job_ids else None
        return [] if planned is None else [planned]

    def _plan_emulators(
        self,
        conn: sqlite3.Connection,
        slots: int,
        per_batch: Counter[str | None],
        served: dict[str, int],
        now: str,
    ) -> list[Planned]:
        batches = [
            _QueuedBatch(id=str(r["id"]), priority=int(r["priority"]))
            for r in conn.execute(
                "SELECT id, priority FROM batches WHERE status IN ('PENDING', 'RUNNING') "
                f"AND device_type NOT IN ({_QPUS}) AND n_pending > 0 ORDER BY priority DESC, seq"
            )
        ]
        plans: list[Planned] = []
        queues: dict[str, list[str]] = {}
        while slots > 0 and batches:
            # Round robin within a priority: fewest jobs in flight, then least recently
            # served, so a 5,000-job batch never starves a new one.
            batch = min(batches, key=lambda b: (-b.priority, per_batch[b.id], served.get(b.id, 0)))
            if batch.id not in queues:
                queues[batch.id] = self._pending_job_ids(conn, batch.id, slots)
            if not queues[batch.id]:
                batches.remove(batch)
                continue
            planned = self._start(conn, queues[batch.id].pop(0), batch.id, False, now)
            if planned is not None:
                plans.append(planned)
                per_batch[batch.id] += 1
                served[batch.id] = max(served.values(), default=0) + 1
                slots -= 1
        return plans

    def _plan_workloads(self, conn: sqlite3.Connection, slots: int, now: str) -> list[Planned]:
        rows = conn.execute(
            "SELECT id, workload_type, backend, config FROM workloads WHERE status = 'PENDING' "
            "ORDER BY seq LIMIT ?",
            (slots,),
        ).fetchall()
        return [
            self._workload_plan(row) for row in rows if start_workload(conn, str(row["id"]), now)
        ]

    def _workload_plan(self, row: sqlite3.Row) -> PlannedWorkload:
        workload_id = str(row["id"])
        config: dict[str, Any] = json.loads(row["config"])
        if row["workload_type"] not in WORKLOAD_TYPES:
            known = ", ".join(WORKLOAD_TYPES)
            return PlannedWorkload(
                workload_id=workload_id,
                error=f"Unknown workload type {row['workload_type']!r}: expected {known}.",
            )
        if row["backend"] not in DEVICE_TYPES or row["backend"] in QPU_DEVICE_TYPES:
            emus = ", ".join(d for d in DEVICE_TYPES if d not in QPU_DEVICE_TYPES)
            return PlannedWorkload(
                workload_id=workload_id,
                error=f"Unknown workload backend {row['backend']!r}: expected one of {emus}.",
            )
        sequence = config.get("sequence")
        if not isinstance(sequence, str):
            return PlannedWorkload(
                workload_id=workload_id,
                error="config.sequence must be a Pulser abstract-repr JSON string.",
            )
        variables = config.get("variables")
        spec = JobSpec(
            job_id=workload_id,
            sequence=sequence,
            variables=variables if isinstance(variables, dict) else None,
            runs=int(config.get("runs", 100)),
            device_type=str(row["backend"]),
            configuration=config.get("configuration"),
            seed=job_seed(self._settings.seed, workload_id),
            max_atoms=self._settings.max_atoms,
        )
        return PlannedWorkload(workload_id=workload_id, spec=spec)


class Scheduler:
    def __init__(self, cloud: Cloud, pool: EmulationPool) -> None:
        self._cloud = cloud
        self._pool = pool
        self._settings = cloud.settings
        self._planner = Planner(cloud.store, cloud.clock, cloud.settings)
        self._rng = random.Random(self._settings.seed)
        # Loop-owned state: read and written on the event loop only (the planner gets copies).
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

    async def _tick(self) -> None:
        snapshot = QueueSnapshot.of(
            self._batch_of, self._qpu_job, self._served, self._pool.max_workers
        )
        tick = await asyncio.to_thread(self._planner.plan, snapshot)
        for job_id in tick.stale:
            task = self._tasks.get(job_id)
            if task is not None:
                task.cancel()
        for plan in tick.started:
            ident = plan.ident
            if isinstance(plan, PlannedJob):
                self._batch_of[ident] = plan.batch_id
                if plan.qpu:
                    self._qpu_job = ident
                else:
                    self._serial += 1
                    self._served[plan.batch_id] = self._serial
            else:
                self._batch_of[ident] = None
            self._tasks[ident] = asyncio.create_task(self._execute(plan), name=ident)
        if len(self._served) > 10_000:  # forget batches served long ago
            recent = sorted(self._served.items(), key=lambda kv: kv[1])[-5_000:]
            self._served = dict(recent)

    # -- execution (on the loop) --------------------------------------------------------------

    async def _execute(self, plan: Planned) -> None:
        ident = plan.ident
        loop = asyncio.get_running_loop()
        started = loop.time()  # the loop's clock: it paces the real sleep below
        try:
            if plan.spec is None:
                reason = plan.error if isinstance(plan, PlannedWorkload) else None
                outcome = JobOutcome.error([reason or "Cannot run."])
            else:
                outcome = await self._pool.run(plan.spec, timeout=JOB_TIMEOUT_S)
            if isinstance(plan, PlannedJob) and plan.qpu:
                budget = self._settings.qpu_job_seconds * self._settings.time_scale
                await asyncio.sleep(max(0.0, budget - (loop.time() - started)))
            outcome = self._maybe_hardware_failure(outcome, plan)
            await asyncio.to_thread(self._record, plan, outcome)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # an unexpected failure still ends the job, visibly
            log.exception("job %s failed unexpectedly", ident)
            failed = JobOutcome.error([f"Internal error while running: {type(exc).__name__}"])
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._record, plan, failed)
        finally:
            self._tasks.pop(ident, None)
            self._batch_of.pop(ident, None)
            if self._qpu_job == ident:
                self._qpu_job = None
            self._wake.set()

    def _maybe_hardware_failure(self, outcome: JobOutcome, plan: Planned) -> JobOutcome:
        rate = self._settings.fail_rate
        if not isinstance(plan, PlannedJob) or outcome.status != "DONE" or rate <= 0:
            return outcome
        if self._rng.random() >= rate:
            return outcome
        return JobOutcome.error([self._rng.choice(HARDWARE_FAILURES)], outcome.duration_s)

    def _record(self, plan: Planned, outcome: JobOutcome) -> None:
        now = self._cloud.clock.now_iso()
        with self._cloud.store.transaction() as conn:
            if isinstance(plan, PlannedWorkload):
                result = None
                if outcome.status == "DONE":
                    result = {"counter": outcome.counter, "duration_s": outcome.duration_s}
                finish_workload(conn, plan.ident, outcome.status, outcome.errors, result, now)
                return
            doc = None
            if outcome.status == "DONE":
                doc = {
                    "counter": outcome.counter,
                    "raw": outcome.raw,
                    "serialised_results": outcome.serialised_results,
                }
            finish_job(conn, plan.ident, outcome.status, outcome.errors, doc, now)
