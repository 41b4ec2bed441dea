"""Async client for the Pasqal Cloud REST API: a plain library, no UI, no global state.

The names below are loaded on first use (PEP 562): importing one submodule, as the dashboard
does on its start path, must not pay for httpx and every pydantic model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import PasqalClient
    from .environments import ENVIRONMENTS, Environment, custom, get_environment, local
    from .errors import (
        AuthenticationError,
        InvalidRequestError,
        InvalidStateError,
        NetworkError,
        NotFoundError,
        OutcomeUnknownError,
        OutcomeUnknownNetworkError,
        OutcomeUnknownServerError,
        PasqalError,
        PermissionDeniedError,
        RateLimitedError,
        ServerError,
    )
    from .filters import BatchFilters, CancelJobFilters, JobFilters, RebatchFilters
    from .models import (
        Batch,
        BatchStatus,
        BatchStatusInfo,
        CancelBatchesResult,
        CancelJobsResult,
        DeviceType,
        DeviceTypes,
        Envelope,
        Job,
        JobResults,
        JobStatus,
        Page,
        Pagination,
        Project,
        QueuePriority,
        Workload,
    )
    from .payloads import (
        CreateBatchRequest,
        CreateWorkloadRequest,
        EmuFreeConfig,
        EmulatorConfig,
        EmuTNConfig,
        JobInput,
        ResultType,
    )
    from .timestamps import parse_timestamp
    from .transport.auth import Auth, PasswordAuth, TokenAuth
    from .transport.retry import RetryPolicy

_WHERE = {
    "ENVIRONMENTS": "environments",
    "Auth": "transport.auth",
    "AuthenticationError": "errors",
    "Batch": "models",
    "BatchFilters": "filters",
    "BatchStatus": "models",
    "BatchStatusInfo": "models",
    "CancelBatchesResult": "models",
    "CancelJobFilters": "filters",
    "CancelJobsResult": "models",
    "CreateBatchRequest": "payloads",
    "CreateWorkloadRequest": "payloads",
    "DeviceType": "models",
    "DeviceTypes": "models",
    "EmuFreeConfig": "payloads",
    "EmuTNConfig": "payloads",
    "EmulatorConfig": "payloads",
    "Envelope": "models",
    "Environment": "environments",
    "InvalidRequestError": "errors",
    "InvalidStateError": "errors",
    "Job": "models",
    "JobFilters": "filters",
    "JobInput": "payloads",
    "JobResults": "models",
    "JobStatus": "models",
    "NetworkError": "errors",
    "NotFoundError": "errors",
    "OutcomeUnknownError": "errors",
    "OutcomeUnknownNetworkError": "errors",
    "OutcomeUnknownServerError": "errors",
    "Page": "models",
    "Pagination": "models",
    "PasqalClient": "client",
    "PasqalError": "errors",
    "PasswordAuth": "transport.auth",
    "PermissionDeniedError": "errors",
    "Project": "models",
    "QueuePriority": "models",
    "RateLimitedError": "errors",
    "RebatchFilters": "filters",
    "ResultType": "payloads",
    "RetryPolicy": "transport.retry",
    "ServerError": "errors",
    "TokenAuth": "transport.auth",
    "Workload": "models",
    "custom": "environments",
    "get_environment": "environments",
    "local": "environments",
    "parse_timestamp": "timestamps",
}

__all__ = [
    "ENVIRONMENTS",
    "Auth",
    "AuthenticationError",
    "Batch",
    "BatchFilters",
    "BatchStatus",
    "BatchStatusInfo",
    "CancelBatchesResult",
    "CancelJobFilters",
    "CancelJobsResult",
    "CreateBatchRequest",
    "CreateWorkloadRequest",
    "DeviceType",
    "DeviceTypes",
    "EmuFreeConfig",
    "EmuTNConfig",
    "EmulatorConfig",
    "Envelope",
    "Environment",
    "InvalidRequestError",
    "InvalidStateError",
    "Job",
    "JobFilters",
    "JobInput",
    "JobResults",
    "JobStatus",
    "NetworkError",
    "NotFoundError",
    "OutcomeUnknownError",
    "OutcomeUnknownNetworkError",
    "OutcomeUnknownServerError",
    "Page",
    "Pagination",
    "PasqalClient",
    "PasqalError",
    "PasswordAuth",
    "PermissionDeniedError",
    "Project",
    "QueuePriority",
    "RateLimitedError",
    "RebatchFilters",
    "ResultType",
    "RetryPolicy",
    "ServerError",
    "TokenAuth",
    "Workload",
    "custom",
    "get_environment",
    "local",
    "parse_timestamp",
]


def __getattr__(name: str) -> Any:
    """Import the submodule that defines ``name`` and cache the name here."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
