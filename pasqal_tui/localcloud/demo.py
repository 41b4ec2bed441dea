"""`--demo`: a realistic, deterministic history for the demo user, seeded once.

Ids come from a seeded RNG and timestamps from `--clock-origin` (or now), so two fresh data
dirs with the same seed and origin hold identical data. Errors are real: every errored job
carries what Pulser (or a hardware-like failure) said when the job was actually run.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from pasqal_tui.localcloud.lifecycle import QUEUE_PRIORITY_RANK, store_counts
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.timeutil import iso

SEEDED_KEY = "demo_seeded"
BIG_BATCH_JOBS = 5000
HARDWARE = (
    "QPU calibration drift: job aborted",
    "Atom loss above threshold during register loading: job aborted",
)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class DemoIds:
    """The demo user's and project's ids: seeded, so snapshots can rely on them."""

    def __init__(self, seed: int | None) -> None:
        self.rng = random.Random(f"ids:{seed}") if seed is not None else random.Random()
        self.user_id = "".join(self.rng.choice(_ALNUM) for _ in range(8))
        self.project_id = self.uuid()

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


@dataclass
class Plan:
    """One demo batch: device, final status and the cases its jobs run."""

    device: str
    status: str
    cases: list[str]
    tags: list[str] = field(default_factory=list)
    open: bool = False
    hours_ago: float = 0.0
    runs: int = 100
    hardware_errors: int = 0
    parent: int | None = None  # index of the batch this one rebatches


def _plans(rng: random.Random) -> list[Plan]:
    r, e = ["rabi_pi", "rabi_half", "rabi_2pi"], ["missing_variable", "unknown_variable"]
    emus = ["EMU_FREE", "EMU_TN", "EMU_MPS", "EMU_SV", "EMU_FRESNEL"]
    plans = [Plan(emus[i % 5], "DONE", r * 2, ["rabi", "demo"]) for i in range(6)]
    plans += [
        Plan("EMU_FREE", "DONE", ["sweep"] * 4, ["sweep"]),
        Plan("EMU_TN", "DONE", ["bell"] * 3, ["bell"]),
        Plan("FRESNEL", "DONE", ["bell"] * 5, ["bell", "qpu"]),
        Plan("FRESNEL", "DONE", r * 3, ["rabi", "qpu"], hardware_errors=2),
        Plan("EMU_FREE", "DONE", r + e, ["rabi", "variables"]),
        Plan("EMU_FREE", "DONE", ["too_many_atoms", "bell"], ["size"]),
        Plan("FRESNEL", "DONE", ["amplitude", "too_close", "bell"], ["limits"]),
        Plan("FRESNEL", "DONE", ["rabi_pi", "omega_too_high"], ["limits", "qpu"]),
        Plan("EMU_SV", "DONE", ["sweep", "bell"], []),
        Plan("EMU_MPS", "DONE", ["sweep"] * 2, ["sweep", "demo"]),
        Plan("FRESNEL", "ERROR", ["bell"] * 3, ["qpu"], hardware_errors=3),
        Plan("EMU_FRESNEL", "ERROR", ["amplitude", "too_close"], ["limits"]),
        Plan("EMU_FREE", "CANCELED", r * 2, ["rabi"]),
        Plan("FRESNEL", "CANCELED", ["bell"] * 4, ["qpu"]),
        Plan("EMU_TN", "CANCELED", ["sweep"] * 2, []),
        Plan("EMU_FREE", "TIMED_OUT", r, ["interactive"]),
        Plan("EMU_MPS", "TIMED_OUT", ["bell"] * 2, ["interactive"]),
        Plan("FRESNEL", "DONE", ["rabi_half", "rabi_2pi"], ["rabi", "retry"], parent=9),
        Plan("EMU_FREE", "DONE", r, ["pagination"], runs=50),  # the 5,000-job batch
        Plan("EMU_TN", "DONE", [*e, "bell"], ["variables"]),
        Plan("EMU_FREE", "DONE", ["bell"] * 2, ["demo"]),
    ]
    for plan in plans:
        plan.hours_ago = rng.uniform(2.0, 24.0 * 14)
    for plan in plans:
        if plan.parent is not None:
            plan.hours_ago = plans[plan.parent].hours_ago - 0.5
    active = [
        Plan("FRESNEL", "RUNNING", ["bell"] * 6, ["qpu", "live"], hours_ago=0.3),
        Plan("FRESNEL", "PENDING", r * 2, ["qpu", "queued"], hours_ago=0.2),
        Plan(
            "EMU_FREE",
            "RUNNING",
            ["rabi_pi", "rabi_half"],
            ["open", "interactive"],
            open=True,
            hours_ago=0.1,
        ),
    ]
    return plans + active


def seed_demo(store: Store, settings: Settings) -> bool:
    """Seed once; False if this data dir already has its demo history."""
    if store.get_meta(SEEDED_KEY) is not None:
        return False
    from pasqal_tui.localcloud.demo_outcomes import build_cases

    seed = settings.seed if settings.seed is not None else random.SystemRandom().getrandbits(31)
    ids = DemoIds(settings.seed)
    rng = random.Random(f"history:{seed}")
    origin = settings.clock_origin or datetime.now(timezone.utc)
    cases = build_cases(seed)
    user = store.user_by_name("demo")
    if user is None:
        raise RuntimeError("the demo user must exist before the demo history is seeded")
    projects = store.user_projects(str(user["id"]))
    writer = _Writer(rng, ids, origin, str(user["id"]), str(projects[0]["id"]), cases)
    plans = _plans(rng)
    order = sorted(range(len(plans)), key=lambda i: -plans[i].hours_ago)
    with store.transaction() as conn:
        batch_ids: dict[int, str] = {}
        parent_jobs: dict[int, list[str]] = {}
        for index in order:
            plan = plans[index]
            is_big = "pagination" in plan.tags
            parent = plans[plan.parent] if plan.parent is not None else None
            copied: list[str] = []
            if parent is not None and plan.parent is not None:
                # The child retries the parent's last (hardware-failed) jobs.
                copied = parent_jobs[plan.parent][-len(plan.cases) :]
            batch_ids[index], parent_jobs[index] = writer.batch(
                conn,
                plan,
                BIG_BATCH_JOBS if is_big else len(plan.cases),
                batch_ids.get(plan.parent) if plan.parent is not None else None,
                copied,
            )
        writer.workloads(conn)
        store.set_meta(conn, SEEDED_KEY, iso(origin))
    return True


class _Writer:
    def __init__(
        self,
        rng: random.Random,
        ids: DemoIds,
        origin: datetime,
        user_id: str,
        project_id: str,
        cases: dict[str, Any],
    ) -> None:
        self.rng, self.ids, self.origin = rng, ids, origin
        self.user_id, self.project_id, self.cases = user_id, project_id, cases

    def batch(
        self,
        conn: sqlite3.Connection,
        plan: Plan,
        n_jobs: int,
        parent_id: str | None,
        parent_job_ids: list[str],
    ) -> tuple[str, list[str]]:
        rng = self.rng
        batch_id = self.ids.uuid()
        created = self.origin - timedelta(hours=plan.hours_ago)
        first_case = self.cases[plan.cases[0]]
        qpu = plan.device == "FRESNEL"
        clock = created + timedelta(seconds=rng.uniform(5, 600 if qpu else 30))
        started = None
        jobs, results = [], []
        stop_at = self._stop_index(plan, n_jobs)
        for j in range(n_jobs):
            case_key = plan.cases[j % len(plan.cases)]
            case = self.cases[case_key]
            job_id = self.ids.uuid()
            status, errors, doc = self._job_fate(plan, j, n_jobs, stop_at, case)
            start = end = None
            if status in ("DONE", "ERROR", "RUNNING"):
                start = clock
                started = started or clock
                clock += timedelta(seconds=rng.uniform(20, 90) if qpu else rng.uniform(1, 8))
                end = clock if status != "RUNNING" else None
            elif status == "CANCELED":
                end = clock
            same_seq = case.sequence == first_case.sequence
            jobs.append(
                (
                    job_id,
                    batch_id,
                    self.project_id,
                    self.user_id,
                    status,
                    plan.runs,
                    json.dumps(case.variables) if same_seq and case.variables else None,
                    None if same_seq else case.sequence,
                    json.dumps(errors) if errors else None,
                    parent_job_ids[j] if j < len(parent_job_ids) else None,
                    iso(created),
                    iso(end or start or created),
                    iso(start) if start else None,
                    iso(end) if end else None,
                )
            )
            if doc is not None:
                results.append((job_id, json.dumps(doc)))
        terminal = plan.status in ("DONE", "ERROR", "CANCELED", "TIMED_OUT")
        conn.execute(
            "INSERT INTO batches (id, project_id, user_id, device_type, status, open, priority, "
            "queue_priority, sequence_builder, configuration, tags, parent_id, device_status, "
            "created_at, updated_at, start_datetime, end_datetime, activity_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                batch_id,
                self.project_id,
                self.user_id,
                plan.device,
                plan.status,
                int(plan.open),
                QUEUE_PRIORITY_RANK["MEDIUM"],
                "MEDIUM",
                first_case.sequence,
                json.dumps({"strict_validation": False}) if not qpu else None,
                json.dumps(plan.tags),
                parent_id,
                "UP" if qpu else None,
                iso(created),
                iso(clock),
                iso(started) if started else None,
                iso(clock) if terminal else None,
                self.origin.timestamp(),  # seeded when the server's clock starts
            ),
        )
        conn.executemany(
            "INSERT INTO jobs (id, batch_id, project_id, user_id, status, runs, variables, "
            "sequence, errors, parent_id, created_at, updated_at, start_timestamp, "
            "end_timestamp) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            jobs,
        )
        conn.executemany("INSERT INTO results (job_id, doc) VALUES (?, ?)", results)
        store_counts(conn, batch_id)
        return batch_id, [str(row[0]) for row in jobs]

    def _stop_index(self, plan: Plan, n_jobs: int) -> int:
        """Jobs from this index on did not run (canceled, timed out, or still queued)."""
        if plan.status in ("CANCELED", "TIMED_OUT"):
            return max(1, n_jobs // 2)
        if plan.status == "RUNNING" and not plan.open:
            return 2
        if plan.status == "PENDING":
            return 0
        return n_jobs

    def _job_fate(
        self, plan: Plan, j: int, n_jobs: int, stop_at: int, case: Any
    ) -> tuple[str, list[str], dict[str, Any] | None]:
        if j >= stop_at:
            if plan.status == "RUNNING" and j == stop_at:
                return "RUNNING", [], None
            waiting = plan.status in ("RUNNING", "PENDING")
            return ("PENDING" if waiting else "CANCELED"), [], None
        if j >= n_jobs - plan.hardware_errors:
            return "ERROR", [self.rng.choice(HARDWARE)], None
        outcome = case.outcome
        if outcome.status == "ERROR":
            return "ERROR", list(outcome.errors), None
        return "DONE", [], case.sample(plan.runs, self.rng)

    def workloads(self, conn: sqlite3.Connection) -> None:
        bell = self.cases["bell"]
        rows = [
            (
                "DONE",
                "pulser_emulation",
                "EMU_FREE",
                [],
                {"counter": bell.sample(100, self.rng)["counter"]},
            ),
            ("ERROR", "qaoa_solver", "EMU_TN", ["Unknown workload type 'qaoa_solver'."], None),
            ("CANCELED", "pulser_emulation", "EMU_MPS", [], None),
        ]
        for hours, (status, kind, backend, errors, result) in zip((30, 20, 5), rows, strict=True):
            created = self.origin - timedelta(hours=hours)
            end = created + timedelta(seconds=40)
            conn.execute(
                "INSERT INTO workloads (id, project_id, user_id, status, backend, workload_type, "
                "config, errors, result, created_at, updated_at, start_timestamp, end_timestamp) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    self.ids.uuid(),
                    self.project_id,
                    self.user_id,
                    status,
                    backend,
                    kind,
                    json.dumps({"sequence": bell.sequence, "runs": 100}),
                    json.dumps(errors),
                    None if result is None else json.dumps(result),
                    iso(created),
                    iso(end),
                    iso(created + timedelta(seconds=5)),
                    iso(end),
                ),
            )
