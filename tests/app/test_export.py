"""`E` writes the rows of the current filter, every page of them, to the file the user names:
CSV from the job table, JSON from the errored-jobs view; a bad path writes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from support.app import batch_list, loaded_rows, make_app, on_screen, wait_for
from support.localcloud import api_client, data
from textual.widgets import Input, Static

from pasqal_tui.tui.screens.dialogs.export import ExportScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


def api_job_ids(cloud: Any, batch_id: str, status: str) -> list[str]:
    """Every job of the batch with ``status``, in creation order, read page by page."""
    ids: list[str] = []
    with api_client(cloud) as http:
        while True:
            body = http.get(
                "/core-fast/api/v2/jobs",
                params={"batch_id": batch_id, "status": status, "offset": len(ids), "limit": 100,
                        "order_by": "creation_order", "order_by_direction": "ASC"},
            )  # fmt: skip
            page = data(body)
            ids += [j["id"] for j in page]
            if not page:
                return ids


async def export_to(pilot: Any, path: Path) -> ExportScreen:
    app = pilot.app
    await pilot.press("E")
    await wait_for(pilot, lambda: on_screen(app, ExportScreen), what="the export dialog")
    dialog = app.screen
    assert isinstance(dialog, ExportScreen)
    dialog.query_one(Input).value = str(path)
    await pilot.press("enter")
    return dialog


async def test_jobs_of_a_filter_every_page_to_csv_and_error_groups_to_json(
    demo_cloud: Any, tmp_path: Path
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        batches = await batch_list(pilot)
        big = next(b for b in batches.items if b.jobs_count == 5000)
        batches.table.move_to_id(big.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        await pilot.press("3")  # only DONE
        await wait_for(
            pilot, lambda: {j.status.value for j in jobs.items} == {"DONE"}, what="DONE rows"
        )
        expected = api_job_ids(demo_cloud, big.id, "DONE")
        assert len(expected) > 100  # more than the page on screen

        missing = tmp_path / "no-such-folder" / "jobs.csv"
        dialog = await export_to(pilot, missing)
        hint = dialog.query_one("#export-hint", Static)
        await wait_for(pilot, lambda: "does not exist" in str(hint.render()), what="the refusal")
        assert app.screen is dialog and not missing.parent.exists()
        assert dialog.default == f"./pasqal-{big.id[:8]}-status-DONE.csv"

        target = tmp_path / "done.csv"
        dialog.query_one(Input).value = str(target)
        await pilot.press("enter")
        said = f"Exported {len(expected):,} jobs to {target}"  # the final line names the file
        await wait_for(
            pilot,
            lambda: app.screen is jobs and said in [n.message for n in app._notifications],
            timeout=60,
            what="the export to end",
        )
        rows = list(csv.DictReader(target.open(newline="")))
        assert [r["id"] for r in rows] == expected
        assert {r["status"] for r in rows} == {"DONE"}
        assert not list(tmp_path.glob(".*part"))  # nothing half-written left behind

        # The errored-jobs view writes its groups, as JSON from the name.
        await pilot.press("escape", "escape")  # the first clears the filter
        await batch_list(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
        view = app.screen
        assert isinstance(view, ErrorsScreen) and view.groups
        target = tmp_path / "groups.json"
        await export_to(pilot, target)
        await wait_for(pilot, lambda: app.screen is view and target.exists(), what="the file")
        written = json.loads(target.read_text())
        assert [g["message"] for g in written] == [g.message for g in view.groups]
        assert [g["job_ids"] for g in written] == [g.job_ids for g in view.groups]
