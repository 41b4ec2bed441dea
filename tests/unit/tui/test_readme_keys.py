"""The README's key table is the registry's: a key changed in one and not the other fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from pasqal_tui.tui.actions import keytable, registry

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_key_table_matches_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    assert keytable.START in text and keytable.END in text
    assert keytable.replace_in(text) == text, "run: python scripts/keytable.py"


def test_a_key_changed_in_the_registry_alone_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    moved = [
        registry.ActionSpec(**{**a.__dict__, "keys": "z"}) if a.name == "tags" else a
        for a in registry.ACTIONS
    ]
    monkeypatch.setattr(registry, "ACTIONS", tuple(moved))
    assert keytable.replace_in(text) != text
    assert "| `z` | Tags: Replace the batch's tags |" in keytable.render()
