"""The queue's planning on a real SQLite store, with a fake clock and no event loop.

Each test calls `Planner.plan` directly with the snapshot the scheduler's loop would hand it,
so orders are exact and an open batch times out by advancing the clock, not by waiting.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pasqal_tui.localcloud.lifecycle import (
    NewBatch,
    NewJob,
    add_jobs,
    cancel_job,
    close_batch,
    create_batch,
    finish_job,
)
from pasqal_tui.localcloud.scheduler import (
    Planned,
    PlannedJob,
    PlannedWorkload,
    Planner,
    QueueSnapshot,
    TickPlan,
)
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.timeutil import Clock
from pasqal_tui.localcloud.workload_store import create_workload

PROJECT = "11111111-1111-4111-8111-111111111111"
TIMEOUT_S = 60.0


class FakeClock(Clock):
    """Time stands still until a test moves it."""

    def __init__(self) -> None:
        super().__init__()
        self.at = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


_counter = itertools.count(1)


def new_id() -> str:
    return f"00000000-0000-4000-8000-{next(_counter):012d}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def planner(store: Store, clock: FakeClock, tmp_path: Path) -> Planner:
    settings = Settings(data_dir=tmp_path, seed=7, open_batch_timeout=TIMEOUT_S)
    return Planner(store, clock, settings)


def _batch(
    store: Store,
    clock: Clock,
    device: str,
    n_jobs: int,
    *,
    open_: bool = False,
    priority: str = "MEDIUM",
) -> str:
    spec = NewBatch(PROJECT, "u1", device, priority, open_, f"builder-of-{device}")
    jobs = [NewJob(runs=10, variables={"i": i}, sequence=None) for i in range(n_jobs)]
    with store.transaction() as conn:
        return create_batch(conn, spec, jobs, new_id, clock.now_iso())


def _job_ids(store: Store, batch_id: str) -> list[str]:
    with store.read() as conn:
        rows = conn.execute("SELECT id FROM jobs WHERE batch_id = ? ORDER BY seq", (batch_id,))
        return [str(r["id"]) for r in rows]


def _batch_row(store: Store, batch_id: str) -> dict[str, object]:
    with store.read() as conn:
        return dict(conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone())


def _finish(store: Store, clock: Clock, *plans: Planned) -> None:
    with store.transaction() as conn:
        for plan in plans:
            assert finish_job(conn, plan.ident, "DONE", [], None, clock.now_iso())


def _snapshot(
    running: tuple[Planned, ...] = (),
    *,
    workers: int = 2,
    served: Mapping[str, int] | None = None,
) -> QueueSnapshot:
    """What the loop would pass while `running` is in flight."""
    in_flight = {p.ident: p.batch_id if isinstance(p, PlannedJob) else None for p in running}
    qpu = next((p.ident for p in running if isinstance(p, PlannedJob) and p.qpu), None)
    return QueueSnapshot.of(in_flight, qpu, served or {}, workers)


def _jobs(tick: TickPlan) -> list[PlannedJob]:
    assert all(isinstance(p, PlannedJob) for p in tick.started), tick
    return [p for p in tick.started if isinstance(p, PlannedJob)]


def test_qpu_runs_one_batch_at_a_time_by_priority_then_age(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    low = _batch(store, clock, "FRESNEL", 1, priority="LOW")
    old = _batch(store, clock, "FRESNEL", 2)
    high = _batch(store, clock, "FRESNEL", 1, priority="HIGH")
    new = _batch(store, clock, "FRESNEL", 1)
    order: list[str] = []
    for _ in range(5):
        (job,) = _jobs(planner.plan(_snapshot()))
        assert job.qpu
        # While the job is on the QPU nothing else starts on it.
        assert planner.plan(_snapshot((job,))).started == ()
        order.append(job.job_id)
        _finish(store, clock, job)
    # The older MEDIUM batch keeps the QPU for both its jobs before the newer one starts.
    assert order == [
        _job_ids(store, b)[i] for b, i in ((high, 0), (old, 0), (old, 1), (new, 0), (low, 0))
    ]
    assert planner.plan(_snapshot()).started == ()
    assert {str(_batch_row(store, b)["status"]) for b in (low, old, high, new)} == {"DONE"}


def test_open_qpu_batch_holds_the_qpu_until_closed(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    holder = _batch(store, clock, "FRESNEL", 1, open_=True)
    (first,) = _jobs(planner.plan(_snapshot()))
    _finish(store, clock, first)
    waiting = _batch(store, clock, "FRESNEL", 1, priority="HIGH")
    emulated = _batch(store, clock, "EMU_FREE", 1)

    # Idle and open, the holder keeps the QPU even from a higher priority; emulators pass by.
    (passing,) = _jobs(planner.plan(_snapshot()))
    assert (passing.batch_id, passing.qpu) == (emulated, False)
    assert _batch_row(store, holder)["status"] == "RUNNING"
    assert _batch_row(store, waiting)["status"] == "PENDING"

    # A job added to the open holder runs before the waiting batch.
    with store.transaction() as conn:
        add_jobs(
            conn, holder, [NewJob(runs=5, variables=None, sequence=None)], new_id, clock.now_iso()
        )
    (added,) = _jobs(planner.plan(_snapshot((passing,))))
    assert (added.batch_id, added.qpu) == (holder, True)
    _finish(store, clock, added, passing)
    assert planner.plan(_snapshot()).started == ()

    with store.transaction() as conn:
        close_batch(conn, holder, clock.now_iso())
    assert _batch_row(store, holder)["status"] == "DONE"
    (next_job,) = _jobs(planner.plan(_snapshot()))
    assert (next_job.job_id, next_job.qpu) == (_job_ids(store, waiting)[0], True)


def test_open_emulator_batch_never_blocks_another(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    interactive = _batch(store, clock, "EMU_FREE", 1, open_=True)
    (first,) = _jobs(planner.plan(_snapshot()))
    assert first.batch_id == interactive
    other = _batch(store, clock, "EMU_FREE", 2)
    # Its job still running, the open batch takes one worker; the other batch gets the rest.
    (second,) = _jobs(planner.plan(_snapshot((first,), workers=2)))
    assert second.job_id == _job_ids(store, other)[0]
    _finish(store, clock, first, second)
    # Open and idle, it holds nothing at all.
    (third,) = _jobs(planner.plan(_snapshot(workers=2)))
    assert third.job_id == _job_ids(store, other)[1]
    assert _batch_row(store, interactive)["status"] == "RUNNING"


def test_emulator_batches_share_workers_round_robin(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    big = _batch(store, clock, "EMU_FREE", 5)
    small = _batch(store, clock, "EMU_SV", 2)
    started = _jobs(planner.plan(_snapshot(workers=2)))
    assert [(j.batch_id, j.qpu) for j in started] == [(big, False), (small, False)]
    assert started[1].spec.device_type == "EMU_SV"
    # One batch each in flight: the one served least recently goes next.
    (nxt,) = _jobs(planner.plan(_snapshot(tuple(started), workers=3, served={big: 2, small: 1})))
    assert nxt.job_id == _job_ids(store, small)[1]


def test_idle_open_batch_times_out_on_the_injected_clock(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    batch = _batch(store, clock, "EMU_FREE", 1, open_=True)
    (job,) = _jobs(planner.plan(_snapshot()))
    clock.advance(10 * TIMEOUT_S)  # a running job is activity: no timeout meanwhile
    assert planner.plan(_snapshot((job,))).started == ()
    assert _batch_row(store, batch)["status"] == "RUNNING"
    _finish(store, clock, job)  # the batch idles from here

    clock.advance(TIMEOUT_S - 1)
    planner.plan(_snapshot())
    assert _batch_row(store, batch)["status"] == "RUNNING"

    clock.advance(2)
    planner.plan(_snapshot())
    row = _batch_row(store, batch)
    assert (row["status"], row["open"], row["n_done"]) == ("TIMED_OUT", 0, 1)
    assert row["end_datetime"] == clock.now_iso()


def test_queued_or_running_batches_never_time_out(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    queued = _batch(store, clock, "FRESNEL", 1, open_=True)  # waits behind the holder below
    holder = _batch(store, clock, "FRESNEL", 2, priority="HIGH")
    (job,) = _jobs(planner.plan(_snapshot()))
    assert job.batch_id == holder
    clock.advance(10 * TIMEOUT_S)
    planner.plan(_snapshot((job,)))
    assert _batch_row(store, queued)["status"] == "PENDING"
    assert _batch_row(store, holder)["status"] == "RUNNING"


def test_workloads_use_the_workers_batch_jobs_leave(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    def workload(kind: str) -> str:
        workload_id = new_id()
        with store.transaction() as conn:
            create_workload(
                conn,
                workload_id=workload_id,
                project_id=PROJECT,
                user_id="u1",
                workload_type=kind,
                backend="EMU_MPS",
                config={"sequence": "seq-json", "runs": 5, "variables": {"t": 1}},
                now=clock.now_iso(),
            )
        return workload_id

    good, bad = workload("pulser_emulation"), workload("qaoa_solver")
    batch = _batch(store, clock, "EMU_FREE", 1)
    tick = planner.plan(_snapshot(workers=2))
    job, run = tick.started
    assert isinstance(job, PlannedJob) and job.batch_id == batch
    assert isinstance(run, PlannedWorkload) and run.workload_id == good and run.error is None
    assert run.spec is not None
    assert (run.spec.sequence, run.spec.runs, run.spec.device_type) == ("seq-json", 5, "EMU_MPS")
    assert run.spec.variables == {"t": 1}

    (failing,) = planner.plan(_snapshot((job, run), workers=3)).started
    assert isinstance(failing, PlannedWorkload) and failing.workload_id == bad
    assert failing.spec is None and "Unknown workload type 'qaoa_solver'" in str(failing.error)


def test_started_job_carries_its_own_sequence_or_the_batch_builder(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    spec = NewBatch(PROJECT, "u1", "EMU_TN", "MEDIUM", False, "builder", configuration={"k": 1})
    jobs = [NewJob(runs=3, variables={"x": 2}, sequence=None), NewJob(None, None, "own")]
    with store.transaction() as conn:
        create_batch(conn, spec, jobs, new_id, clock.now_iso())
    a, b = (j.spec for j in _jobs(planner.plan(_snapshot(workers=2))))
    assert (a.sequence, a.runs, a.variables, a.configuration) == ("builder", 3, {"x": 2}, {"k": 1})
    assert (b.sequence, b.runs, b.variables, b.device_type) == ("own", None, None, "EMU_TN")
    assert a.seed != b.seed


def test_planning_reads_the_sequence_of_started_jobs_only(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    for device in ("EMU_FREE", "EMU_SV", "EMU_TN", "FRESNEL", "FRESNEL"):
        _batch(store, clock, device, 3)
    statements: list[str] = []
    with store.read() as conn:
        conn.set_trace_callback(statements.append)
    try:
        started = planner.plan(_snapshot(workers=1)).started
    finally:
        with store.read() as conn:
            conn.set_trace_callback(None)
    assert len(started) == 2  # one on the QPU, one on the only worker
    assert not [s for s in statements if "SELECT *" in s]
    assert sum("sequence_builder" in s for s in statements) == 2


def test_jobs_canceled_while_running_are_reported_stale(
    store: Store, clock: FakeClock, planner: Planner
) -> None:
    _batch(store, clock, "EMU_FREE", 2)
    running = planner.plan(_snapshot(workers=2)).started
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (running[0].ident,)).fetchone()
        cancel_job(conn, row, clock.now_iso())
    assert planner.plan(_snapshot(running, workers=2)).stale == (running[0].ident,)


def test_snapshot_is_a_read_only_copy() -> None:
    in_flight: dict[str, str | None] = {"j1": "b1"}
    served = {"b1": 3}
    snapshot = QueueSnapshot.of(in_flight, None, served, 2)
    in_flight["j2"] = "b2"
    served["b2"] = 4
    assert dict(snapshot.in_flight) == {"j1": "b1"} and dict(snapshot.served) == {"b1": 3}
    with pytest.raises(TypeError):
        snapshot.served["b9"] = 1  # type: ignore[index]
