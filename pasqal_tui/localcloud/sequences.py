"""Real Pulser sequences for demo data, tests and users, as abstract-repr JSON strings.

The good ones target the Fresnel-like device with a register from its calibrated layout, so
they run on every device type, the QPU included. The broken ones fail for the reasons real
jobs fail: they are valid on the roomy emulator device but break Fresnel's limits.

`declared_variables` lives in :mod:`pasqal_tui.core.sequence_json` (no Pulser needed) and is
re-exported.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pasqal_tui.core.sequence_json import declared_variables
from pasqal_tui.localcloud.devices import emulator_device, fresnel_device

if TYPE_CHECKING:
    from pulser.register.base_register import BaseRegister
    from pulser.register.special_layouts import TriangularLatticeLayout

__all__ = [
    "adiabatic_sweep",
    "amplitude_above_limit",
    "atoms_too_close",
    "bell_like",
    "declared_variables",
    "rabi_oscillation",
    "too_many_atoms",
]

# Atoms of the Rabi register sit at least this far apart (µm), so that they barely interact.
RABI_SPACING_UM = 10.0


def _check_count(name: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")


def _fresnel_layout() -> TriangularLatticeLayout:
    """Fresnel's calibrated layout: a triangular lattice of 61 traps, 5 µm apart."""
    from pulser.register.special_layouts import TriangularLatticeLayout

    layout = fresnel_device().pre_calibrated_layouts[0]
    if not isinstance(layout, TriangularLatticeLayout):
        raise RuntimeError(f"unexpected calibrated layout on the Fresnel device: {layout!r}")
    return layout


def _spread_register(n_atoms: int, spacing: float) -> BaseRegister:
    """Pick `n_atoms` traps of Fresnel's calibrated layout, each `spacing` µm from the others."""
    import numpy as np

    layout = _fresnel_layout()
    traps = layout.traps_dict
    order = sorted(traps, key=lambda t: (float(np.hypot(*traps[t])), t))
    chosen: list[int] = []
    for trap in order:
        if all(np.hypot(*(traps[trap] - traps[c])) >= spacing - 1e-9 for c in chosen):
            chosen.append(trap)
        if len(chosen) == n_atoms:
            return layout.define_register(*chosen)
    raise ValueError(f"Fresnel's layout has no {n_atoms} traps {spacing} µm apart")


def rabi_oscillation(n_atoms: int = 2) -> str:
    """Resonant drive of `n_atoms` weakly interacting atoms.

    Variables: `omega` (float, rad/µs, at most Fresnel's 12.57) and `duration` (int, ns, 16 to
    6000). `omega * duration / 1000 == pi` is a pi pulse: every atom ends in the Rydberg state.
    """
    import pulser

    _check_count("n_atoms", n_atoms, 1, 7)
    seq = pulser.Sequence(_spread_register(n_atoms, RABI_SPACING_UM), fresnel_device())
    seq.declare_channel("rydberg", "rydberg_global")
    omega = seq.declare_variable("omega", dtype=float)
    duration = seq.declare_variable("duration", dtype=int)
    seq.add(pulser.Pulse.ConstantPulse(duration, omega, 0.0, 0.0), "rydberg")
    seq.measure("ground-rydberg")
    return str(seq.to_abstract_repr())


def adiabatic_sweep(n_atoms: int = 4) -> str:
    """Adiabatic preparation of an antiferromagnetic-like state on a compact cluster.

    Variable: `t_sweep` (int, ns, 16 to 5000), the duration of the detuning sweep between a
    252 ns rise and a 252 ns fall of the drive.
    """
    import pulser
    from pulser.waveforms import ConstantWaveform, RampWaveform

    _check_count("n_atoms", n_atoms, 1, 12)
    device = fresnel_device()
    register = _fresnel_layout().hexagonal_register(n_atoms)
    seq = pulser.Sequence(register, device)
    seq.declare_channel("rydberg", "rydberg_global")
    t_sweep = seq.declare_variable("t_sweep", dtype=int)
    omega_max, delta_0, delta_f, t_edge = 2 * math.pi, -6 * math.pi, 4 * math.pi, 252
    rise = pulser.Pulse(
        RampWaveform(t_edge, 0.0, omega_max), ConstantWaveform(t_edge, delta_0), 0.0
    )
    sweep = pulser.Pulse(
        ConstantWaveform(t_sweep, omega_max), RampWaveform(t_sweep, delta_0, delta_f), 0.0
    )
    fall = pulser.Pulse(
        RampWaveform(t_edge, omega_max, 0.0), ConstantWaveform(t_edge, delta_f), 0.0
    )
    for pulse in (rise, sweep, fall):
        seq.add(pulse, "rydberg")
    seq.measure("ground-rydberg")
    return str(seq.to_abstract_repr())


def bell_like() -> str:
    """Two blockaded atoms driven by one pulse into (|gr> + |rg>)/sqrt(2): '01' and '10' only."""
    import pulser

    device = fresnel_device()
    register = _fresnel_layout().hexagonal_register(2)
    seq = pulser.Sequence(register, device)
    seq.declare_channel("rydberg", "rydberg_global")
    duration = 500
    # The blockaded pair oscillates at sqrt(2) * omega: this is its pi pulse.
    omega = math.pi / (math.sqrt(2) * duration / 1000)
    seq.add(pulser.Pulse.ConstantPulse(duration, omega, 0.0, 0.0), "rydberg")
    seq.measure("ground-rydberg")
    return str(seq.to_abstract_repr())


def too_many_atoms(n: int = 20) -> str:
    """A valid Fresnel sequence on `n` atoms: more than the local cloud can emulate."""
    import pulser

    _check_count("n", n, 1, 60)
    device = fresnel_device()
    register = _fresnel_layout().hexagonal_register(n)
    seq = pulser.Sequence(register, device)
    seq.declare_channel("rydberg", "rydberg_global")
    seq.add(pulser.Pulse.ConstantPulse(200, math.pi, 0.0, 0.0), "rydberg")
    seq.measure("ground-rydberg")
    return str(seq.to_abstract_repr())


def _emulator_pair(spacing: float, amplitude: float) -> str:
    import pulser

    register = pulser.Register.from_coordinates([(0.0, 0.0), (spacing, 0.0)], prefix="q")
    seq = pulser.Sequence(register, emulator_device())
    seq.declare_channel("rydberg", "rydberg_global")
    seq.add(pulser.Pulse.ConstantPulse(200, amplitude, 0.0, 0.0), "rydberg")
    seq.measure("ground-rydberg")
    return str(seq.to_abstract_repr())


def amplitude_above_limit() -> str:
    """A drive of 15 rad/µs: fine on the emulator device, above Fresnel's 12.57 rad/µs."""
    return _emulator_pair(spacing=8.0, amplitude=15.0)


def atoms_too_close() -> str:
    """Two atoms 4 µm apart: fine on the emulator device, under Fresnel's 5 µm minimum."""
    return _emulator_pair(spacing=4.0, amplitude=1.0)
