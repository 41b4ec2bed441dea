"""The pager line fits its width: in full when it can, in shorter words when not, cut with "…"
as the last resort (an 80-column terminal with a long filter still shows the counts)."""

from __future__ import annotations

from rich.cells import cell_len

from pasqal_tui.tui.widgets.pager import PageState, fitted

LABEL = PageState(offset=0, limit=100, total=3).label(3)
COUNT = LABEL.split("  ")[0]  # "1-3 of 3", as the pager words it
FILTER = 'server: status=DONE device=EMU_FREE tag=demo  ·  on this page: "rabi" (3 of 3)'


def test_a_line_that_fits_is_left_whole() -> None:
    assert fitted(LABEL, FILTER, 160) == f"{LABEL}  ·  {FILTER}"
    assert fitted(LABEL, "", 30) == LABEL
    assert fitted(LABEL, "", 20) == COUNT  # no "page 1/1" when it does not fit


def test_a_long_filter_is_worded_shorter_at_80_columns() -> None:
    line = fitted(LABEL, FILTER, 79)
    assert line == f'{COUNT} · status=DONE device=EMU_FREE tag=demo · here: "rabi" (3 of 3)'
    assert cell_len(line) <= 79


def test_what_still_does_not_fit_is_cut_with_an_ellipsis() -> None:
    wide = "server: tag=実験 " + "x" * 80
    for width in (40, 41, 60):
        line = fitted(LABEL, wide, width)
        assert cell_len(line) == width and line.endswith("…")
        assert line.startswith(f"{COUNT} · tag=実験")
