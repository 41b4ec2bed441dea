"""Device types the SDK deprecates are named so wherever a user picks or reads about one."""

from __future__ import annotations

import json

from pasqal_tui.core.deprecations import deprecation_note, device_label, replacement
from pasqal_tui.core.device_specs import compare, parse_device


def test_emu_tn_points_to_emu_mps_and_others_are_left_alone() -> None:
    assert replacement("EMU_TN") == "EMU_MPS" and replacement("emu_tn") == "EMU_MPS"
    assert device_label("EMU_TN") == "EMU_TN (deprecated: use EMU_MPS)"
    assert device_label("EMU_MPS") == "EMU_MPS" and deprecation_note("FRESNEL") is None


def test_the_spec_sheet_of_a_deprecated_device_says_so() -> None:
    raw = json.dumps({"name": "EMU_TN", "is_virtual": True, "channels": []})
    tn, mps = parse_device("EMU_TN", raw), parse_device("EMU_MPS", raw)
    assert tn.general[1] == (
        "Deprecated",
        "EMU_TN is deprecated by the Pasqal SDK in favour of EMU_MPS",
    )
    assert all(label != "Deprecated" for label, _ in mps.general)
    assert [d.label for d in compare(tn, mps) if d.differs] == ["Deprecated"]
