"""Request bodies: batch and job creation, workloads, emulator configurations (SPEC §3.7, §4).

Checks the official SDK does client-side are repeated here, so a bad submission fails with a
clear message before it reaches a (possibly billed) device.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CreateBatchRequest",
    "CreateWorkloadRequest",
    "EmuFreeConfig",
    "EmuTNConfig",
    "EmulatorConfig",
    "JobInput",
    "ResultType",
    "jobs_payload",
]


class ResultType(str, Enum):
    """Result kinds an emulator configuration may ask for."""

    COUNTER = "counter"
    RUN = "run"
    SAMPLE = "sample"
    EXPECTATION = "expectation"


class EmulatorConfig(BaseModel):
    """Generic emulator configuration (EMU_MPS, EMU_SV, and devices not modelled yet).

    ``to_dict`` matches the SDK's ``BaseConfig.to_dict``: own fields first, then ``extra``
    merged at the top level (it may not override a field).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    strict_validation: bool = False
    result_types: list[ResultType] | None = None
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _extra_does_not_override(self) -> EmulatorConfig:
        clashes = sorted(set(self.extra or {}) & (set(type(self).model_fields) - {"extra"}))
        if clashes:
            raise ValueError(
                f"extra configuration key(s) {', '.join(clashes)} would override a "
                f"{type(self).__name__} field; set the field instead"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The ``configuration`` object of a create-batch body."""
        out: dict[str, Any] = {
            "strict_validation": self.strict_validation,
            "result_types": [r.value for r in self.result_types]
            if self.result_types is not None
            else None,
        }
        for name in type(self).model_fields:
            if name not in ("strict_validation", "result_types", "extra"):
                out[name] = getattr(self, name)
        if self.extra:
            out.update(self.extra)
        return out


class EmuFreeConfig(EmulatorConfig):
    """EMU_FREE: a state-vector emulator, optionally noisy."""

    with_noise: bool = False


class EmuTNConfig(EmulatorConfig):
    """EMU_TN (deprecated by the service in favour of EMU_MPS): tensor-network emulation."""

    dt: float = Field(default=10.0, gt=0)
    precision: Literal["low", "normal", "high"] = "normal"
    max_bond_dim: int = Field(default=500, gt=0)


class JobInput(BaseModel):
    """One job to create: shots, and either variables (for the batch sequence) or a sequence."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    runs: int | None = Field(default=None, ge=1)
    variables: dict[str, Any] | None = None
    sequence: str | None = None

    @model_validator(mode="after")
    def _not_both(self) -> JobInput:
        if self.sequence is not None and self.variables:
            raise ValueError(
                "a job cannot carry both its own sequence and variables; "
                "variables only apply to the batch's sequence"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """One item of the create-batch ``jobs`` list or of the add-jobs array."""
        return {"runs": self.runs, "variables": self.variables, "sequence": self.sequence}


def jobs_payload(jobs: Sequence[JobInput], *, batch_has_sequence: bool) -> list[dict[str, Any]]:
    """Job items, checked: without a batch sequence every job needs its own."""
    if not batch_has_sequence:
        missing = [i for i, job in enumerate(jobs) if job.sequence is None]
        if missing:
            shown = ", ".join(str(i) for i in missing[:10])
            more = "…" if len(missing) > 10 else ""
            raise ValueError(
                f"job(s) at index {shown}{more} have no sequence and the batch has no "
                "sequence_builder to inherit from"
            )
    return [job.to_dict() for job in jobs]


class CreateBatchRequest(BaseModel):
    """Body of ``POST /api/v1/batches``; ``project_id`` is added by the client."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    sequence_builder: str | None = None
    jobs: list[JobInput] = Field(default_factory=list)
    device_type: str | None = None
    open: bool = False
    configuration: EmulatorConfig | dict[str, Any] | None = None
    tags: list[str] | None = None
    webhook: str | None = None
    backend_configuration: str | None = None

    @field_validator("device_type")
    @classmethod
    def _device_type_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("device_type must not be blank (use None to take the sequence's)")
        return value

    @model_validator(mode="after")
    def _jobs_have_sequences(self) -> CreateBatchRequest:
        jobs_payload(self.jobs, batch_has_sequence=self.sequence_builder is not None)
        return self

    def to_body(self, project_id: str) -> dict[str, Any]:
        """The JSON body, with keys present exactly when the SDK sends them."""
        body: dict[str, Any] = {
            "sequence_builder": self.sequence_builder,
            "webhook": self.webhook,
            "jobs": jobs_payload(self.jobs, batch_has_sequence=self.sequence_builder is not None),
            "open": self.open,
            "device_type": self.device_type,
            "project_id": project_id,
        }
        if self.configuration:
            body["configuration"] = (
                self.configuration.to_dict()
                if isinstance(self.configuration, EmulatorConfig)
                else dict(self.configuration)
            )
        if self.tags:
            body["tags"] = list(self.tags)
        if self.backend_configuration:
            body["backend_configuration"] = self.backend_configuration
        return body


class CreateWorkloadRequest(BaseModel):
    """Body of ``POST /api/v1/workloads``; ``project_id`` is added by the client."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    workload_type: str = Field(min_length=1)
    backend: str = Field(min_length=1)
    config: dict[str, Any] = Field(default_factory=dict)

    def to_body(self, project_id: str) -> dict[str, Any]:
        """The JSON body of op 16."""
        return {
            "workload_type": self.workload_type,
            "backend": self.backend,
            "config": dict(self.config),
            "project_id": project_id,
        }
