"""How the workloads screen looks.

The workloads are the demo history's (fixed seed and clock), remembered the way the app
remembers its own; their ids are read from the demo cloud's database because the API has no
list of workloads. Look at a new SVG before accepting it (pytest --snapshot-update).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from support.app import loaded_rows, make_app, on_screen, wait_for
from support.snapshots import run
from textual.pilot import Pilot

from pasqal_tui.core.workload_history import Remembered, WorkloadHistory
from pasqal_tui.tui.screens.workloads import WorkloadsScreen


def remember_demo_workloads(cloud: Any) -> list[str]:
    """The demo's workloads, newest first, in the app's own history file for `local`."""
    uri = f"file:{cloud.data_dir / 'cloud.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(
            "SELECT id, workload_type, backend, created_at FROM workloads ORDER BY created_at"
        ).fetchall()
    store = WorkloadHistory("local")
    for wid, kind, backend, created in rows:
        store.remember(Remembered(str(wid), str(kind), str(backend), str(created)))
    return store.ids


async def workloads(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("W")
    await wait_for(pilot, lambda: on_screen(app, WorkloadsScreen))
    screen = app.screen
    assert isinstance(screen, WorkloadsScreen)
    await wait_for(pilot, lambda: len(screen.workloads) == 3, what="the three workloads")
    done = next(w.id for w in screen.workloads.values() if w.status.value == "DONE")
    screen.table.move_to_id(done)
    await wait_for(pilot, lambda: screen.shown_id == done, what="the workload's detail")
    await pilot.pause()


def test_workloads_screen(snap_compare: Any, demo_cloud: Any) -> None:
    ids = remember_demo_workloads(demo_cloud)
    assert len(ids) == 3
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run(workloads))
