"""The async Pasqal Cloud client: one method per endpoint of SPEC §4.

One :class:`PasqalClient` owns one ``httpx.AsyncClient`` (connection pool, TLS sessions) for its
whole life; use it as ``async with PasqalClient(...) as client``. Rules about retrying, tokens and
errors live in :mod:`.session` and :mod:`.retry`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from .base import ClientBase
from .errors import (
    InvalidRequestError,
    InvalidStateError,
    OutcomeUnknownError,
    OutcomeUnknownServerError,
    ServerError,
)
from .filters import BatchFilters, CancelJobFilters, JobFilters, RebatchFilters
from .markers import MARKER_PREFIX, is_marker, new_marker, user_tags
from .models import (
    Batch,
    BatchStatus,
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
from .parsing import MAX_PAGE_SIZE, checked_id, page_reader, paged, parse, parse_list
from .payloads import CreateBatchRequest, CreateWorkloadRequest, JobInput, jobs_payload
from .pipeline import Window, fetch_rest

__all__ = ["ALL_JOBS_CONCURRENCY", "MAX_PAGE_SIZE", "PasqalClient"]

#: Pages in flight when a fetch-all starts (:class:`.pipeline.Window` adapts it to answer times),
#: and HTTP/1.1 connections opened while its first page is read. 16 rather than 8: 10,000 jobs
#: 50 ms away in ~0.60 s rather than ~0.64 s (benchmarks/bench_fetch_all_network.py).
ALL_JOBS_CONCURRENCY = 16
M = TypeVar("M", Batch, Workload)
C = TypeVar("C", Batch, Job, Workload)


class PasqalClient(ClientBase):
    """Typed async access to one Pasqal Cloud environment for one account.

    Constructor: ``PasqalClient(environment, auth=None, *, project_id=None, timeout=30.0,
    create_timeout=120.0, max_retries=4, transport=None, sleep=asyncio.sleep,
    rng=random.random, clock=time.time, user_agent="pasqal-tui/<version>", verify=True)``;
    see :class:`.base.ClientBase`.
    """

    # -- batches -------------------------------------------------------------------------------

    async def create_batch(
        self, request: CreateBatchRequest, *, marker: str | None = None
    ) -> Batch:
        """Op 1. Sent once: never repeated after it may have reached the server (see retry).

        The batch carries a request marker tag (``marker``, or a new ``ptui-req:<uuid4>``), so a
        create whose answer is lost (:class:`OutcomeUnknownError`, which names the marker) can
        be looked up with ``list_batches(BatchFilters(tag=marker))`` instead of resent.
        """
        tag = marker or new_marker()
        if not is_marker(tag):
            raise InvalidRequestError(f"create batch: a marker starts with {MARKER_PREFIX!r}")
        body = request.to_body(self._require_project("create a batch"))
        body["tags"] = [*user_tags(request.tags), tag]
        return await self._create(
            Batch,
            self._core("/api/v1/batches"),
            "create batch",
            marker=tag,
            json_body=body,
            gzip_body=True,
        )

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
        read = page_reader(Batch, offset, limit, "list batches")
        page: Page[Batch] = await self._call(
            "GET", self._core("/api/v1/batches"), "list batches", params=params, read=read
        )
        return page

    async def close_batch(self, batch_id: str) -> Batch:
        """Op 4: accept no more jobs, so the batch can finish."""
        bid = checked_id(batch_id, "batch id")
        what = f"close batch {bid}"
        data = await self._data("PATCH", self._core(f"/api/v2/batches/{bid}/complete"), what)
        return parse(Batch, data, what)

    async def cancel_batch(self, batch_id: str) -> Batch:
        """Op 5: cancel every pending or running job and the batch.

        A resend refused as "already CANCELED" after the first answer was lost is read back,
        and returned as done (:attr:`Batch.already_done`) when the batch is CANCELED.
        """
        bid = checked_id(batch_id, "batch id")
        return await self._cancel(
            Batch, "PATCH", f"/api/v2/batches/{bid}/cancel", f"cancel batch {bid}",
            lambda: self.get_batch(bid),
        )  # fmt: skip

    async def cancel_batches(self, batch_ids: Sequence[str]) -> CancelBatchesResult:
        """Op 6: cancel many; ids that could not be cancelled come back in ``errors``.

        After a resend, refused ids that read back CANCELED count as cancelled (see
        :attr:`CancelBatchesResult.already_canceled`).
        """
        ids = [checked_id(b, "batch id") for b in batch_ids]
        if not ids:
            raise InvalidRequestError("cancel batches: no batch id given")
        what = f"cancel {len(ids)} batches"
        reply = await self._send(
            "PATCH", self._core("/api/v1/batches/cancel"), what, json_body={"batch_ids": ids}
        )
        result = parse(CancelBatchesResult, _data_of(reply.body, what), what)
        if not (reply.after_lost_answer and result.errors):
            return result
        refused = list(result.errors)
        found: list[Batch] = []
        for chunk in _chunks(refused):
            page = await self.list_batches(BatchFilters(id=chunk), limit=MAX_PAGE_SIZE)
            found.extend(page.items)
        done = [b for b in found if b.status is BatchStatus.CANCELED and b.id in result.errors]
        gone = {b.id for b in done}
        return result.model_copy(
            update={
                "batches": [*result.batches, *done],
                "errors": {k: v for k, v in result.errors.items() if k not in gone},
                "already_canceled": [b.id for b in done],
            }
        )

    async def rebatch(self, batch_id: str, filters: RebatchFilters | None = None) -> Batch:
        """Op 7: a new batch with copies of the matching jobs. Sent once (it creates work).

        The API takes no body here, so no marker tag: a lost answer is found again by the new
        batch's ``parent_id`` (:func:`pasqal_tui.ops.outcomes.rebatch_once`).
        """
        bid = checked_id(batch_id, "batch id")
        return await self._create(
            Batch,
            self._core(f"/api/v1/batches/{bid}/rebatch"),
            f"rebatch {bid}",
            params=filters.to_params() if filters else None,
        )

    async def add_jobs(self, batch_id: str, jobs: Sequence[JobInput]) -> Batch:
        """Op 8: add jobs to an open batch. Sent once (duplicate jobs cost QPU time).

        Job items cannot carry a marker (SPEC §3.7): a lost answer is found again by the jobs
        added since (:func:`pasqal_tui.ops.outcomes.add_jobs_once`).
        """
        bid = checked_id(batch_id, "batch id")
        if not jobs:
            raise InvalidRequestError(f"add jobs to {bid}: no job given")
        return await self._create(
            Batch,
            self._core(f"/api/v2/batches/{bid}/jobs"),
            f"add {len(jobs)} job{'' if len(jobs) == 1 else 's'} to batch {bid}",
            json_body=jobs_payload(jobs, batch_has_sequence=True),
            gzip_body=True,
        )

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
        """Op 10: cancel the matching jobs of a batch (all of them without filters).

        After a resend, refused jobs that read back CANCELED count as cancelled (see
        :attr:`CancelJobsResult.already_canceled`): "0 cancelled, 3 refused" is then a success.
        """
        bid = checked_id(batch_id, "batch id")
        what = f"cancel jobs of batch {bid}"
        reply = await self._send(
            "PATCH",
            self._core(f"/api/v2/batches/{bid}/cancel/jobs"),
            what,
            params=filters.to_params() if filters else None,
        )
        result = parse(CancelJobsResult, _data_of(reply.body, what), what)
        if not (reply.after_lost_answer and result.errors):
            return result
        found: list[Job] = []
        for chunk in _chunks(list(result.errors)):
            page = await self.list_jobs(JobFilters(batch_id=[bid], id=chunk), limit=MAX_PAGE_SIZE)
            found.extend(page.items)
        done = [j for j in found if j.status is JobStatus.CANCELED and j.id in result.errors]
        gone = {j.id for j in done}
        return result.model_copy(
            update={
                "jobs": [*result.jobs, *done],
                "errors": {k: v for k, v in result.errors.items() if k not in gone},
                "already_canceled": [j.id for j in done],
            }
        )

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
        read = page_reader(Job, offset, limit, "list jobs")
        page: Page[Job] = await self._call(
            "GET", self._core("/api/v2/jobs"), "list jobs", params=params, read=read
        )
        return page

    async def all_jobs(self, batch_id: str) -> list[Job]:
        """Every job of a batch in creation order (what the SDK's ``ordered_jobs`` holds)."""
        bid = checked_id(batch_id, "batch id")
        return await self.every_job(
            JobFilters(batch_id=[bid]), order_by="creation_order", order_by_direction="ASC"
        )

    async def every_job(
        self,
        filters: JobFilters | None = None,
        *,
        order_by: str | None = None,
        order_by_direction: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Job]:
        """Every job matching ``filters``: the first page, then the rest with several pages in
        flight (:mod:`.pipeline`); a job seen on two pages (the list moved) is kept once.
        ``progress(read, total)`` after each page."""
        read = 0
        total = 0

        async def page(offset: int) -> Page[Job]:
            nonlocal read, total
            found = await self.list_jobs(
                filters,
                offset=offset,
                limit=MAX_PAGE_SIZE,
                order_by=order_by,
                order_by_direction=order_by_direction,
            )
            read += len(found.items)
            total = total or found.total
            if progress is not None:
                progress(read, total)
            return found

        # The connections the pages after the first will need open while it is read (and,
        # on a first request, while signing in): each would cost a round trip later.
        warming = asyncio.ensure_future(self._warm(self._core("/"), ALL_JOBS_CONCURRENCY))
        try:
            first = await page(0)
            rest = await fetch_rest(first, page, Window(start=ALL_JOBS_CONCURRENCY))
        finally:
            warming.cancel()
            await asyncio.gather(warming, return_exceptions=True)
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
        """Op 13: cancel one pending or running job (a resent cancel: as :meth:`cancel_batch`)."""
        jid = checked_id(job_id, "job id")
        return await self._cancel(
            Job, "PATCH", f"/api/v2/jobs/{jid}/cancel", f"cancel job {jid}",
            lambda: self.get_job(jid),
        )  # fmt: skip

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
        """Op 16. Sent once, like batch creation. It carries no marker: the API has no way to
        list workloads, so a lost answer cannot be looked up (only said)."""
        body = request.to_body(self._require_project("create a workload"))
        return await self._create(
            Workload, self._core("/api/v1/workloads"), "create workload", json_body=body
        )

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
        """Op 18 (a resent cancel: as :meth:`cancel_batch`)."""
        wid = checked_id(workload_id, "workload id")
        return await self._cancel(
            Workload, "PUT", f"/api/v1/workloads/{wid}/cancel", f"cancel workload {wid}",
            lambda: self.get_workload(wid),
        )  # fmt: skip

    async def _cancel(
        self,
        model: type[C],
        method: str,
        path: str,
        what: str,
        read_back: Callable[[], Awaitable[C]],
    ) -> C:
        """Send one cancel. When a resend is refused as not cancellable after the first answer
        was lost, the object is read back: CANCELED means the lost request did it, so it is
        returned marked :attr:`already_done` instead of failing a cancel that succeeded."""
        try:
            data = await self._data(method, self._core(path), what)
        except InvalidStateError as exc:
            if not exc.after_lost_answer:
                raise
            current = await read_back()
            if current.status.value != "CANCELED":
                raise
            return current.marked_already_done()
        return parse(model, data, what)

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

    # -- creating ------------------------------------------------------------------------------

    async def _create(
        self, model: type[M], url: str, what: str, *, marker: str | None = None, **kwargs: Any
    ) -> M:
        """POST a create once; any doubt about its outcome is an OutcomeUnknownError."""
        try:
            data = await self._data("POST", url, what, safety="once", **kwargs)
            return parse(model, data, what)
        except OutcomeUnknownError as exc:
            exc.marker = marker
            raise
        except ServerError as exc:  # a 2xx that does not read as the API: it was done, as what?
            raise OutcomeUnknownServerError(
                exc.message,
                operation=what,
                reason="the answer could not be read",
                status_code=exc.status_code,
                marker=marker,
            ) from exc


def _data_of(body: Any, what: str) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise ServerError(f"{what}: the answer has no 'data' (not the Pasqal Cloud API?)")
    return body["data"]


def _chunks(ids: list[str], size: int = MAX_PAGE_SIZE) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
