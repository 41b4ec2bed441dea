"""The errored-jobs view: groups across batches, a group's jobs, and a group rebatch (one per
batch), checked through the API; `:errors` in the palette opens it; read-only refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.actions import (
    JOB,
    audit_lines,
    children_of,
    cloud_fixture,  # noqa: F401  (the module's own cloud)
    jobs_of,
    make_batch,
    planning,
    settled,
)
from support.app import loaded_rows, make_app, on_screen, run_from_palette, wait_for
from support.localcloud import wait_until
from textual.widgets import DataTable

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen
from pasqal_tui.tui.screens.error_group import ErrorGroupScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen

MISSING = "Sequence build failed: Did not receive values for variables: duration"


async def two_errored_batches(cloud: Any) -> tuple[str, str]:
    first = await make_batch(
        cloud.base_url,
        "EMU_FREE",
        [
            JOB,
            {"runs": 30, "variables": {"omega": 3.1}},
            {"runs": 40, "variables": {"omega": 1.0, "duration": 5}},
        ],
    )
    second = await make_batch(
        cloud.base_url, "EMU_FREE", [{"runs": 12, "variables": {"omega": 2.0}}]
    )
    for bid in (first, second):
        wait_until(lambda bid=bid: settled(cloud, bid), timeout=90)
    return first, second


async def open_errors(pilot: Any) -> ErrorsScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("e")
    await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
    return app.screen  # type: ignore[return-value]


async def test_groups_open_and_rebatch_per_batch(cloud: Any, xdg_dirs: Path) -> None:
    first, second = await two_errored_batches(cloud)
    missing_ids = sorted(
        j["id"]
        for b in (first, second)
        for j in jobs_of(cloud, b)
        if j["errors"] and "receive" in j["errors"][0]
    )
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_errors(pilot)
        scope = str(view.query_one("#errors-scope").render())
        assert scope.startswith("Errored jobs of the last 20 batches")
        assert "2 batches with errors, 3 jobs in 2 groups" in scope
        top = view.groups[0]
        assert top.message == MISSING and top.count == 2 and top.runs == 42
        assert set(top.batches) == {first, second}
        table = view.query_one(DataTable)
        shown = str(table.get_row_at(0)[2])  # cut with "…" to its column; whole in the group
        assert shown == MISSING or (shown.endswith("\u2026") and MISSING.startswith(shown[:-1]))
        assert str(table.get_row_at(0)[3]) == "2"
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, ErrorGroupScreen))
        assert sorted(j.id for j in app.screen.jobs) == missing_ids  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert app.screen is view
        await pilot.press("r")
        await wait_for(pilot, lambda: on_screen(app, ChoiceScreen), what="the plan")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Resubmit 2 jobs (42 runs) from 2 source batches into 2 new batches:" in body
        assert f"{first[:8]} EMU_FREE: 1 job, 30 runs" in body
        assert f"{second[:8]} EMU_FREE: 1 job, 12 runs" in body
        await pilot.press("y")
        await wait_for(pilot, lambda: children_of(cloud, first) and children_of(cloud, second))
    copies = [
        j["parent_id"]
        for b in (first, second)
        for c in children_of(cloud, b)
        for j in jobs_of(cloud, c["id"])
    ]
    assert sorted(copies) == missing_ids
    entry = audit_lines(xdg_dirs / "xdg_state_home")[-1]
    assert entry["action"] == "rebatch" and sorted(entry["ids"]) == sorted([first, second])


async def test_palette_errors_and_read_only(cloud: Any) -> None:
    first, _second = await two_errored_batches(cloud)
    before = len(children_of(cloud, first))
    app = make_app(cloud.base_url, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))
        await run_from_palette(pilot, ":errors", ":errors")
        await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
        view = app.screen
        assert isinstance(view, ErrorsScreen) and view.groups
        assert "rebatch_group" not in {b.binding.action for b in view.active_bindings.values()}
        await pilot.press("r")
        assert app.screen is view
        assert not planning(app)  # nothing counted, nothing asked
        view.action_rebatch_group()  # called anyway: refused with a message
        refused = "Read-only mode: rebatch is disabled"
        await wait_for(pilot, lambda: refused in [n.message for n in app._notifications])
        assert app.screen is view and not planning(app)
    assert len(children_of(cloud, first)) == before
