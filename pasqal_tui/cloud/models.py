"""Pydantic models of what the Pasqal Cloud API returns.

Unknown fields are kept (``extra="allow"``): the API grows, and a dashboard must not break the day
the service adds a key. Required fields follow SPEC §3 (what the official SDK needs); the rest are
optional so legacy shapes parse too.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .timestamps import UtcDatetime

__all__ = [
    "TERMINAL_STATUSES",
    "Batch",
    "BatchStatus",
    "BatchStatusInfo",
    "CancelBatchesResult",
    "CancelJobsResult",
    "DeviceType",
    "DeviceTypes",
    "Envelope",
    "Job",
    "JobResults",
    "JobStatus",
    "Page",
    "Pagination",
    "Project",
    "QueuePriority",
    "Workload",
]


M = TypeVar("M", bound="_ApiModel")

TERMINAL_STATUSES = frozenset({"DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED"})


class _Status(str, Enum):
    """What batch and job statuses share (an enum with no members can be subclassed).

    An open set, as in the official SDK: a status the service adds later (e.g. "QUEUED")
    becomes a member made on the fly, kept as its string, shown as is, never terminal, so a
    new value never breaks a screen.
    """

    @classmethod
    def _missing_(cls, value: object) -> _Status | None:
        if not isinstance(value, str) or not value:
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_terminal(self) -> bool:
        """Whether nothing will change any more (PAUSED counts as finished, as in the SDK)."""
        return self.value in TERMINAL_STATUSES

    @property
    def is_known(self) -> bool:
        """Whether the status is one of the documented ones (SPEC §3.6)."""
        return self._name_ in type(self).__members__


class BatchStatus(_Status):
    """Batch statuses the service emits (SPEC §3.6); a new one is kept as its string."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    ERROR = "ERROR"
    CANCELED = "CANCELED"
    TIMED_OUT = "TIMED_OUT"
    PAUSED = "PAUSED"


class JobStatus(_Status):
    """Job (and workload) statuses; same set as batches."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    ERROR = "ERROR"
    CANCELED = "CANCELED"
    TIMED_OUT = "TIMED_OUT"
    PAUSED = "PAUSED"


class QueuePriority(str, Enum):
    """Queue priorities the batch-list filter knows; projects may also say ``FREE``."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    FREE = "FREE"


DeviceType = str
"""Device types are an open set: new QPUs and emulators appear without a client release."""


class DeviceTypes:
    """Device types known at the time of writing (SPEC §3.7)."""

    FRESNEL = "FRESNEL"
    FRESNEL_CAN1 = "FRESNEL_CAN1"
    EMU_FREE = "EMU_FREE"
    EMU_TN = "EMU_TN"
    EMU_FRESNEL = "EMU_FRESNEL"
    EMU_MPS = "EMU_MPS"
    EMU_SV = "EMU_SV"

    ALL: tuple[str, ...] = (
        FRESNEL,
        FRESNEL_CAN1,
        EMU_FREE,
        EMU_TN,
        EMU_FRESNEL,
        EMU_MPS,
        EMU_SV,
    )

    @staticmethod
    def is_emulator(device_type: str) -> bool:
        """Emulators run side by side; QPUs queue one batch at a time."""
        return device_type.upper().startswith("EMU_")


class _ApiModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    # The client's own note, in a slot rather than a pydantic private attribute: those cost
    # every instance a post-init call (a third of parsing a page of 100 jobs).
    __slots__ = ("_already_done",)

    @property
    def extras(self) -> dict[str, Any]:
        """Fields the server sent that this client does not model (yet)."""
        return dict(self.__pydantic_extra__ or {})

    @property
    def already_done(self) -> bool:
        """True when the client read this back after its resent change was refused as done
        already (a 409 "already CANCELED"): the first send, whose answer was lost, had acted."""
        return bool(getattr(self, "_already_done", False))

    def marked_already_done(self: M) -> M:
        """A copy with :attr:`already_done` set (the client's own note, never sent)."""
        copy = self.model_copy()
        object.__setattr__(copy, "_already_done", True)
        return copy


class Job(_ApiModel):
    """One job: a number of shots of one sequence (SPEC §3.2)."""

    id: str
    batch_id: str
    project_id: str
    status: JobStatus
    runs: int | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    start_timestamp: UtcDatetime | None = None
    end_timestamp: UtcDatetime | None = None
    errors: list[str] | None = None
    variables: dict[str, Any] | None = None
    parent_id: str | None = None
    sequence: str | None = None


