"""Exactly-once creation: when a create's answer is lost, look it up before anything is resent.

The client never resends a create that may have reached the server; it raises
:class:`~pasqal_tui.cloud.errors.OutcomeUnknownError`. The ``*_once`` functions here send a
create with a marker, and on that error look the marker up and either return what was created
(:class:`Created` with ``recovered`` set: "created as <id>") or raise
:class:`CreateNotConfirmedError` ("not created: safe to resend", or "outcome unknown"). Given
the marker of an earlier unconfirmed send (``previous``), they look it up first and send again
only when it was not created.

What the real API lets a marker be (SPEC §3.7, §4, §5):

* create batch: a tag ``ptui-req:<uuid4>``; the service stores tags and filters the batch list
  by ``tag``, so the lookup is exact.
* add jobs: job items carry only runs, variables and a sequence, so no marker. The batch's job
  count is read before sending; the jobs listed after that count, in creation order, are
  compared (runs and variables) with what was sent. Identical jobs added by someone else at the
  same moment would be taken for ours.
* rebatch: no body, so no tag; the new batch's ``parent_id`` is the source. The batch list has
  no parent filter: the newest batch before sending is noted (the server's own timestamp, so
  clock skew does not matter) and batches listed since with that parent are the new ones.
* create workload: there is no workload list endpoint, so a lost answer cannot be looked up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pasqal_tui.cloud.errors import OutcomeUnknownError, PasqalError
from pasqal_tui.cloud.filters import BatchFilters, JobFilters, RebatchFilters
from pasqal_tui.cloud.markers import new_marker
from pasqal_tui.cloud.models import Batch, Workload
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.cloud.payloads import CreateBatchRequest, CreateWorkloadRequest, JobInput

if TYPE_CHECKING:  # the dashboard imports this module on its start path: no httpx there
    from pasqal_tui.cloud.client import PasqalClient

__all__ = [
    "MAX_LOOKUP_PAGES",
    "BatchMarker",
    "CreateNotConfirmedError",
    "Created",
    "JobsMarker",
    "Lookup",
    "Marker",
    "RebatchMarker",
    "Unconfirmed",
    "Verdict",
    "WorkloadMarker",
    "add_jobs_key",
    "add_jobs_once",
    "create_batch_key",
    "create_batch_once",
    "create_workload_key",
    "create_workload_once",
    "look_up",
    "rebatch_key",
    "rebatch_once",
]

T = TypeVar("T")
#: A lookup reads at most this many pages (10,000 items); beyond, the outcome stays unknown.
MAX_LOOKUP_PAGES = 100
#: How many of the newest batches are noted before a rebatch (those sharing the top timestamp).
_NEWEST = 20


def short(identifier: str) -> str:
    """The 8-character prefix screens show."""
    return identifier[:8]


class Verdict(str, Enum):
    """What a lookup found."""

    CREATED = "created"
    NOT_CREATED = "not created"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Lookup:
    """The outcome of a create whose answer was lost, as found through the API."""

    verdict: Verdict
    ids: tuple[str, ...] = ()
    detail: str = ""

    @property
    def text(self) -> str:
        """ "created as 1a2b3c4d", "not created: safe to resend", "outcome unknown: …"."""
        if self.verdict is Verdict.CREATED:
            if len(self.ids) == 1:
                text = f"created as {short(self.ids[0])}"
            else:
                text = f"created as {short(self.ids[0])} … {short(self.ids[-1])}"
            return f"{text} ({self.detail})" if self.detail else text
        if self.verdict is Verdict.NOT_CREATED:
            text = "not created: safe to resend"
            return f"{text} ({self.detail})" if self.detail else text
        return f"outcome unknown: {self.detail}"


@dataclass(frozen=True)
class BatchMarker:
    """A new batch: its ``ptui-req:`` tag."""

    tag: str

    @property
    def what(self) -> str:
        return "create batch"

    @property
    def how(self) -> str:
        return "by its marker tag"


@dataclass(frozen=True)
class JobsMarker:
    """Jobs added to a batch: the job count before, and each job sent (runs and variables)."""

    batch_id: str
    jobs_before: int
    jobs: tuple[str, ...]

    @property
    def what(self) -> str:
        return f"add jobs to batch {short(self.batch_id)}"

    @property
    def how(self) -> str:
        return "by the jobs added since"


@dataclass(frozen=True)
class RebatchMarker:
    """A rebatch of ``source_id``: the newest batches before sending (server timestamps)."""

    source_id: str
    since: datetime | None
    seen: frozenset[str]

    @property
    def what(self) -> str:
        return f"rebatch {short(self.source_id)}"

    @property
    def how(self) -> str:
        return "by the batches made from it since"


@dataclass(frozen=True)
class WorkloadMarker:
    """A new workload: nothing the API can find it by."""

    workload_type: str
    backend: str

    @property
    def what(self) -> str:
        return "create workload"

    @property
    def how(self) -> str:
        return ""


Marker = BatchMarker | JobsMarker | RebatchMarker | WorkloadMarker


@dataclass(frozen=True)
class Created(Generic[T]):
    """What a create made; ``recovered`` is set when its answer was lost and a lookup found it."""

    value: T
    marker: Marker
    recovered: Lookup | None = None

    def said(self, normal: str) -> str:
        """``normal`` when the answer came; otherwise what the lookup found, said as such."""
        if self.recovered is None:
            return normal
        return f"{self.marker.what}: the answer was lost; looked up: {self.recovered.text}"


class CreateNotConfirmedError(PasqalError):
    """A create whose answer was lost, looked up: not created (safe to resend), or unknown."""

    def __init__(self, message: str, *, lookup: Lookup, marker: Marker) -> None:
        super().__init__(message)
        self.lookup = lookup
        self.marker = marker

    @property
    def safe_to_resend(self) -> bool:
        return self.lookup.verdict is Verdict.NOT_CREATED


class Unconfirmed:
    """Markers of sends whose outcome is not confirmed, by what was asked (an intent key).

    A front end owns one per session and passes it to the ``*_once`` functions: asking the
    same thing again then looks the earlier marker up first, even from a new form.
    """

    def __init__(self) -> None:
        self._markers: dict[str, Marker] = {}

    def get(self, key: str) -> Marker | None:
        return self._markers.get(key)

    def note(self, key: str, marker: Marker) -> None:
        self._markers[key] = marker

    def clear(self, key: str) -> None:
        self._markers.pop(key, None)

    def __len__(self) -> int:
        return len(self._markers)


def create_batch_key(request: CreateBatchRequest) -> str:
    """The intent of a create-batch request: its content (a changed form is a new request)."""
    return "create batch:" + _digest(request.model_dump(mode="json"))


def add_jobs_key(batch_id: str, jobs: Sequence[JobInput]) -> str:
    return f"add jobs:{batch_id}:" + _digest([j.to_dict() for j in jobs])


def rebatch_key(batch_id: str, filters: RebatchFilters | None) -> str:
    return f"rebatch:{batch_id}:" + _digest(filters.to_params() if filters else [])


def create_workload_key(request: CreateWorkloadRequest) -> str:
    return "create workload:" + _digest(request.model_dump(mode="json"))


# ---- sending once ------------------------------------------------------------------------------


async def create_batch_once(
    client: PasqalClient,
    request: CreateBatchRequest,
    *,
    previous: BatchMarker | None = None,
    unconfirmed: Unconfirmed | None = None,
) -> Created[Batch]:
    """Create a batch tagged with a marker (``previous``'s, after checking it is not there)."""
    key = create_batch_key(request)
    previous = previous or _previous(unconfirmed, key, BatchMarker)

    async def send() -> Created[Batch]:
        if previous is not None and (found := await _check_previous(client, previous)):
            return found
        marker = previous or BatchMarker(new_marker())
        try:
            batch = await client.create_batch(request, marker=marker.tag)
        except OutcomeUnknownError as exc:
            return await _recover(client, marker, exc)
        return Created(batch, marker)

    return await _noted(unconfirmed, key, send())


async def add_jobs_once(
    client: PasqalClient,
    batch_id: str,
    jobs: Sequence[JobInput],
    *,
    previous: JobsMarker | None = None,
    unconfirmed: Unconfirmed | None = None,
) -> Created[Batch]:
    """Add jobs, noting the job count first so that a lost answer can be looked up."""
    key = add_jobs_key(batch_id, jobs)
    previous = previous or _previous(unconfirmed, key, JobsMarker)

    async def send() -> Created[Batch]:
        if previous is not None and (found := await _check_previous(client, previous)):
            return found
        count = await client.list_jobs(JobFilters(batch_id=[batch_id]), limit=1)
        sent = tuple(_job_key(j.runs, j.variables) for j in jobs)
        marker = JobsMarker(batch_id, count.total, sent)
        try:
            batch = await client.add_jobs(batch_id, jobs)
        except OutcomeUnknownError as exc:
            return await _recover(client, marker, exc)
        return Created(batch, marker)

    return await _noted(unconfirmed, key, send())


async def rebatch_once(
    client: PasqalClient,
    batch_id: str,
    filters: RebatchFilters | None = None,
    *,
    previous: RebatchMarker | None = None,
    unconfirmed: Unconfirmed | None = None,
) -> Created[Batch]:
    """Rebatch, noting the newest batches first so that a lost answer can be looked up."""
    key = rebatch_key(batch_id, filters)
    previous = previous or _previous(unconfirmed, key, RebatchMarker)

    async def send() -> Created[Batch]:
        if previous is not None and (found := await _check_previous(client, previous)):
            return found
        newest = await client.list_batches(limit=_NEWEST)
        since = max((b.created_at for b in newest.items), default=None)
        marker = RebatchMarker(batch_id, since, frozenset(b.id for b in newest.items))
        try:
            batch = await client.rebatch(batch_id, filters)
        except OutcomeUnknownError as exc:
            return await _recover(client, marker, exc)
        return Created(batch, marker)

    return await _noted(unconfirmed, key, send())


async def create_workload_once(
    client: PasqalClient, request: CreateWorkloadRequest, *, unconfirmed: Unconfirmed | None = None
) -> Created[Workload]:
    """Create a workload; a lost answer is said as unknown (the API cannot list workloads), so
    asking again is the caller's explicit choice (see :meth:`Unconfirmed.get`)."""
    marker = WorkloadMarker(request.workload_type, request.backend)

    async def send() -> Created[Workload]:
        try:
            workload = await client.create_workload(request)
        except OutcomeUnknownError as exc:
            return await _recover(client, marker, exc)
        return Created(workload, marker)

    return await _noted(unconfirmed, create_workload_key(request), send())


async def look_up(client: PasqalClient, marker: Marker) -> Lookup:
    """What became of the create that carried ``marker``; API failures give UNKNOWN."""
    lookup, _value = await _find(client, marker)
    return lookup


# ---- looking up --------------------------------------------------------------------------------


M = TypeVar("M", BatchMarker, JobsMarker, RebatchMarker)


def _previous(unconfirmed: Unconfirmed | None, key: str, kind: type[M]) -> M | None:
    marker = unconfirmed.get(key) if unconfirmed is not None else None
    return marker if isinstance(marker, kind) else None


async def _noted(
    unconfirmed: Unconfirmed | None, key: str, sending: Coroutine[Any, Any, Created[T]]
) -> Created[T]:
    """Run ``sending``; note its marker while unconfirmed, forget it once settled."""
    try:
        made = await sending
    except CreateNotConfirmedError as exc:
        if unconfirmed is not None:
            unconfirmed.note(key, exc.marker)
        raise
    if unconfirmed is not None:
        unconfirmed.clear(key)
    return made


async def _recover(client: PasqalClient, marker: Marker, exc: OutcomeUnknownError) -> Created[Any]:
    lookup, value = await _find(client, marker)
    if lookup.verdict is Verdict.CREATED and value is not None:
        return Created(value, marker, lookup)
    looked = f"looked up {marker.how}: " if marker.how else ""
    message = f"{marker.what}: the answer was lost ({exc.reason}); {looked}"
    raise CreateNotConfirmedError(message + lookup.text, lookup=lookup, marker=marker) from exc


async def _check_previous(client: PasqalClient, marker: Marker) -> Created[Any] | None:
    """The earlier send's result if it was created, None if not: then it may be sent again."""
    lookup, value = await _find(client, marker)
    if lookup.verdict is Verdict.CREATED and value is not None:
        return Created(value, marker, lookup)
    if lookup.verdict is Verdict.NOT_CREATED:
        return None
    message = f"{marker.what}: the last send is still not confirmed, so nothing was sent; "
    raise CreateNotConfirmedError(message + lookup.text, lookup=lookup, marker=marker)


async def _find(client: PasqalClient, marker: Marker) -> tuple[Lookup, Any]:
    try:
        if isinstance(marker, BatchMarker):
            return await _find_batch(client, marker)
        if isinstance(marker, JobsMarker):
            return await _find_jobs(client, marker)
        if isinstance(marker, RebatchMarker):
            return await _find_rebatch(client, marker)
    except PasqalError as exc:
        return Lookup(Verdict.UNKNOWN, detail=f"could not look it up ({exc})"), None
    return (
        Lookup(
            Verdict.UNKNOWN,
            detail="the API cannot list workloads, so this cannot be checked; look for it in "
            "the Pasqal portal before creating it again",
        ),
        None,
    )


async def _find_batch(client: PasqalClient, marker: BatchMarker) -> tuple[Lookup, Any]:
    page = await client.list_batches(BatchFilters(tag=marker.tag), limit=MAX_PAGE_SIZE)
    # Checked here too: a service that ignored the filter must not pass for "created".
    tagged = [b for b in page.items if marker.tag in (b.tags or [])]
    tagged.sort(key=lambda b: b.created_at)
    if tagged:
        extra = f"{len(tagged)} batches carry this marker" if len(tagged) > 1 else ""
        return Lookup(Verdict.CREATED, tuple(b.id for b in tagged), extra), tagged[0]
    if page.total > len(page.items):
        return Lookup(Verdict.UNKNOWN, detail="the service did not filter batches by tag"), None
    return Lookup(Verdict.NOT_CREATED), None


async def _find_jobs(client: PasqalClient, marker: JobsMarker) -> tuple[Lookup, Any]:
    new = []
    offset = marker.jobs_before
    complete = False
    for _ in range(MAX_LOOKUP_PAGES):
        page = await client.list_jobs(
            JobFilters(batch_id=[marker.batch_id]),
            offset=offset,
            limit=MAX_PAGE_SIZE,
            order_by="creation_order",
            order_by_direction="ASC",
        )
        new.extend(page.items)
        offset = page.end
        if not page.has_more:
            complete = True
            break
    keys = [_job_key(j.runs, j.variables) for j in new]
    n = len(marker.jobs)
    for start in range(len(keys) - n + 1):
        if tuple(keys[start : start + n]) == marker.jobs:
            ids = tuple(j.id for j in new[start : start + n])
            batch = await client.get_batch(marker.batch_id)
            return Lookup(Verdict.CREATED, ids, f"{n} jobs" if n > 1 else ""), batch
    if not complete:
        return Lookup(Verdict.UNKNOWN, detail="too many jobs were added since to check"), None
    others = f"{len(new)} other jobs were added since" if new else ""
    return Lookup(Verdict.NOT_CREATED, detail=others), None


async def _find_rebatch(client: PasqalClient, marker: RebatchMarker) -> tuple[Lookup, Any]:
    filters = BatchFilters(start_date=marker.since) if marker.since else None
    made: list[Batch] = []
    offset = 0
    complete = False
    for _ in range(MAX_LOOKUP_PAGES):
        page = await client.list_batches(filters, offset=offset, limit=MAX_PAGE_SIZE)
        made.extend(
            b for b in page.items if b.parent_id == marker.source_id and b.id not in marker.seen
        )
        offset = page.end
        if not page.has_more:
            complete = True
            break
    made.sort(key=lambda b: b.created_at)
    if made:
        extra = f"{len(made)} new rebatches of it since the send" if len(made) > 1 else ""
        return Lookup(Verdict.CREATED, tuple(b.id for b in made), extra), made[0]
    if not complete:
        return Lookup(Verdict.UNKNOWN, detail="too many batches were made since to check"), None
    return Lookup(Verdict.NOT_CREATED), None


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _job_key(runs: int | None, variables: dict[str, Any] | None) -> str:
    """Runs and variables as the server may give them back (numbers compared as floats)."""
    return json.dumps([runs, _numbers(variables or {})], sort_keys=True)


def _numbers(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_numbers(v) for v in value]
    return value
