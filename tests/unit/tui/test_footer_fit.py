"""The footer's fitting: items in order while they fit, the help key always last."""

from __future__ import annotations

from pasqal_tui.tui.widgets.key_footer import fit

ITEMS = [("n", "New batch"), ("a", "Add jobs"), ("x", "Close"), ("c", "Cancel")]


def test_what_fits_is_kept_in_order_and_help_stays() -> None:
    assert fit(ITEMS, 200, ("?", "Help")) == [*ITEMS, ("?", "Help")]
    assert fit(ITEMS, 31, ("?", "Help")) == [("n", "New batch"), ("a", "Add jobs"), ("?", "Help")]
    assert fit(ITEMS, 30, ("?", "Help")) == [("n", "New batch"), ("?", "Help")]


def test_help_stays_even_when_nothing_else_fits() -> None:
    assert fit(ITEMS, 8, ("?", "Help")) == [("?", "Help")]
