"""Checks on a submitted batch or job list, repeated server-side as SPEC §3.7 asks (4xx)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pasqal_tui.localcloud.devices import DEVICE_TYPES
from pasqal_tui.localcloud.emulation_config import config_problem
from pasqal_tui.localcloud.errors import ApiError, invalid
from pasqal_tui.localcloud.lifecycle import NewBatch, NewJob
from pasqal_tui.localcloud.schemas import BatchCreate, JobItem

QPU_MAX_RUNS = 1000


def _check_sequence(text: str, what: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise invalid(f"{what} is not a Pulser abstract-repr JSON string: {exc}") from exc
    if not isinstance(value, dict):
        raise invalid(f"{what} must be a JSON object (a Pulser abstract-repr sequence).")
    return value


def device_from_sequence(sequence: dict[str, object]) -> str:
    """Where a sequence goes when the body names no device: virtual devices to EMU_FREE,
    real ones (a device named in the abstract repr and not virtual) to the QPU."""
    device = sequence.get("device")
    if isinstance(device, dict) and not device.get("is_virtual", False):
        return "FRESNEL"
    if isinstance(device, str):
        return "FRESNEL"
    return "EMU_FREE"


def check_jobs(items: Sequence[JobItem], has_builder: bool, device_type: str) -> list[NewJob]:
    jobs = []
    for i, item in enumerate(items):
        if item.sequence is not None:
            if item.variables:
                raise invalid(
                    f"jobs[{i}] has both a sequence and variables: give one or the other."
                )
            _check_sequence(item.sequence, f"jobs[{i}].sequence")
        elif not has_builder:
            raise invalid(f"jobs[{i}] has no sequence and the batch has no sequence_builder.")
        if device_type == "FRESNEL":
            if item.runs is None:
                raise invalid(f"jobs[{i}].runs is required on the QPU.")
            if item.runs > QPU_MAX_RUNS:
                raise invalid(f"jobs[{i}].runs={item.runs} exceeds the QPU limit {QPU_MAX_RUNS}.")
        jobs.append(NewJob(runs=item.runs, variables=item.variables, sequence=item.sequence))
    return jobs


def check_batch(
    body: BatchCreate, user_id: str, projects: dict[str, str]
) -> tuple[NewBatch, list[NewJob]]:
    """`projects` maps the caller's project ids to their queue priority."""
    if body.project_id not in projects:
        raise ApiError(403, f"Project {body.project_id} is not one of your projects.")
    parsed = None
    if body.sequence_builder is not None:
        parsed = _check_sequence(body.sequence_builder, "sequence_builder")
    device_type = body.device_type or body.emulator
    if device_type is None:
        first = parsed
        if first is None and body.jobs and body.jobs[0].sequence:
            first = _check_sequence(body.jobs[0].sequence, "jobs[0].sequence")
        device_type = device_from_sequence(first or {})
    if device_type not in DEVICE_TYPES:
        raise invalid(
            f"Unknown device_type {device_type!r}: expected one of {', '.join(DEVICE_TYPES)}."
        )
    is_open = body.open if body.open is not None else (body.complete is False)
    if not is_open and not body.jobs:
        raise invalid("A closed batch needs at least one job (or create it with open=true).")
    jobs = check_jobs(body.jobs, parsed is not None, device_type)
    if body.backend_configuration is not None:
        problem = config_problem(body.backend_configuration)
        if problem is not None:
            raise ApiError(400, problem)
    spec = NewBatch(
        project_id=body.project_id,
        user_id=user_id,
        device_type=device_type,
        queue_priority=projects[body.project_id],
        open=is_open,
        sequence_builder=body.sequence_builder,
        webhook=body.webhook,
        configuration=body.configuration,
        backend_configuration=body.backend_configuration,
        tags=tuple(body.tags or ()),
    )
    return spec, jobs
