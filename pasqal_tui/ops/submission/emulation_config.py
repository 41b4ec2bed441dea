"""A batch's `backend_configuration` (a Pulser `EmulationConfig`) for EMU_FREE, EMU_MPS and
EMU_SV, written from a form's fields (shots, observables) or read from a file, and checked by
Pulser itself before anything is sent.

A file is either Pulser's own abstract repr (JSON with `observables`, e.g. what
`EmulationConfig.to_abstract_repr()` writes), or a short YAML/JSON mapping:
`shots: 500`, `observables: [occupation, energy]`, `evaluation_times: [0.5, 1.0]`,
`noise: {p_false_pos: 0.01, ...}` (Pulser `NoiseModel` parameters). Pulser is imported here:
call `backend_configuration` off the UI thread.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import yaml

from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops.submission.files import JobFileError, read_text_file

CONFIGURED_DEVICES: tuple[str, ...] = ("EMU_FREE", "EMU_MPS", "EMU_SV")
# Name in a form or file -> Pulser observable class (pulser.backend).
OBSERVABLES: dict[str, str] = {
    "occupation": "Occupation",
    "energy": "Energy",
    "energy_variance": "EnergyVariance",
    "correlations": "CorrelationMatrix",
}
DEFAULT_SHOTS = 1000
MAX_SHOTS = 100_000
_FILE_KEYS = ("shots", "observables", "evaluation_times", "noise")


@dataclass(frozen=True)
class EmulationChoice:
    """What a form holds: typed shots and ticked observables, or a file path."""

    shots: str = ""
    observables: tuple[str, ...] = ()
    file: str = ""

    def is_empty(self) -> bool:
        return not (self.shots.strip() or self.observables or self.file.strip())


def backend_configuration(choice: EmulationChoice, device_type: str) -> str | None:
    """The abstract repr to send, None when nothing was asked; one-line InputError otherwise."""
    if choice.is_empty() or device_type not in CONFIGURED_DEVICES:
        return None
    if choice.file.strip():
        if choice.shots.strip() or choice.observables:
            raise InputError("emulation config: give a file or shots and observables, not both")
        return _from_file(choice.file)
    return _build(_shots(choice.shots, "emulation config shots"), list(choice.observables))


def _shots(text: Any, field: str) -> int:
    if text is None or (isinstance(text, str) and not text.strip()):
        return DEFAULT_SHOTS
    try:
        shots = int(str(text).strip())
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a whole number") from None
    if not 1 <= shots <= MAX_SHOTS:
        raise InputError(f"{field}: {shots} is not from 1 to {MAX_SHOTS:,}")
    return shots


def _from_file(path: str) -> str:
    target, text = read_text_file(path)
    name = path.strip()
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise JobFileError(
            name, "not YAML or JSON", line=mark.line + 1 if mark is not None else None
        ) from None
    if not isinstance(value, dict):
        raise JobFileError(name, "must be a mapping (an EmulationConfig or shots/observables)")
    if "observables" in value and isinstance(value["observables"], list) and all(
        isinstance(o, dict) for o in value["observables"]
    ):
        return _checked(json.dumps(value), name)  # Pulser's own abstract repr
    unknown = sorted(set(value) - set(_FILE_KEYS))
    if unknown:
        known = ", ".join(_FILE_KEYS)
        raise JobFileError(name, f"unknown key(s) {', '.join(unknown)} (known: {known})")
    observables = value.get("observables") or []
    if not isinstance(observables, list) or not all(isinstance(o, str) for o in observables):
        raise JobFileError(name, "observables must be a list of names")
    times = value.get("evaluation_times")
    if times is not None and not (
        isinstance(times, list) and all(isinstance(t, (int, float)) for t in times)
    ):
        raise JobFileError(name, "evaluation_times must be a list of numbers from 0 to 1")
    noise = value.get("noise")
    if noise is not None and not isinstance(noise, dict):
        raise JobFileError(name, "noise must be a mapping of Pulser NoiseModel parameters")
    shots = _shots(value.get("shots"), f"{target.name} shots")
    return _build(shots, observables, times, noise, where=name)


def _build(
    shots: int,
    names: list[str],
    times: list[float] | None = None,
    noise: dict[str, Any] | None = None,
    *,
    where: str = "emulation config",
) -> str:
    unknown = [n for n in names if n not in OBSERVABLES]
    if unknown:
        known = ", ".join(OBSERVABLES)
        raise InputError(f"{where}: unknown observable {unknown[0]!r} (known: {known})")
    try:
        import pulser
        from pulser import backend
    except ImportError:
        raise InputError(
            f"{where}: writing an EmulationConfig needs Pulser (pip install 'pasqal-tui[local]')"
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            observables: list[Any] = [backend.BitStrings(num_shots=shots)]
            observables += [getattr(backend, OBSERVABLES[n])(evaluation_times=times) for n in names]
            options: dict[str, Any] = {"observables": observables}
            if noise:
                options["noise_model"] = pulser.NoiseModel(**noise)
            text = str(backend.EmulationConfig(**options).to_abstract_repr())
    except Exception as exc:
        raise InputError(f"{where}: Pulser refuses it: {_first_line(exc)}") from None
    return _checked(text, where)


def _checked(text: str, where: str) -> str:
    """Pulser reads it back, as the cloud will; a refusal names the problem in a line."""
    try:
        from pulser.backend import EmulationConfig
    except ImportError:
        raise InputError(f"{where}: checking an EmulationConfig needs Pulser") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            EmulationConfig.from_abstract_repr(text)
    except Exception as exc:
        problem = _first_line(exc)
        raise InputError(f"{where}: not a valid Pulser EmulationConfig: {problem}") from None
    return text


def describe(text: str | None) -> str:
    """A line for the confirmation: shots and observables of the config about to be sent."""
    if text is None:
        return "none"
    config = json.loads(text)
    parts = []
    for observable in config.get("observables", []):
        name = str(observable.get("observable", "?"))
        shots = observable.get("num_shots")
        parts.append(f"{name} ({shots} shots)" if name == "bitstrings" and shots else name)
    return ", ".join(parts) or "no observables"


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    first = " ".join(str(text).strip().splitlines()[0].split()) if str(text).strip() else ""
    return first if len(first) <= 160 else first[:159] + "…"
