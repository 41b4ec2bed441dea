"""List filters and their exact query-string encoding (SPEC §1.4, §5).

The encoding mirrors what the official SDK sends through ``requests``: repeated keys for lists,
``True``/``False`` for booleans, ``isoformat()`` for datetimes, unset values and empty lists left
out. Servers written against the SDK accept exactly this.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .models import BatchStatus, JobStatus
from .timestamps import format_query_datetime

__all__ = [
    "BatchFilters",
    "CancelJobFilters",
    "JobFilters",
    "QueryParams",
    "RebatchFilters",
    "encode_query_value",
    "validate_uuid",
]

QueryParams = list[tuple[str, str]]


def validate_uuid(value: Any, what: str = "id") -> str:
    """The id as the user gave it (canonical if a UUID object); ValueError names a bad one."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        try:
            UUID(value)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not a valid UUID") from None
        return value
    raise ValueError(f"{what} must be a UUID string, got {type(value).__name__} {value!r}")


def encode_query_value(value: Any) -> str:
    """One scalar as ``requests`` would put it in a query string (before percent-encoding)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_query_datetime(value)
    if isinstance(value, UUID):
        return str(value)
    return str(value)


def _as_list(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        return items or None
    if isinstance(value, str) and not value:
        return None
    return [value]


class _Filters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    _list_fields: ClassVar[tuple[str, ...]] = ()
    _uuid_fields: ClassVar[tuple[str, ...]] = ()

    id: list[str] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in cls._list_fields:
            if name in data:
                data[name] = _as_list(data[name])
        for name in cls._uuid_fields:
            if data.get(name):
                data[name] = [validate_uuid(v, f"{name} filter") for v in data[name]]
        return data

    @model_validator(mode="after")
    def _known_statuses(self) -> _Filters:
        """Statuses read from the service are an open set; a status asked for is not: a typo
        must be refused before anything is sent, not match nothing."""
        for status in getattr(self, "status", None) or []:
            if not status.is_known:
                known = ", ".join(type(status).__members__)
                raise ValueError(f"status {status.value!r} is not one of {known}")
        return self

    def to_params(self) -> QueryParams:
        """The query parameters, in field order, as the official SDK encodes them."""
        params: QueryParams = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, list):
                params.extend((name, encode_query_value(v)) for v in value)
            else:
                params.append((name, encode_query_value(value)))
        return params

    def is_empty(self) -> bool:
        """Whether no filter is set (the call then targets everything)."""
        return not self.to_params()


class _RunsFilters(_Filters):
    min_runs: int | None = None
    max_runs: int | None = None

    @model_validator(mode="after")
    def _runs_order(self) -> _RunsFilters:
        if self.min_runs is not None and self.min_runs < 0:
            raise ValueError(f"min_runs must be >= 0, got {self.min_runs}")
        if (
            self.min_runs is not None
            and self.max_runs is not None
            and self.min_runs > self.max_runs
        ):
            raise ValueError(f"min_runs ({self.min_runs}) is above max_runs ({self.max_runs})")
        return self


class BatchFilters(_Filters):
    """Filters of ``GET /api/v1/batches`` (SPEC §5.1)."""

    _list_fields = ("id", "project_id", "user_id", "device_type", "status", "queue_priority")
    _uuid_fields = ("id", "project_id")

    project_id: list[str] | None = None
    user_id: list[str] | None = None
    device_type: list[str] | None = None
    status: list[BatchStatus] | None = None
    open: bool | None = None
    queue_priority: list[str] | None = None
    tag: str | None = None

    @field_validator("queue_priority", mode="before")
    @classmethod
    def _priority_values(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [v.value if isinstance(v, Enum) else v for v in value]
        return value

    @field_validator("tag", mode="before")
    @classmethod
    def _empty_tag(cls, value: Any) -> Any:
        return value or None


class JobFilters(_RunsFilters):
    """Filters of ``GET /api/v2/jobs`` (SPEC §5.2)."""

    _list_fields = ("id", "project_id", "user_id", "batch_id", "status")
    _uuid_fields = ("id", "project_id", "batch_id")

    project_id: list[str] | None = None
    user_id: list[str] | None = None
    batch_id: list[str] | None = None
    status: list[JobStatus] | None = None
    errors: bool | None = None


class RebatchFilters(_RunsFilters):
    """Which jobs of a batch to copy into a new batch (SPEC §5.3); none = all."""

    _list_fields = ("id", "status")
    _uuid_fields = ("id",)

    status: list[JobStatus] | None = None


class CancelJobFilters(_RunsFilters):
    """Which jobs of a batch to cancel (SPEC §5.4); none = all, and there is no status filter."""

    _list_fields = ("id",)
    _uuid_fields = ("id",)
