"""Every recorded response of the real service parses into the client's models.

The folder is walked, not hand-picked: a new recording is picked up on the next run, and a
recording whose route has no model fails loudly so someone decides what it is.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from pydantic import BaseModel, TypeAdapter
from support.cloudfakes import RECORDED

from pasqal_tui.cloud import (
    Batch,
    BatchStatusInfo,
    CancelBatchesResult,
    CancelJobsResult,
    Envelope,
    Job,
    JobResults,
    JobStatus,
    Project,
    Workload,
)

RESPONSE_NAME = re.compile(r"^_\.(GET|POST|PUT|PATCH|DELETE)\.json$")
ID = r"[0-9a-fA-F-]{36}"

# (method regex, path regex relative to ".../api/") -> what `data` must parse as.
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", r"v1/batches", list[Batch]),
    ("POST", r"v1/batches", Batch),
    ("PATCH", r"v[12]/batches/cancel", CancelBatchesResult),
    ("GET|POST", rf"v[12]/batches/{ID}", Batch),
    ("PATCH|PUT", rf"v[12]/batches/{ID}/complete", Batch),
    ("PATCH", rf"v2/batches/{ID}/cancel", Batch),
    # The legacy v1 cancel answered a batch in one SDK era and a cancel-jobs result in another.
    ("PUT", rf"v1/batches/{ID}/cancel", Batch | CancelJobsResult),
    ("PATCH|PUT", rf"v[12]/batches/{ID}/cancel/jobs", CancelJobsResult),
    ("POST", rf"v[12]/batches/{ID}/rebatch", Batch),
    ("POST", rf"v[12]/batches/{ID}/jobs", Batch),
    ("PATCH", rf"v1/batches/{ID}/tags", Batch),
    ("GET", rf"v1/batches/{ID}/status", BatchStatusInfo),
    ("GET", r"v[12]/jobs", list[Job]),
    ("POST", r"v[12]/jobs", Job),
    ("GET|POST", rf"v[12]/jobs/{ID}", Job),
    ("PATCH|PUT", rf"v[12]/jobs/{ID}/cancel", Job),
    ("GET", rf"v1/jobs/{ID}/results_link", dict[str, str | None]),
    ("GET", rf"v1/jobs/{ID}/status", dict[str, JobStatus]),
    ("POST", r"v1/workloads", Workload),
    ("GET", rf"v[12]/workloads/{ID}", Workload),
    ("PUT", rf"v1/workloads/{ID}/cancel", Workload),
    ("GET", r"v1/devices/specs", dict[str, str]),
    ("GET", r"v1/devices/public-specs", list[dict[str, str]]),
    ("GET", r"v1/projects", list[Project]),
]


def _recordings() -> list[Path]:
    if not RECORDED.is_dir():
        return []
    return sorted(p for p in RECORDED.rglob("*.json"))


def _kind(path: Path) -> str:
    """'response', 'results' (a results_link document) or 'skip' (headers and the like)."""
    if RESPONSE_NAME.match(path.name):
        return "response"
    if path.parent.name == "results_link" and path.name == "result.json":
        return "results"
    return "skip"


def _route(path: Path) -> tuple[str, str]:
    method = RESPONSE_NAME.match(path.name).group(1)  # type: ignore[union-attr]
    rel = path.parent.relative_to(RECORDED).as_posix()
    _, _, api_path = rel.partition("/api/")
    return method, api_path


def _target(method: str, api_path: str) -> Any:
    for methods, pattern, target in ROUTES:
        if re.fullmatch(methods, method) and re.fullmatch(pattern, api_path):
            return target
    raise AssertionError(f"no model for {method} {api_path}: add a route to ROUTES")


def _walk(value: Any) -> list[Any]:
    """Every model, datetime and scalar reachable from a parsed value."""
    out = [value]
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out += _walk(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            out += _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            out += _walk(item)
    return out


FILES = _recordings()


def test_recordings_are_found() -> None:
    assert RECORDED.is_dir(), f"recorded responses not found at {RECORDED}"
    kinds = [_kind(p) for p in FILES]
    assert kinds.count("response") >= 60
    assert kinds.count("results") >= 2
    # Only response-header dumps are skipped; anything else would be silently ignored.
    skipped = [p.name for p in FILES if _kind(p) == "skip"]
    assert all(name.endswith("_headers.json") for name in skipped), skipped


@pytest.mark.parametrize(
    "path", [p for p in FILES if _kind(p) == "response"], ids=lambda p: str(p.relative_to(RECORDED))
)
def test_response_parses(path: Path) -> None:
    raw = json.loads(path.read_text())
    envelope = Envelope.model_validate(raw)
    assert envelope.status == "success"
    assert int(envelope.code or 0) == 200  # int in some recordings, "200" in others
    target = _target(*_route(path))
    parsed = TypeAdapter(target).validate_python(envelope.data)

    values = _walk(parsed)
    models = [v for v in values if isinstance(v, (Batch, Job, Workload, Project))]
    if target not in (dict[str, str], list[dict[str, str]], dict[str, str | None]):
        assert models or isinstance(parsed, (CancelBatchesResult, CancelJobsResult, dict))
    for model in models:
        UUID(model.id)  # every resource id is a UUID string
    for batch in (m for m in models if isinstance(m, Batch)):
        assert batch.device_type  # open set: "MOCK_DEVICE" parses
        assert batch.complete is not None
    for dt in (v for v in values if isinstance(v, datetime)):
        assert dt.tzinfo is not None and dt.utcoffset() == timezone.utc.utcoffset(None)
        assert dt.year >= 2021
    _check_raw_keys_kept(raw["data"], parsed)


def _check_raw_keys_kept(raw: Any, parsed: Any) -> None:
    """Every key the server sent, at every depth, is in the model: a field or an extra (kept
    as sent), and the model claims no key that was not sent (bar ``complete``, derived)."""
    if isinstance(parsed, BaseModel) and isinstance(raw, dict):
        name = type(parsed).__name__
        sent = set(raw)
        derived = {"complete"} if isinstance(parsed, Batch) and "complete" not in raw else set()
        assert set(parsed.model_dump(exclude_unset=True)) == sent | derived, name
        for key, value in (parsed.model_extra or {}).items():
            assert value == raw[key], f"{name}.{key} changed on the way in"
        for field in type(parsed).model_fields:
            if field in raw:
                _check_raw_keys_kept(raw[field], getattr(parsed, field))
    elif isinstance(parsed, list) and isinstance(raw, list):
        assert len(raw) == len(parsed)
        for r, p in zip(raw, parsed, strict=True):
            _check_raw_keys_kept(r, p)
    elif isinstance(parsed, dict) and isinstance(raw, dict):
        assert set(parsed) == set(raw)
        for key, value in parsed.items():
            _check_raw_keys_kept(raw[key], value)


@pytest.mark.parametrize(
    "path", [p for p in FILES if _kind(p) == "results"], ids=lambda p: str(p.relative_to(RECORDED))
)
def test_results_document_parses(path: Path) -> None:
    raw = json.loads(path.read_text())
    results = JobResults.model_validate(raw)
    assert results.counter and all(isinstance(v, int) for v in results.counter.values())
    assert results.raw and set(results.raw) <= set(results.counter)
    assert results.serialised_results is None  # absent key -> None
