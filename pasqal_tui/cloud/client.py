"""The async Pasqal Cloud client: one method per endpoint of SPEC §4.

One :class:`PasqalClient` owns one ``httpx.AsyncClient`` (connection pool, TLS sessions) for its
whole life; use it as ``async with PasqalClient(...) as client``. Rules about retrying, tokens and
errors live in :mod:`.session` and :mod:`.retry`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from .base import ClientBase
from .errors import InvalidRequestError, ServerError
from .filters import BatchFilters, CancelJobFilters, JobFilters, RebatchFilters
from .models import (
    Batch,
    BatchStatusInfo,
    CancelBatchesResult,
    CancelJobsResult,
    Job,
    JobResults,
    JobStatus,
    Page,
    Project,
    Workload,
)
from .parsing import MAX_PAGE_SIZE, checked_id, paged, parse, parse_list, parse_page
from .payloads import CreateBatchRequest, CreateWorkloadRequest, JobInput, jobs_payload

__all__ = ["ALL_JOBS_CONCURRENCY", "MAX_PAGE_SIZE", "PasqalClient"]

ALL_JOBS_CONCURRENCY = 8


class PasqalClient(ClientBase):
    """Typed async access to one Pasqal Cloud environment for one account.

    Constructor: ``PasqalClient(environment, auth=None, *, project_id=None, timeout=30.0,
    max_retries=4, transport=None, sleep=asyncio.sleep, rng=random.random, clock=time.time,
    user_agent="pasqal-tui/<version>", verify=True)``; see :class:`.base.ClientBase`.
    """

    # -- batches -------------------------------------------------------------------------------

    async def create_batch(self, request: CreateBatchRequest) -> Batch:
        """Op 1. Sent once: never repeated after it may have reached the server (see retry)."""
        body = request.to_body(self._require_project("create a batch"))
        data = await self._data(
            "POST",
            self._core("/api/v1/batches"),
            "create batch",
            json_body=body,
            gzip_body=True,
            safety="once",
        )
        return parse(Batch, data, "create batch")

    async def get_batch(self, batch_id: str) -> Batch:
        """Op 2: the batch with ``job_ids`` and its ``sequence_builder``."""
        bid = checked_id(batch_id, "batch id")
        data = await self._data("GET", self._core(f"/api/v2/batches/{bid}"), f"get batch {bid}")
        return parse(Batch, data, f"get batch {bid}")

    async def list_batches(
        self, filters: BatchFilters | None = None, *, offset: int = 0, limit: int = MAX_PAGE_SIZE
    ) -> Page[Batch]:
        """Op 3: one page of batches, newest first."""
        params = paged(filters.to_params() if filters else [], offset, limit)
        body = await self._call("GET", self._core("/api/v1/batches"), "list batches", params=params)
        return parse_page(Batch, body, offset, limit, "list batches")

    async def close_batch(self, batch_id: str) -> Batch:
        """Op 4: accept no more jobs, so the batch can finish."""
        bid = checked_id(batch_id, "batch id")
        what = f"close batch {bid}"
        data = await self._data("PATCH", self._core(f"/api/v2/batches/{bid}/complete"), what)
        return parse(Batch, data, what)

    async def cancel_batch(self, batch_id: str) -> Batch:
        """Op 5: cancel every pending or running job and the batch."""
        bid = checked_id(batch_id, "batch id")
        what = f"cancel batch {bid}"
        data = await self._data("PATCH", self._core(f"/api/v2/batches/{bid}/cancel"), what)
        return parse(Batch, data, what)

    async def cancel_batches(self, batch_ids: Sequence[str]) -> CancelBatchesResult:
        """Op 6: cancel many; ids that could not be cancelled come back in ``errors``."""
        ids = [checked_id(b, "batch id") for b in batch_ids]
        if not ids:
            raise InvalidRequestError("cancel batches: no batch id given")
        what = f"cancel {len(ids)} batches"
        data = await self._data(
            "PATCH", self._core("/api/v1/batches/cancel"), what, json_body={"batch_ids": ids}
        )
        return parse(CancelBatchesResult, data, what)

    async def rebatch(self, batch_id: str, filters: RebatchFilters | None = None) -> Batch:
        """Op 7: a new batch with copies of the matching jobs. Sent once (it creates work)."""
        bid = checked_id(batch_id, "batch id")
        what = f"rebatch {bid}"
        data = await self._data(
            "POST",
            self._core(f"/api/v1/batches/{bid}/rebatch"),
            what,
            params=filters.to_params() if filters else None,
            safety="once",
        )
        return parse(Batch, data, what)

    async def add_jobs(self, batch_id: str, jobs: Sequence[JobInput]) -> Batch:
        """Op 8: add jobs to an open batch. Sent once (duplicate jobs cost QPU time)."""
        bid = checked_id(batch_id, "batch id")
        if not jobs:
            raise InvalidRequestError(f"add jobs to {bid}: no job given")
        what = f"add {len(jobs)} jobs to batch {bid}"
        data = await self._data(
            "POST",
            self._core(f"/api/v2/batches/{bid}/jobs"),
            what,
            json_body=jobs_payload(jobs, batch_has_sequence=True),
            gzip_body=True,
            safety="once",
        )
        return parse(Batch, data, what)

    async def set_batch_tags(self, batch_id: str, tags: Sequence[str]) -> Batch:
        """Op 9: replace all tags of a batch."""
        bid = checked_id(batch_id, "batch id")
        if isinstance(tags, str):
            raise InvalidRequestError(f"set tags of {bid}: give a list of tags, not one string")
        what = f"set tags of batch {bid}"
        data = await self._data(
            "PATCH", self._core(f"/api/v1/batches/{bid}/tags"), what, json_body=list(tags)
        )
        return parse(Batch, data, what)

    async def cancel_jobs(
        self, batch_id: str, filters: CancelJobFilters | None = None
    ) -> CancelJobsResult:
        """Op 10: cancel the matching jobs of a batch (all of them without filters)."""
        bid = checked_id(batch_id, "batch id")
        what = f"cancel jobs of batch {bid}"
        data = await self._data(
            "PATCH",
            self._core(f"/api/v2/batches/{bid}/cancel/jobs"),
            what,
            params=filters.to_params() if filters else None,
        )
        return parse(CancelJobsResult, data, what)

    async def get_batch_status(self, batch_id: str) -> BatchStatusInfo:
        """Op 22: the cheap poll (status and job counts), for refresh loops."""
        bid = checked_id(batch_id, "batch id")
        what = f"get status of batch {bid}"
        data = await self._data("GET", self._core(f"/api/v1/batches/{bid}/status"), what)
        return parse(BatchStatusInfo, data, what)

    # -- jobs ----------------------------------------------------------------------------------

    async def list_jobs(
        self,
        filters: JobFilters | None = None,
        *,
        offset: int = 0,
        limit: int = MAX_PAGE_SIZE,
        order_by: str | None = None,
        order_by_direction: str | None = None,
    ) -> Page[Job]:
        """Op 11: one page of jobs (newest first unless ``order_by`` is given)."""
        params = list(filters.to_params() if filters else [])
        if order_by:
            params.append(("order_by", order_by))
        if order_by_direction:
            direction = order_by_direction.upper()
            if direction not in ("ASC", "DESC"):
                raise InvalidRequestError(
                    f"order_by_direction must be ASC or DESC, got {order_by_direction!r}"
                )
            params.append(("order_by_direction", direction))
        params = paged(params, offset, limit)
        body = await self._call("GET", self._core("/api/v2/jobs"), "list jobs", params=params)
        return parse_page(Job, body, offset, limit, "list jobs")

    async def all_jobs(self, batch_id: str) -> list[Job]:
        """Every job of a batch in creation order: first page, then the rest concurrently."""
        bid = checked_id(batch_id, "batch id")
        filters = JobFilters(batch_id=[bid])

        async def page(offset: int) -> Page[Job]:
            return await self.list_jobs(
                filters,
                offset=offset,
                limit=MAX_PAGE_SIZE,
                order_by="creation_order",
                order_by_direction="ASC",
            )

        first = await page(0)
        if not first.has_more:
            return list(first.items)
        step = len(first.items)
        gate = asyncio.Semaphore(ALL_JOBS_CONCURRENCY)

        async def gated(offset: int) -> Page[Job]:
            async with gate:
                return await page(offset)

        rest = await asyncio.gather(*(gated(o) for o in range(first.end, first.total, step)))
        seen: set[str] = set()
        jobs: list[Job] = []
        for p in (first, *rest):
            for job in p.items:
                if job.id not in seen:
                    seen.add(job.id)
                    jobs.append(job)
        return jobs

    async def get_job(self, job_id: str) -> Job:
        """Op 12: one job, including its ``sequence``."""
        jid = checked_id(job_id, "job id")
        data = await self._data("GET", self._core(f"/api/v2/jobs/{jid}"), f"get job {jid}")
        return parse(Job, data, f"get job {jid}")

    async def cancel_job(self, job_id: str) -> Job:
        """Op 13: cancel one pending or running job."""
        jid = checked_id(job_id, "job id")
        what = f"cancel job {jid}"
        data = await self._data("PATCH", self._core(f"/api/v2/jobs/{jid}/cancel"), what)
        return parse(Job, data, what)

    async def get_job_status(self, job_id: str) -> JobStatus:
        """Op 23: the cheap job poll."""
        jid = checked_id(job_id, "job id")
        what = f"get status of job {jid}"
        data = await self._data("GET", self._core(f"/api/v1/jobs/{jid}/status"), what)
        status = data.get("status") if isinstance(data, dict) else None
        try:
            return JobStatus(status)
        except ValueError:
            raise ServerError(f"{what}: unknown job status {status!r} in the answer") from None

    async def get_job_results(self, job_id: str) -> JobResults | None:
        """Ops 14+15: the results document, or None while the job has none."""
        jid = checked_id(job_id, "job id")
        what = f"get results of job {jid}"
        data = await self._data("GET", self._core(f"/api/v1/jobs/{jid}/results_link"), what)
        link = data.get("results_link") if isinstance(data, dict) else None
        if not link:
            return None
        document = await self._call("GET", self._link(link), what, authenticated=False)
        return parse(JobResults, document, what)

    # -- workloads -----------------------------------------------------------------------------

    async def create_workload(self, request: CreateWorkloadRequest) -> Workload:
        """Op 16. Sent once, like batch creation."""
        body = request.to_body(self._require_project("create a workload"))
        data = await self._data(
            "POST",
            self._core("/api/v1/workloads"),
            "create workload",
            json_body=body,
            safety="once",
        )
        return parse(Workload, data, "create workload")

    async def get_workload(self, workload_id: str) -> Workload:
        """Op 17; when the result lives behind ``result_link`` it is fetched (no auth)."""
        wid = checked_id(workload_id, "workload id")
        what = f"get workload {wid}"
        data = await self._data("GET", self._core(f"/api/v2/workloads/{wid}"), what)
        workload = parse(Workload, data, what)
        if not workload.result and workload.result_link:
            result = await self._call(
                "GET", self._link(workload.result_link), f"{what} result", authenticated=False
            )
            if not isinstance(result, dict):
                raise ServerError(f"{what}: the result document is not a JSON object")
            workload = workload.model_copy(update={"result": result})
        return workload

    async def cancel_workload(self, workload_id: str) -> Workload:
        """Op 18."""
        wid = checked_id(workload_id, "workload id")
        what = f"cancel workload {wid}"
        data = await self._data("PUT", self._core(f"/api/v1/workloads/{wid}/cancel"), what)
        return parse(Workload, data, what)

    # -- devices and projects ------------------------------------------------------------------

    async def get_device_specs(self) -> dict[str, str]:
        """Op 19: device type -> Pulser device JSON (a string), for this account."""
        what = "get device specs"
        data = await self._data("GET", self._core("/api/v1/devices/specs"), what)
        if not isinstance(data, dict):
            raise ServerError(f"{what}: expected an object of device specs")
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}

    async def get_public_device_specs(self) -> dict[str, str]:
        """Op 20: the same mapping from the public list; works without signing in."""
        what = "get public device specs"
        data = await self._data(
            "GET", self._core("/api/v1/devices/public-specs"), what, authenticated=False
        )
        if not isinstance(data, list):
            raise ServerError(f"{what}: expected a list of device specs")
        out: dict[str, str] = {}
        for item in data:
            if not isinstance(item, dict) or "device_type" not in item or "specs" not in item:
                raise ServerError(f"{what}: an entry lacks device_type or specs")
            specs = item["specs"]
            out[str(item["device_type"])] = specs if isinstance(specs, str) else json.dumps(specs)
        return out

    async def list_projects(self) -> list[Project]:
        """Op 21: the account's active projects."""
        what = "list projects"
        data = await self._data(
            "GET", self._account("/api/v1/projects"), what, params=[("project_status", "ACTIVE")]
        )
        return parse_list(Project, data, what)
