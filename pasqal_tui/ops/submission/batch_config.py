"""Emulator configuration from what a form holds: the object the SDK would send, or a message.

Pure (no Textual), so the rule "dt and max_bond_dim are positive numbers" is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pasqal_tui.cloud.models import DeviceTypes
from pasqal_tui.cloud.payloads import EmuFreeConfig, EmulatorConfig, EmuTNConfig

__all__ = ["PRECISIONS", "ConfigError", "ConfigText", "describe_config", "emulator_config"]

PRECISIONS = ("low", "normal", "high")
_PRECISION: dict[str, Literal["low", "normal", "high"]] = {
    "low": "low",
    "normal": "normal",
    "high": "high",
}


class ConfigError(ValueError):
    """A configuration field that is not a valid value; ``str()`` names the field."""


@dataclass
class ConfigText:
    """What the configuration fields hold, as typed."""

    strict: bool = False
    with_noise: bool = False
    dt: str = ""
    precision: str = "normal"
    max_bond_dim: str = ""


def emulator_config(device: str, text: ConfigText) -> EmulatorConfig | None:
    """The configuration the SDK would send for ``device`` (None for a QPU)."""
    if not DeviceTypes.is_emulator(device):
        return None
    if device == DeviceTypes.EMU_FREE:
        return EmuFreeConfig(strict_validation=text.strict, with_noise=text.with_noise)
    if device == DeviceTypes.EMU_TN:
        dt = _positive(text.dt, "dt", float, 10.0)
        bond = _positive(text.max_bond_dim, "max_bond_dim", int, 500)
        precision = _PRECISION.get(text.precision, "normal")
        return EmuTNConfig(
            strict_validation=text.strict,
            dt=float(dt),
            precision=precision,
            max_bond_dim=int(bond),
        )
    return EmulatorConfig(strict_validation=text.strict)


def _positive(text: str, field: str, kind: type, default: float) -> float:
    raw = text.strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        word = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{field}: {raw!r} is not {word}") from None
    if value <= 0:
        raise ConfigError(f"{field}: must be more than 0, got {raw}")
    return float(value)


def describe_config(config: EmulatorConfig | None) -> str:
    if config is None:
        return "none (QPU)"
    body = config.to_dict()
    return ", ".join(f"{k}={v}" for k, v in body.items() if v is not None)
