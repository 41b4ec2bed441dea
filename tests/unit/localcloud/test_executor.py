"""`EmulationPool`: real spawn workers running real emulations, and what happens when they die."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import time
from collections.abc import Callable

import pytest

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.emulation import JobOutcome, JobSpec, run_job
from pasqal_tui.localcloud.executor import EmulationPool, default_workers

pytestmark = pytest.mark.slow

QUICK = {"omega": 2 * math.pi, "duration": 300}


def _rabi(job_id: str, seed: int = 1) -> JobSpec:
    return JobSpec(job_id, sequences.rabi_oscillation(2), QUICK, 100, "EMU_FREE", None, seed)


def _long(job_id: str, atoms: int = 12) -> JobSpec:
    """A 12-atom sweep: seconds of QuTiP work, long enough to be interrupted."""
    sweep = sequences.adiabatic_sweep(atoms)
    return JobSpec(job_id, sweep, {"t_sweep": 5000}, 100, "EMU_FREE", None, 1)


async def _wait_running(pool: EmulationPool, count: int, limit: float = 60.0) -> dict[str, int]:
    deadline = time.monotonic() + limit
    while len(running := pool.running_jobs()) < count:
        assert time.monotonic() < deadline, f"only {running} running after {limit} s"
        await asyncio.sleep(0.05)
    return running


async def _until(check: Callable[[], bool], limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _pid_gone(pid: int, limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def pool():
    """One warm pool for the module (workers take a second to start); tests leave it idle."""
    with EmulationPool(max_workers=2) as pool:
        pool.warm_up(wait=True)
        yield pool


def test_default_worker_count_leaves_a_core():
    assert default_workers() == max(1, (os.cpu_count() or 2) - 1)
    with pytest.raises(ValueError, match="max_workers must be a positive integer"):
        EmulationPool(max_workers=0)


async def test_pool_gives_the_same_results_as_run_job(pool):
    specs = [_rabi(f"job-{i}", seed=i) for i in range(4)]
    outcomes = await asyncio.gather(*(pool.run(spec) for spec in specs))
    for spec, outcome in zip(specs, outcomes, strict=True):
        assert outcome.status == "DONE", outcome.errors
        assert outcome.raw == run_job(spec).raw


async def test_jobs_run_concurrently_in_separate_workers(pool):
    tasks = [asyncio.create_task(pool.run(_long(f"sweep-{i}", atoms=10))) for i in range(2)]
    running = await _wait_running(pool, 2)
    assert len(set(running.values())) == 2
    assert set(running.values()) <= set(pool.worker_pids())
    outcomes = await asyncio.gather(*tasks)
    assert [o.status for o in outcomes] == ["DONE", "DONE"]
    assert pool.running_jobs() == {}


async def test_event_loop_stays_responsive_during_a_job(pool):
    task = asyncio.create_task(pool.run(_long("sweep", atoms=10)))
    await _wait_running(pool, 1)
    ticks_while_running = 0
    while not task.done():
        await asyncio.sleep(0.01)
        ticks_while_running += "sweep" in pool.running_jobs()
    assert task.result().status == "DONE"
    assert ticks_while_running >= 3  # the loop kept turning while the job was in its worker


async def test_timeout_gives_error_and_pool_recovers(pool):
    await asyncio.to_thread(pool.warm_up, True)
    before = set(pool.worker_pids())
    outcome = await pool.run(_long("slow"), timeout=0.5)
    assert outcome.status == "ERROR"
    assert outcome.errors == ["Emulation timed out: job slow ran longer than 0.5 s"]
    # Stopped, not waited for: its worker was killed (a finished job leaves its worker alive).
    assert len(before - set(pool.worker_pids())) == 1
    after = await pool.run(_rabi("after"))
    assert after.status == "DONE", after.errors


async def test_killed_worker_gives_error_and_spares_other_jobs(pool):
    doomed = asyncio.create_task(pool.run(_long("doomed")))
    running = await _wait_running(pool, 1)
    survivor = asyncio.create_task(pool.run(_rabi("survivor")))
    os.kill(running["doomed"], signal.SIGKILL)
    outcome: JobOutcome = await asyncio.wait_for(doomed, 30)
    assert outcome.status == "ERROR"
    assert "worker crashed while running job doomed" in outcome.errors[0]
    assert (await survivor).status == "DONE"
    assert running["doomed"] not in pool.worker_pids()
    again = await asyncio.gather(pool.run(_rabi("a")), pool.run(_rabi("b")))
    assert [o.status for o in again] == ["DONE", "DONE"]


async def test_worker_killed_while_idle_is_replaced_before_the_next_job():
    with EmulationPool(max_workers=1) as pool:
        await asyncio.to_thread(pool.warm_up, True)
        (pid,) = pool.worker_pids()
        os.kill(pid, signal.SIGKILL)
        assert await _until(lambda: pid not in pool.worker_pids())  # dead before the next job
        outcome = await pool.run(_rabi("after-idle-kill"))
        assert outcome.status == "DONE", outcome.errors
        assert pool.worker_pids() and pid not in pool.worker_pids()


async def test_cancelling_a_job_stops_its_worker(pool):
    task = asyncio.create_task(pool.run(_long("canceled")))
    pid = (await _wait_running(pool, 1))["canceled"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _pid_gone(pid)
    assert (await pool.run(_rabi("next"))).status == "DONE"


async def test_jobs_queue_when_all_workers_are_busy():
    with EmulationPool(max_workers=1) as pool:
        await asyncio.to_thread(pool.warm_up, True)
        finished: list[str] = []

        async def run(job_id: str, seed: int) -> JobOutcome:
            outcome = await pool.run(_rabi(job_id, seed=seed))
            finished.append(job_id)
            return outcome

        tasks = [asyncio.create_task(run(f"q{i}", i)) for i in range(3)]
        await asyncio.sleep(0)  # one loop turn: each task goes as far as the pool lets it
        assert set(pool.running_jobs()) == {"q0"}  # one worker: the two others wait
        outcomes = await asyncio.gather(*tasks)
        assert [o.status for o in outcomes] == ["DONE"] * 3
        assert finished == ["q0", "q1", "q2"]  # each ran once the one before left the worker
        assert len(pool.worker_pids()) == 1


async def test_shutdown_stops_workers_and_refuses_new_jobs():
    pool = EmulationPool(max_workers=1)
    await asyncio.to_thread(pool.warm_up, True)
    (pid,) = pool.worker_pids()
    await asyncio.to_thread(pool.shutdown)
    assert await _pid_gone(pid)
    with pytest.raises(RuntimeError, match="shut down"):
        await pool.run(_rabi("late"))