class Batch(_ApiModel):
    """A batch of jobs on one device (SPEC §3.1)."""

    id: str
    open: bool
    complete: bool | None = None
    status: BatchStatus
    device_type: DeviceType
    project_id: str
    user_id: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    start_datetime: UtcDatetime | None = None
    end_datetime: UtcDatetime | None = None
    webhook: str | None = None
    sequence_builder: str | None = None
    configuration: dict[str, Any] | None = None
    backend_configuration: str | None = None
    tags: list[str] | None = None
    priority: int | None = None
    device_status: str | None = None
    parent_id: str | None = None
    jobs_count: int = 0
    jobs_count_per_status: dict[str, int] = Field(default_factory=dict)
    jobs: list[Job] | None = None
    job_ids: list[str] | None = None

    @model_validator(mode="after")
    def _fill_complete(self) -> Batch:
        if self.complete is None:
            self.complete = not self.open
        return self

    @property
    def known_job_ids(self) -> list[str]:
        """Job ids in creation order, from ``jobs`` or ``job_ids``, whichever was sent."""
        if self.jobs:
            return [job.id for job in self.jobs]
        return list(self.job_ids or [])

    @property
    def total_jobs(self) -> int:
        """Job count, from whichever field the server filled."""
        if self.jobs_count:
            return self.jobs_count
        if self.jobs_count_per_status:
            return sum(self.jobs_count_per_status.values())
        return len(self.known_job_ids)


class BatchStatusInfo(_ApiModel):
    """Reply of the cheap status poll (op 22)."""

    status: BatchStatus
    jobs_count_per_status: dict[str, int] | None = None


class JobResults(_ApiModel):
    """The document behind a job's ``results_link`` (SPEC §3.3)."""

    #: Bitstring counts; a float is accepted (some emulators report weights, not counts).
    counter: dict[str, int | float] | None = None
    raw: list[str] | None = None
    serialised_results: str | None = None


class Workload(_ApiModel):
    """A non-Pulser workload (SPEC §3.4)."""

    id: str
    project_id: str
    status: JobStatus
    backend: str
    workload_type: str
    config: dict[str, Any] = Field(default_factory=dict)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    errors: list[str] | None = None
    start_timestamp: UtcDatetime | None = None
    end_timestamp: UtcDatetime | None = None
    result: dict[str, Any] | None = None
    result_link: str | None = None


class Project(_ApiModel):
    """A project of the account service; only ``id`` and ``name`` are guaranteed."""

    id: str
    name: str
    project_status: str | None = None
    project_type: str | None = None
    queue_priority: str | None = None
    allowed_device_types: list[str] | None = None


class CancelBatchesResult(_ApiModel):
    """Bulk batch cancel (op 6): cancelled batches, and a reason per id that was not.

    ``already_canceled`` is the client's own note: ids the server refused after a resend but
    that read back CANCELED (the lost first send had cancelled them); they are in ``batches``.
    """

    batches: list[Batch]
    errors: dict[str, str] = Field(default_factory=dict)
    already_canceled: list[str] = Field(default_factory=list, exclude=True)


class CancelJobsResult(_ApiModel):
    """Cancel jobs of a batch (op 10): cancelled jobs, and a reason per id that was not.

    ``already_canceled``: as in :class:`CancelBatchesResult`, job ids moved into ``jobs``.
    """

    jobs: list[Job]
    errors: dict[str, str] = Field(default_factory=dict)
    already_canceled: list[str] = Field(default_factory=list, exclude=True)


class Pagination(_ApiModel):
    """``pagination`` beside ``data`` on list answers; ``end`` is exclusive."""

    total: int
    start: int = 0
    end: int | None = None


class Envelope(_ApiModel):
    """The JSend-like wrapper of every API answer (SPEC §1.2); ``code`` may be a string."""

    status: str | None = None
    message: str | None = None
    code: int | str | None = None
    data: Any = None
    pagination: Pagination | None = None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list endpoint; ``total`` counts every match, not just this page."""

    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def end(self) -> int:
        """Offset just past this page."""
        return self.offset + len(self.items)

    @property
    def has_more(self) -> bool:
        """Whether another page exists after this one."""
        return self.end < self.total and len(self.items) > 0
