"""Emulator configurations built from form text, as the SDK would send them."""

from __future__ import annotations

import pytest

from pasqal_tui.cloud.payloads import EmuFreeConfig, EmulatorConfig, EmuTNConfig
from pasqal_tui.ops.submission.batch_config import (
    ConfigError,
    ConfigText,
    describe_config,
    emulator_config,
)


def test_qpu_has_no_configuration() -> None:
    assert emulator_config("FRESNEL", ConfigText(strict=True)) is None
    assert describe_config(None) == "none (QPU)"


def test_emu_free_and_generic_emulators() -> None:
    free = emulator_config("EMU_FREE", ConfigText(with_noise=True))
    assert isinstance(free, EmuFreeConfig) and free.with_noise and not free.strict_validation
    mps = emulator_config("EMU_MPS", ConfigText(strict=True, with_noise=True))
    assert type(mps) is EmulatorConfig and mps.strict_validation


def test_emu_tn_defaults_and_values() -> None:
    default = emulator_config("EMU_TN", ConfigText())
    assert isinstance(default, EmuTNConfig)
    assert (default.dt, default.precision, default.max_bond_dim) == (10.0, "normal", 500)
    tn = emulator_config("EMU_TN", ConfigText(dt="2.5", precision="high", max_bond_dim="64"))
    assert isinstance(tn, EmuTNConfig) and (tn.dt, tn.precision, tn.max_bond_dim) == (
        2.5,
        "high",
        64,
    )
    assert "dt=2.5, precision=high, max_bond_dim=64" in describe_config(tn)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ConfigText(dt="fast"), "dt: 'fast' is not a number"),
        (ConfigText(dt="-1"), "dt: must be more than 0, got -1"),
        (ConfigText(max_bond_dim="2.5"), "max_bond_dim: '2.5' is not a whole number"),
        (ConfigText(max_bond_dim="0"), "max_bond_dim: must be more than 0, got 0"),
    ],
)
def test_bad_emu_tn_fields_name_the_field(text: ConfigText, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        emulator_config("EMU_TN", text)
    assert str(err.value) == message
