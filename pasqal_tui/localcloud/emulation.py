"""Run one job: build its Pulser sequence, validate it, emulate it with QuTiP, sample shots.

`run_job` is a pure function meant for worker processes: it takes a picklable `JobSpec`, gives
a picklable `JobOutcome`, and turns every failure into an ERROR outcome with one message per
problem, each starting with its kind. Pulser is imported on first call, never at import time.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pasqal_tui.localcloud.devices import (
    DEVICE_TYPES,
    VALIDATED_DEVICE_TYPES,
    target_device,
)
from pasqal_tui.localcloud.emulation_config import (
    CONFIGURED_DEVICE_TYPES,
    ConfigProblem,
    read_config,
    run_configured,
    shot_counts,
)

if TYPE_CHECKING:
    import pulser
    from pulser.devices import Device

    Sequence = pulser.Sequence[Any]

DEFAULT_RUNS = 100
MAX_RUNS = 100_000
DEFAULT_MAX_ATOMS = 12
# Noisy emulation averages this many noise trajectories (each one a full QuTiP solve).
NOISE_TRAJECTORIES = 10
_MAX_MESSAGE = 800


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to run one job; plain data so it pickles cheaply."""

    job_id: str
    sequence: str
    variables: dict[str, Any] | None
    runs: int | None
    device_type: str
    configuration: dict[str, Any] | None
    seed: int
    max_atoms: int = DEFAULT_MAX_ATOMS
    # A Pulser EmulationConfig abstract repr (the batch's); see emulation_config.py.
    backend_configuration: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    """The result of one job: counts and shots when DONE, messages when ERROR."""

    status: Literal["DONE", "ERROR"]
    counter: dict[str, int] | None
    raw: list[str] | None
    errors: list[str]
    duration_s: float
    # Pulser's `Results` abstract repr, for jobs run from an EmulationConfig.
    serialised_results: str | None = None

    @classmethod
    def error(cls, errors: list[str], duration_s: float = 0.0) -> JobOutcome:
        return cls("ERROR", None, None, list(errors), duration_s)


