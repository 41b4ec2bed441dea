"""Wire shapes of the local cloud, separate from storage and from the client's models.

Requests are pydantic models (FastAPI validates them and documents them in `/docs`);
responses are built from rows by the `*_out` functions, field for field as SPEC §3 lists.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any, Literal, cast

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field


class JobItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    runs: int | None = Field(default=None, ge=1, le=100_000)
    variables: dict[str, Any] | None = None
    sequence: str | None = None


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    project_id: str
    sequence_builder: str | None = None
    jobs: list[JobItem] = Field(default_factory=list)
    open: bool | None = None
    complete: bool | None = None
    webhook: str | None = Field(default=None, max_length=2048)
    device_type: str | None = None
    emulator: str | None = None
    configuration: dict[str, Any] | None = None
    backend_configuration: str | None = None
    tags: list[str] | None = None


class CancelBatches(BaseModel):
    batch_ids: list[str]


class WorkloadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    project_id: str
    workload_type: str = Field(min_length=1)
    backend: str = Field(min_length=1)
    config: dict[str, Any] = Field(default_factory=dict)


def _json(text: Any) -> Any:
    return None if text is None else json.loads(text)


def counts_out(row: sqlite3.Row) -> dict[str, int]:
    return {
        "PENDING": int(row["n_pending"]),
        "RUNNING": int(row["n_running"]),
        "DONE": int(row["n_done"]),
        "ERROR": int(row["n_error"]),
        "CANCELED": int(row["n_canceled"]),
    }


def batch_out(row: sqlite3.Row) -> dict[str, Any]:
    """The common batch fields; callers add `jobs`, `job_ids` or `sequence_builder`."""
    is_open = bool(row["open"])
    return {
        "id": row["id"],
        "open": is_open,
        "complete": not is_open,
        "status": row["status"],
        "device_type": row["device_type"],
        "project_id": row["project_id"],
        "user_id": row["user_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "start_datetime": row["start_datetime"],
        "end_datetime": row["end_datetime"],
        "webhook": row["webhook"],
        "configuration": _json(row["configuration"]),
        "backend_configuration": row["backend_configuration"],
        "tags": _json(row["tags"]) or [],
        "priority": row["priority"],
        "queue_priority": row["queue_priority"],
        "device_status": row["device_status"],
        "parent_id": row["parent_id"],
        "jobs_count": int(row["jobs_count"]),
        "jobs_count_per_status": counts_out(row),
    }


def job_out(row: sqlite3.Row, *, with_sequence: bool = False) -> dict[str, Any]:
    out = {
        "id": row["id"],
        "batch_id": row["batch_id"],
        "project_id": row["project_id"],
        "user_id": row["user_id"],
        "status": row["status"],
        "runs": row["runs"],
        "variables": _json(row["variables"]),
        "errors": _json(row["errors"]),
        "parent_id": row["parent_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "start_timestamp": row["start_timestamp"],
        "end_timestamp": row["end_timestamp"],
    }
    if with_sequence:
        out["sequence"] = row["sequence"]
    return out


def workload_out(row: sqlite3.Row, result_link: str | None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "user_id": row["user_id"],
        "status": row["status"],
        "backend": row["backend"],
        "workload_type": row["workload_type"],
        "config": _json(row["config"]),
        "errors": _json(row["errors"]) or [],
        "result": None,
        "result_link": result_link,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "start_timestamp": row["start_timestamp"],
        "end_timestamp": row["end_timestamp"],
    }


def project_out(row: sqlite3.Row, device_types: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["id"],
        "name": row["name"],
        "project_status": "ACTIVE",
        "project_type": "LOCAL",
        "queue_priority": row["queue_priority"],
        "allowed_device_types": device_types,
        "created_at": row["created_at"],
    }


def envelope(data: Any, pagination: dict[str, int] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "success", "message": "OK.", "code": 200, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return body


def fail(code: int, message: str, data: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "status": "fail" if code < 500 else "error",
        "message": message,
        "code": code,
        "data": data if data is not None else {"description": message},
    }


class JSendResponse(JSONResponse):
    """A JSON response that never fails to encode: a row saved before the server refused
    lone surrogates is sent with them escaped (`\\ud800`) instead of answering 500."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


class FailData(BaseModel):
    model_config = ConfigDict(extra="allow")
    description: str | list[dict[str, Any]] = Field(
        description="What went wrong: a sentence, or FastAPI's list of validation errors."
    )


class JSendFail(BaseModel):
    """The error envelope (SPEC §1.5): the SDK reads `code`, `message` and `data`."""

    status: Literal["fail", "error"]
    message: str
    code: int
    data: FailData


class OAuthFail(JSendFail):
    """Token endpoint errors also carry the OAuth fields the SDK's token provider reads."""

    error: str
    error_description: str


def ok(data: Any, pagination: dict[str, int] | None = None) -> JSONResponse:
    return JSendResponse(envelope(data, pagination))


def ok_page(data: list[Any], total: int, offset: int) -> JSONResponse:
    """One page of a list, with the pagination every list page carries (SPEC §7)."""
    return ok(data, {"total": total, "start": offset, "end": offset + len(data)})


def ok_page_json(items: Sequence[str] | Sequence[bytes], total: int, offset: int) -> Response:
    """`ok_page` for items already written as JSON (by SQLite, or kept as bytes): the same
    envelope, put together in two copies (a batch list page is often megabytes)."""
    pagination = {"total": total, "start": offset, "end": offset + len(items)}
    head = json.dumps(envelope(_ITEMS, pagination), separators=(",", ":"))
    before, _, after = head.partition(f'"{_ITEMS}"')
    if items and isinstance(items[0], bytes):
        listed = b",".join(cast("Sequence[bytes]", items))
        body = b"".join((before.encode(), b"[", listed, b"]", after.encode()))
    else:
        body = "".join((before, "[", ",".join(cast("Sequence[str]", items)), "]", after)).encode()
    return Response(body, media_type="application/json")


def ok_json(data: str) -> Response:
    """`ok` for data already written as JSON text."""
    body = json.dumps(envelope(_ITEMS), separators=(",", ":"))
    return Response(
        body.replace(f'"{_ITEMS}"', data, 1).encode("utf-8"), media_type="application/json"
    )


def spliced(doc: dict[str, Any], raw: dict[str, str]) -> str:
    """``doc`` as JSON text, with the fields of ``raw`` holding the JSON text given there (an
    escaped string in ``doc`` can never read as the unescaped ``"key":"@items@"``)."""
    text = json.dumps({**doc, **dict.fromkeys(raw, _ITEMS)}, separators=(",", ":"))
    for key, value in raw.items():
        text = text.replace(f'"{key}":"{_ITEMS}"', f'"{key}":{value}', 1)
    return text


_ITEMS = "@items@"  # where the items go: no other string of the envelope holds it
