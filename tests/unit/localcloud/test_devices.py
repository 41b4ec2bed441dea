"""Device specs: what `GET /devices/specs` serves must load in Pulser as `Device`s."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pulser.devices import AnalogDevice, Device
from pulser.json.abstract_repr.deserializer import deserialize_device

from pasqal_tui.localcloud.devices import (
    DEVICE_TYPES,
    QPU_DEVICE_TYPES,
    device_specs,
    spec_device,
    target_device,
)


def test_every_device_type_has_a_spec():
    assert set(device_specs()) == set(DEVICE_TYPES)
    assert set(QPU_DEVICE_TYPES) <= set(DEVICE_TYPES)


@pytest.mark.parametrize("device_type", DEVICE_TYPES)
def test_spec_deserializes_as_device(device_type):
    spec = device_specs()[device_type]
    assert isinstance(spec, str)
    device = Device.from_abstract_repr(spec)
    assert type(device) is Device
    assert type(deserialize_device(spec)) is Device
    assert "rydberg_global" in device.channels


@pytest.mark.parametrize("device_type", ["FRESNEL", "EMU_FRESNEL"])
def test_fresnel_specs_have_analog_device_limits(device_type):
    device = Device.from_abstract_repr(device_specs()[device_type])
    assert device.name == "FRESNEL"
    assert device.max_atom_num == AnalogDevice.max_atom_num
    assert device.min_atom_distance == AnalogDevice.min_atom_distance
    assert device.max_radial_distance == AnalogDevice.max_radial_distance
    assert device.requires_layout
    assert device.max_runs == AnalogDevice.max_runs
    assert (
        device.channels["rydberg_global"].max_amp == AnalogDevice.channels["rydberg_global"].max_amp
    )


@pytest.mark.parametrize("device_type", ["EMU_FREE", "EMU_TN", "EMU_MPS", "EMU_SV"])
def test_emulator_specs_are_roomier_than_fresnel(device_type):
    device = Device.from_abstract_repr(device_specs()[device_type])
    fresnel = target_device("FRESNEL")
    assert device.name == device_type
    assert not device.requires_layout
    assert device.min_atom_distance < fresnel.min_atom_distance
    assert device.channels["rydberg_global"].max_amp > fresnel.channels["rydberg_global"].max_amp
    assert "rydberg_local" in device.channels


@pytest.mark.parametrize("device_type", DEVICE_TYPES)
def test_validation_target_is_fresnel_for_every_type(device_type):
    assert target_device(device_type).name == "FRESNEL"
    assert target_device(device_type) == Device.from_abstract_repr(device_specs()["FRESNEL"])


def test_spec_device_matches_served_spec():
    for device_type, spec in device_specs().items():
        assert spec_device(device_type).to_abstract_repr() == spec


@pytest.mark.parametrize("function", [target_device, spec_device])
def test_unknown_device_type_is_named(function):
    with pytest.raises(ValueError, match=r"unknown device type 'EMU_QUANTUM'.*FRESNEL"):
        function("EMU_QUANTUM")


def test_device_specs_returns_a_fresh_mapping():
    specs = device_specs()
    specs["FRESNEL"] = "tampered"
    del specs["EMU_FREE"]
    assert device_specs()["FRESNEL"] != "tampered"
    assert "EMU_FREE" in device_specs()


def test_importing_the_emulation_modules_does_not_import_pulser():
    code = (
        "import sys\n"
        "import pasqal_tui.localcloud.devices, pasqal_tui.localcloud.emulation\n"
        "import pasqal_tui.localcloud.executor, pasqal_tui.localcloud.sequences\n"
        "import pasqal_tui.localcloud.emulation_config\n"
        "heavy = sorted(m for m in ('pulser', 'pulser_simulation', 'qutip', 'numpy', 'fastapi')"
        " if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("device_type", ["EMU_MPS", "EMU_SV", "EMU_TN"])
def test_tensor_and_sv_emulators_say_they_are_computed_exactly(device_type):
    text = spec_device(device_type).short_description
    assert "computed exactly as a state vector" in text and "QuTiP" in text
    assert ("deprecated" in text) == (device_type == "EMU_TN")
