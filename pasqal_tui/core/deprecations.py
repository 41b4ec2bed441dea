"""Device types the official SDK deprecates, and what replaces them (pasqal-cloud 0.24,
pulser-pasqal 0.24: `EmuTNBackend` is deprecated in favour of `EmuMPSBackend`), so every list
of devices can say so where a user picks one."""

from __future__ import annotations

DEPRECATED_DEVICES: dict[str, str] = {"EMU_TN": "EMU_MPS"}


def replacement(device_type: str) -> str | None:
    """What the SDK suggests instead of `device_type`, or None when it is not deprecated."""
    return DEPRECATED_DEVICES.get(device_type.upper())


def device_label(device_type: str) -> str:
    """The name as a device list shows it: a deprecated one says what to use instead."""
    instead = replacement(device_type)
    return f"{device_type} (deprecated: use {instead})" if instead else device_type


def deprecation_note(device_type: str) -> str | None:
    """One line for a confirmation or a spec sheet, or None."""
    instead = replacement(device_type)
    if instead is None:
        return None
    return f"{device_type} is deprecated by the Pasqal SDK in favour of {instead}"
