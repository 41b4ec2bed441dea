"""A pool of emulation worker processes that the server's event loop can await.

Each worker is its own single-process `ProcessPoolExecutor` (spawn context), so a job that times
out or crashes its worker costs only that worker: it is killed and replaced, and the jobs on the
other workers carry on. Waiting for a free worker and for a result never blocks the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from pasqal_tui.localcloud.emulation import JobOutcome, JobSpec, run_job

# Numerical libraries would start one thread per core in every worker; on a small machine the
# workers would then fight each other for the cores.
_SINGLE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _init_worker() -> None:
    """Runs first in each worker: one thread each, and Pulser imported before any job."""
    for name in _SINGLE_THREAD_ENV:
        os.environ.setdefault(name, "1")
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    for module in ("numpy", "qutip", "pulser", "pulser_simulation"):
        importlib.import_module(module)


def _exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """A server killed with SIGKILL cannot stop its workers: they notice and leave by themselves."""
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


def _ping() -> int:
    return os.getpid()


def default_workers() -> int:
    """One worker per core, leaving one core to the server."""
    return max(1, (os.cpu_count() or 2) - 1)


class _Worker:
    """One worker process, started on first use and replaced after a kill."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is not None and self._died_idle():
            self.kill()
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
        return self._executor

    def _died_idle(self) -> bool:
        """True when the process died between jobs (OOM killer, kill -9): start a new one."""
        if getattr(self._executor, "_broken", False):
            return True
        processes = getattr(self._executor, "_processes", None) or {}
        return any(not p.is_alive() for p in processes.values())

    def pids(self) -> list[int]:
        processes = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None and p.is_alive()]

    def kill(self) -> None:
        """Stop the process now, whatever it is doing; the next job starts a fresh one."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)

    def shutdown(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class EmulationPool:
    """Runs `run_job` in worker processes, at most `max_workers` jobs at a time."""

    def __init__(self, max_workers: int | None = None) -> None:
        workers = default_workers() if max_workers is None else max_workers
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"max_workers must be a positive integer, got {max_workers!r}")
        self.max_workers = workers
        self._workers = [_Worker() for _ in range(workers)]
        self._idle: list[_Worker] = list(self._workers)
        self._free: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._running: dict[str, _Worker] = {}

    def __enter__(self) -> EmulationPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    async def __aenter__(self) -> EmulationPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.shutdown)

    def warm_up(self, wait: bool = False) -> None:
        """Start every worker and import Pulser in it, so the first jobs are not slow.

        Returns at once unless `wait` is true; call it with `wait=True` only off the event loop.
        """
        self._check_open()
        futures: list[Future[int]] = [w.executor().submit(_ping) for w in self._workers]
        if wait:
            for future in futures:
                try:
                    future.result()
                except BrokenProcessPool as exc:
                    raise RuntimeError(f"an emulation worker failed to start: {exc}") from exc

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for diagnostics and tests)."""
        return [pid for worker in self._workers for pid in worker.pids()]

    def running_jobs(self) -> dict[str, int]:
        """Job id -> pid of the worker running it, for jobs started and not yet finished."""
        running: dict[str, int] = {}
        for job_id, worker in self._running.items():
            pids = worker.pids()
            if pids:
                running[job_id] = pids[0]
        return running

    async def run(self, spec: JobSpec, *, timeout: float | None = None) -> JobOutcome:
        """Run one job in a worker; a timeout or a dead worker gives an ERROR outcome.

        Cancelling the awaiting task kills the job's worker, so a canceled job stops computing.
        """
        self._check_open()
        worker = await self._acquire()
        start = time.perf_counter()
        loop = asyncio.get_running_loop()
        self._running[spec.job_id] = worker
        try:
            future = loop.run_in_executor(worker.executor(), run_job, spec)
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            worker.kill()
            return JobOutcome.error(
                [f"Emulation timed out: job {spec.job_id} ran longer than {timeout:g} s"],
                time.perf_counter() - start,
            )
        except BrokenProcessPool:
            worker.kill()
            return JobOutcome.error(
                [f"Emulation worker crashed while running job {spec.job_id} (process died)"],
                time.perf_counter() - start,
            )
        except asyncio.CancelledError:
            worker.kill()
            raise
        except Exception as exc:  # e.g. the pool was shut down while this job waited
            worker.kill()
            return JobOutcome.error(
                [f"Emulation could not run job {spec.job_id}: {type(exc).__name__}: {exc}"],
                time.perf_counter() - start,
            )
        finally:
            if self._running.get(spec.job_id) is worker:
                del self._running[spec.job_id]
            self._release(worker)

    def shutdown(self) -> None:
        """Stop every worker; running jobs are abandoned. The pool cannot be used afterwards."""
        self._closed = True
        for worker in self._workers:
            worker.kill()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("EmulationPool has been shut down")

    def _slots(self) -> asyncio.Semaphore:
        """A semaphore counting idle workers, bound to the loop that is using the pool."""
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._free, self._loop = asyncio.Semaphore(len(self._idle)), loop
        return self._free

    async def _acquire(self) -> _Worker:
        await self._slots().acquire()
        return self._idle.pop()

    def _release(self, worker: _Worker) -> None:
        self._idle.append(worker)
        self._slots().release()
