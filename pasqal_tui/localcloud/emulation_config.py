"""A batch's `backend_configuration`: a Pulser `EmulationConfig` abstract repr, read by Pulser.

Today's SDK (pasqal-cloud 0.24's Remote* backends, pulser-pasqal's EmuMPS/EmuSV/EmuFreeV2
backends) configures EMU_FREE, EMU_MPS and EMU_SV this way. The local cloud reads the config
with Pulser's own deserialiser (a bad one is refused at batch creation), and runs it on
pulser-simulation's QuTiP backend: exact state-vector emulation, which is what EMU_MPS and EMU_SV
converge to on the small registers allowed here. Options of a specific emulator that QuTiP has
no use for (EMU_MPS's `max_bond_dim`, `num_gpus_to_use`, ...) are read and ignored.

Shots (docs/local-cloud.md, "Shots"): each `BitStrings` observable takes its `num_shots`, else the
config's `default_num_shots`; a job's `runs` is ignored, as the SDK documents (pulser-pasqal sends
a placeholder `runs=1`, pasqal-cloud 0.24 sends `runs=null`).

Pulser is imported on first use, never when this module is imported.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulser
    from pulser.backend import EmulationConfig, Results

# The device types whose jobs run a batch's `backend_configuration` (others ignore it).
CONFIGURED_DEVICE_TYPES: tuple[str, ...] = ("EMU_FREE", "EMU_MPS", "EMU_SV")
MAX_SHOTS = 100_000
_WHAT = "backend_configuration is not a valid Pulser EmulationConfig"


class ConfigProblem(ValueError):
    """The config cannot be used; the message is one line naming the problem."""


def read_config(text: str) -> EmulationConfig[Any]:
    """Pulser's own reading of `text`, or ConfigProblem naming what is wrong."""
    from pulser.backend import EmulationConfig

    if not isinstance(text, str) or not text.strip():
        raise ConfigProblem(f"{_WHAT}: it is empty")
    try:
        json.loads(text)
    except ValueError as exc:
        raise ConfigProblem(f"{_WHAT}: not JSON ({exc})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = EmulationConfig.from_abstract_repr(text)
    except Exception as exc:
        detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        path = "/".join(str(p) for p in getattr(exc, "absolute_path", ()) or ())
        where = f" at {path}" if path else ""
        raise ConfigProblem(f"{_WHAT}{where}: {_one_line(detail)}") from None
    for shots in shot_counts(config):
        if shots > MAX_SHOTS:
            raise ConfigProblem(
                f"backend_configuration asks for {shots} shots; the local cloud allows at most "
                f"{MAX_SHOTS}"
            )
    return config


def config_problem(text: str) -> str | None:
    """The one-line problem with `text`, or None when Pulser reads it."""
    try:
        read_config(text)
    except ConfigProblem as problem:
        return str(problem)
    return None


def shot_counts(config: EmulationConfig[Any]) -> list[int]:
    """Shots per BitStrings observable: its num_shots, else the config's default_num_shots."""
    from pulser.backend import BitStrings

    default = int(config.default_num_shots)
    return [
        default if obs._num_shots is None else int(obs._num_shots)
        for obs in config.observables
        if isinstance(obs, BitStrings)
    ]


def run_configured(
    sequence: pulser.Sequence[Any], text: str, seed: int
) -> tuple[dict[str, int], list[str], str]:
    """Emulate `sequence` as `text` asks; return counter, shots and the Results abstract repr."""
    import numpy as np
    from pulser_simulation import QutipBackendV2, QutipConfig

    config = read_config(text)
    saved = np.random.get_state()
    np.random.seed(seed % 2**32)  # Pulser samples shots and noise from numpy's global RNG
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = QutipConfig(observables=())._expected_kwargs()
            options = {k: v for k, v in config._backend_options.items() if k in expected}
            results = QutipBackendV2(sequence, config=QutipConfig(**options)).run()
            serialised = results.to_abstract_repr()
    finally:
        np.random.set_state(saved)
    counter = final_counter(results)
    order = np.random.default_rng(seed).permutation(sum(counter.values()))
    pool = [bits for bits, count in counter.items() for _ in range(count)]
    return counter, [pool[i] for i in order], serialised


def final_counter(results: Results) -> dict[str, int]:
    """The bitstrings of the last BitStrings evaluation (the final ones when asked), else {}."""
    tags = [t for t in results.get_result_tags() if t.startswith("bitstrings")]
    if not tags:
        return {}
    tag = "bitstrings" if "bitstrings" in tags else tags[0]
    last = results.get_tagged_results()[tag][-1]
    return dict(sorted(Counter({str(k): int(v) for k, v in dict(last).items()}).items()))


def _one_line(text: str) -> str:
    first = str(text).strip().splitlines()[0] if str(text).strip() else str(text)
    return first if len(first) <= 300 else first[:299] + "…"
