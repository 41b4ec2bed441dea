"""The devices the local cloud offers, as Pulser device specs.

`FRESNEL` (the QPU) and `EMU_FRESNEL` use Pulser's `AnalogDevice` limits, so sequences that pass
here pass the real machine's checks. The other emulators get a roomier device (DigitalAnalog
channels, no layout needed) that is still a `pulser.devices.Device`, because the official SDK
deserializes every spec with `deserialize_device`.

Pulser is imported inside the functions: importing this module must stay cheap for the server.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulser.devices import Device

DEVICE_TYPES: tuple[str, ...] = (
    "FRESNEL",
    "EMU_FREE",
    "EMU_TN",
    "EMU_MPS",
    "EMU_SV",
    "EMU_FRESNEL",
)
QPU_DEVICE_TYPES: tuple[str, ...] = ("FRESNEL",)
# Device types whose jobs are always checked against FRESNEL's limits: the QPU itself and the
# emulator that mimics it. Others are checked only when `strict_validation` is asked for.
VALIDATED_DEVICE_TYPES: tuple[str, ...] = ("FRESNEL", "EMU_FRESNEL")
FRESNEL_NAME = "FRESNEL"


def check_device_type(device_type: str) -> str:
    """Return `device_type` if the local cloud knows it, else raise a ValueError naming it."""
    if device_type not in DEVICE_TYPES:
        known = ", ".join(DEVICE_TYPES)
        raise ValueError(f"unknown device type {device_type!r}; expected one of {known}")
    return device_type


@functools.cache
def _fresnel() -> Device:
    from pulser.devices import AnalogDevice

    return dataclasses.replace(
        AnalogDevice,
        name=FRESNEL_NAME,
        short_description="Local stand-in for Pasqal's Fresnel QPU (AnalogDevice limits).",
    )


_EXACT = (
    "computed exactly as a state vector with pulser-simulation (QuTiP), which is what it "
    "converges to on the small registers the local cloud allows; its own options are ignored"
)
_EMULATOR_TEXT = {
    "EMU_FREE": "Local EMU_FREE emulator (QuTiP state-vector emulation).",
    "EMU_TN": "Local EMU_TN emulator (deprecated by the SDK in favour of EMU_MPS): " + _EXACT + ".",
    "EMU_MPS": "Local EMU_MPS emulator: " + _EXACT + ".",
    "EMU_SV": "Local EMU_SV emulator: " + _EXACT + ".",
}


@functools.cache
def _emulator(device_type: str) -> Device:
    from pulser.devices import DigitalAnalogDevice

    return dataclasses.replace(
        DigitalAnalogDevice,
        name=device_type,
        requires_layout=False,
        short_description=_EMULATOR_TEXT.get(device_type, _EMULATOR_TEXT["EMU_FREE"]),
    )


def target_device(device_type: str) -> Device:
    """The Pulser device a job for `device_type` is validated against: Fresnel's limits.

    QPU jobs are always checked; on an emulator, `strict_validation` asks "would this run on
    the QPU?", which is why every type maps to the Fresnel device.
    """
    check_device_type(device_type)
    return _fresnel()


def spec_device(device_type: str) -> Device:
    """The device published for `device_type`: Fresnel's for FRESNEL-like types, else roomier."""
    check_device_type(device_type)
    if device_type in VALIDATED_DEVICE_TYPES:
        return _fresnel()
    return _emulator(device_type)


def emulator_device() -> Device:
    """The roomy device that the sample sequences meant for emulators are written for."""
    return _emulator("EMU_FREE")


def fresnel_device() -> Device:
    """The Fresnel-like device: the one sequences meant for the QPU are written for."""
    return _fresnel()


@functools.cache
def _specs() -> tuple[tuple[str, str], ...]:
    return tuple((dt, spec_device(dt).to_abstract_repr()) for dt in DEVICE_TYPES)


def device_specs() -> dict[str, str]:
    """Device type -> abstract-repr JSON of its `Device`, as `GET /devices/specs` serves it.

    The JSON is computed once; each call returns a fresh dict so callers cannot alter the cache.
    """
    return dict(_specs())