class JobFailed(Exception):
    """The job cannot run; `messages` holds one line per problem found."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _describe(exc: BaseException) -> str:
    return _clip(str(exc) or type(exc).__name__)


def hardware_noise_model(samples_per_run: int = 1) -> pulser.NoiseModel:
    """Noise like a neutral-atom QPU's: SPAM errors, laser amplitude jitter, Doppler shifts.

    Values are Pulser's historical defaults for these effects.
    """
    import pulser

    with warnings.catch_warnings():
        # Pulser deprecates samples_per_run > 1; we use it to keep noisy jobs affordable.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulser.NoiseModel(
            state_prep_error=0.005,
            p_false_pos=0.01,
            p_false_neg=0.05,
            temperature=50.0,
            laser_waist=175.0,
            amp_sigma=0.05,
            samples_per_run=samples_per_run,
        )


def run_job(spec: JobSpec) -> JobOutcome:
    """Run `spec` to an outcome; no exception leaves this function."""
    start = time.perf_counter()
    try:
        counter, raw, serialised = _execute(spec)
    except JobFailed as failed:
        return JobOutcome.error(failed.messages, time.perf_counter() - start)
    except Exception as exc:  # Pulser or QuTiP failing in a way we did not foresee
        message = f"Emulation failed: {type(exc).__name__}: {_describe(exc)}"
        return JobOutcome.error([message], time.perf_counter() - start)
    return JobOutcome("DONE", counter, raw, [], time.perf_counter() - start, serialised)


def _execute(spec: JobSpec) -> tuple[dict[str, int], list[str], str | None]:
    runs = _check_request(spec)
    config = spec.configuration or {}
    configured = (
        spec.backend_configuration is not None and spec.device_type in CONFIGURED_DEVICE_TYPES
    )
    if configured:
        runs = _configured_shots(str(spec.backend_configuration))
    sequence = _deserialize(spec.sequence)
    problems = _size_problems(sequence, spec.max_atoms)
    built: Sequence | None = None
    try:
        built = _build(sequence, spec.variables)
    except JobFailed as failed:
        problems.extend(failed.messages)
    if problems or built is None:
        raise JobFailed(problems)
    _check_not_empty(built)
    strict = bool(config.get("strict_validation"))
    if spec.device_type in VALIDATED_DEVICE_TYPES or strict:
        switched = _validate(built, target_device(spec.device_type), runs)
        if spec.device_type in VALIDATED_DEVICE_TYPES:
            built = switched
    if configured:
        return run_configured(built, str(spec.backend_configuration), spec.seed)
    # The QPU and its emulator give hardware-like shots; EMU_FREE only when asked to.
    noisy = spec.device_type in VALIDATED_DEVICE_TYPES or (
        spec.device_type == "EMU_FREE" and bool(config.get("with_noise"))
    )
    counter, shots = _emulate(built, runs, spec.seed, noisy)
    return counter, shots, None


def _configured_shots(text: str) -> int:
    """The most shots one BitStrings asks for (what a device's max_runs limits)."""
    try:
        return max(shot_counts(read_config(text)), default=1)
    except ConfigProblem as problem:
        raise JobFailed([f"Invalid job: {problem}"]) from None


def _check_request(spec: JobSpec) -> int:
    problems: list[str] = []
    runs = DEFAULT_RUNS if spec.runs is None else spec.runs
    if not isinstance(runs, int) or isinstance(runs, bool) or not 1 <= runs <= MAX_RUNS:
        problems.append(f"Invalid job: runs must be an integer from 1 to {MAX_RUNS}, got {runs!r}")
    if spec.device_type not in DEVICE_TYPES:
        known = ", ".join(DEVICE_TYPES)
        problems.append(f"Invalid job: unknown device type {spec.device_type!r} (known: {known})")
    if spec.variables is not None and not isinstance(spec.variables, dict):
        problems.append("Invalid job: variables must be an object mapping names to values")
    if spec.configuration is not None and not isinstance(spec.configuration, dict):
        problems.append("Invalid job: configuration must be an object")
    if problems:
        raise JobFailed(problems)
    return int(runs)


def _deserialize(sequence_json: str) -> Sequence:
    import pulser

    kind = "Sequence deserialization failed"
    if not isinstance(sequence_json, str) or not sequence_json.strip():
        raise JobFailed([f"{kind}: the job has no sequence"])
    try:
        json.loads(sequence_json)
    except json.JSONDecodeError as exc:
        raise JobFailed([f"{kind}: the sequence is not valid JSON ({exc})"]) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pulser.Sequence.from_abstract_repr(sequence_json)
    except Exception as exc:
        detail = getattr(exc, "message", None) or _describe(exc)
        raise JobFailed([f"{kind}: not a valid Pulser sequence: {_clip(detail)}"]) from None


def _size_problems(sequence: Sequence, max_atoms: int) -> list[str]:
    n_atoms = len(sequence.get_register(include_mappable=True).qubit_ids)
    if n_atoms > max_atoms:
        return [
            f"Register too large: register has {n_atoms} atoms; "
            f"the local cloud emulates at most {max_atoms}"
        ]
    return []


def _build(sequence: Sequence, variables: dict[str, Any] | None) -> Sequence:
    kind = "Sequence build failed"
    given = dict(variables or {})
    declared = sequence.declared_variables
    unknown = sorted(set(given) - set(declared))
    problems: list[str] = []
    if unknown:
        names = ", ".join(repr(n) for n in unknown)
        expected = ", ".join(repr(n) for n in declared) or "none"
        problems.append(f"{kind}: unknown variable(s) {names}; the sequence declares: {expected}")
    bad_values = [
        f"{kind}: variable {name!r} must be a number or a list of numbers, "
        f"got {_clip(repr(given[name]))}"
        for name in declared
        if name in given and not _is_numeric(given[name])
    ]
    if bad_values:
        missing = [name for name in declared if name not in given]
        if missing:  # Pulser's own wording, which a build would have given
            bad_values.append(f"{kind}: Did not receive values for variables: {', '.join(missing)}")
        raise JobFailed(problems + bad_values)
    if not sequence.is_parametrized():
        if problems:
            raise JobFailed(problems)
        return sequence
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = sequence.build(**{k: v for k, v in given.items() if k in declared})
    except Exception as exc:
        problems.append(f"{kind}: {_describe(exc)}")
        raise JobFailed(problems) from None
    if problems:
        raise JobFailed(problems)
    return built


def _is_numeric(value: Any) -> bool:
    def number(item: Any) -> bool:
        return isinstance(item, (int, float)) and not isinstance(item, bool)

    if isinstance(value, list):
        return bool(value) and all(number(item) for item in value)
    return number(value)


def _check_not_empty(sequence: Sequence) -> None:
    if sequence.is_empty():
        raise JobFailed(["Sequence invalid: it has no pulse to run (add a pulse to a channel)"])


def _validate(sequence: Sequence, device: Device, runs: int) -> Sequence:
    """Check `sequence` against `device` the way the QPU would; return it on that device."""
    from pulser.backend.abc import Backend

    kind = f"Validation against {device.name} failed"
    try:
        device.validate_register(sequence.register)
    except Exception as exc:
        raise JobFailed([f"{kind}: {_describe(exc)}"]) from None
    problems: list[str] = []
    if device.max_runs is not None and runs > device.max_runs:
        problems.append(
            f"{kind}: {runs} runs requested; the device allows at most {device.max_runs}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            switched = sequence.switch_device(device, strict=False)
        Backend.validate_sequence(switched, mimic_qpu=True)
    except Exception as exc:
        problems.extend(f"{kind}: {reason}" for reason in _switch_reasons(exc, device))
        raise JobFailed(problems) from None
    if problems:
        raise JobFailed(problems)
    return switched


def _switch_reasons(exc: Exception, device: Device) -> list[str]:
    """Pulser's channel-matching failure, cut down to its reasons and the limits they broke."""
    text = _describe(exc)
    _, sep, tail = text.partition("associated errors:")
    quoted = re.findall(r""""([^"]+\.)"|'([^']+\.)'""", tail) if sep else []
    reasons = sorted({double or single for double, single in quoted})
    if not reasons:
        return [text]
    limits = "; ".join(
        f"{name} allows amplitude up to {ch.max_amp:.2f} rad/µs"
        + (f" and detuning up to {ch.max_abs_detuning:.2f} rad/µs" if ch.max_abs_detuning else "")
        for name, ch in device.channels.items()
        if ch.max_amp is not None
    )
    return [f"{reason.rstrip('.')} ({device.name}: {limits})" for reason in reasons]


def _emulate(
    sequence: Sequence, runs: int, seed: int, noisy: bool
) -> tuple[dict[str, int], list[str]]:
    """Emulate with QuTiP and draw `runs` shots, all from numpy's RNG seeded with `seed`.

    Noiseless: shots are drawn from the final state. Noisy: each of up to
    NOISE_TRAJECTORIES noise draws is solved and measured ceil(runs / trajectories) times
    (with SPAM errors); `runs` of those shots are kept at random.
    """
    import numpy as np
    from pulser_simulation import QutipEmulator

    # Pulser draws noise and shots from numpy's global RNG: seed it, and put it back after.
    saved = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if noisy:
                trajectories = min(NOISE_TRAJECTORIES, runs)
                noise = hardware_noise_model(samples_per_run=-(-runs // trajectories))
                emulator = QutipEmulator.from_sequence(
                    sequence,
                    evaluation_times="Minimal",
                    noise_model=noise,
                    n_trajectories=trajectories,
                )
                counts = emulator.run()[-1].final_bitstrings
            else:
                emulator = QutipEmulator.from_sequence(sequence, evaluation_times="Minimal")
                counts = emulator.run().sample_final_state(N_samples=runs)
        pool = [bits for bits, count in sorted(counts.items()) for _ in range(int(count))]
        # Shots are exchangeable, so a seeded shuffle of the multiset is a faithful shot order.
        order = np.random.default_rng(seed).permutation(len(pool))[:runs]
        shots = [pool[i] for i in order]
    finally:
        np.random.set_state(saved)
    counter = dict(sorted(Counter(shots).items()))
    return counter, shots
