"""How the filter line and a sorted header look, against the seeded demo cloud.

Look at a new SVG before accepting it (pytest --snapshot-update).
"""

from __future__ import annotations

from typing import Any

from support.app import make_app, wait_for
from support.snapshots import history, run
from textual.pilot import Pilot
from textual.widgets.data_table import ColumnKey


async def sorted_and_typing_a_filter(pilot: Pilot[Any]) -> None:
    """Sorted by update time (▲ in its header); still typing a filter whose API part (status)
    is applied and whose word narrows the page."""
    screen = await history(pilot)
    await pilot.press("s")
    table = screen.table
    await wait_for(pilot, lambda: table.columns[ColumnKey("updated")].label.plain == "Updated ▲")
    await pilot.press("slash", "end", *" status:done fresnel")
    await wait_for(pilot, lambda: screen.filters.status == ["DONE"] and not screen.stale)
    await wait_for(pilot, lambda: all(b.status.value == "DONE" for b in screen.items))
    await wait_for(pilot, lambda: screen.local_query.words == ("fresnel",))


def test_filter_line_and_sorted_header(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(120, 30), run_before=run(sorted_and_typing_a_filter))
