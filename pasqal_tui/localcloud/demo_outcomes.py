"""Real emulator outcomes for the demo history: each distinct (sequence, variables, device)
runs once through `run_job`; DONE jobs then sample their shots from that distribution."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from pasqal_tui.localcloud.emulation import JobOutcome, JobSpec, run_job


@dataclass(frozen=True)
class Case:
    sequence: str
    variables: dict[str, Any] | None
    device_type: str
    outcome: JobOutcome

    def sample(self, runs: int, rng: random.Random) -> dict[str, Any]:
        """A results document with `runs` shots drawn from this case's counts."""
        counter = self.outcome.counter or {}
        states = sorted(counter)
        raw = rng.choices(states, weights=[counter[s] for s in states], k=runs)
        counts: dict[str, int] = {}
        for state in raw:
            counts[state] = counts.get(state, 0) + 1
        return {"counter": counts, "raw": raw, "serialised_results": None}


def build_cases(seed: int) -> dict[str, Case]:
    from pasqal_tui.localcloud import sequences as s

    rabi = s.rabi_oscillation(2)
    wanted: dict[str, tuple[str, dict[str, Any] | None, str]] = {
        "rabi_pi": (rabi, {"omega": math.pi, "duration": 1000}, "EMU_FREE"),
        "rabi_half": (rabi, {"omega": math.pi, "duration": 500}, "EMU_FREE"),
        "rabi_2pi": (rabi, {"omega": 2 * math.pi, "duration": 1000}, "EMU_FREE"),
        "sweep": (s.adiabatic_sweep(4), {"t_sweep": 1000}, "EMU_FREE"),
        "bell": (s.bell_like(), None, "EMU_FREE"),
        # Jobs that fail for real reasons, with Pulser's (or the executor's) own messages.
        "too_many_atoms": (s.too_many_atoms(20), None, "EMU_FREE"),
        "amplitude": (s.amplitude_above_limit(), None, "FRESNEL"),
        "too_close": (s.atoms_too_close(), None, "FRESNEL"),
        "missing_variable": (rabi, {"omega": math.pi}, "EMU_FREE"),
        "unknown_variable": (rabi, {"omega": 1.0, "duration": 400, "phase": 0.5}, "EMU_FREE"),
        "omega_too_high": (rabi, {"omega": 20.0, "duration": 400}, "FRESNEL"),
    }
    cases = {}
    for i, (key, (sequence, variables, device)) in enumerate(wanted.items()):
        spec = JobSpec(
            job_id=f"demo-{key}",
            sequence=sequence,
            variables=variables,
            runs=200,
            device_type=device,
            configuration=None,
            seed=seed + i,
        )
        cases[key] = Case(sequence, variables, device, run_job(spec))
    return cases
