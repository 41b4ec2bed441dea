"""How the main screens look, at 80x24 and 160x48, against the seeded demo cloud.

The demo history is fixed by --seed and --clock-origin and the app's clock is fixed, so no
wall-clock time reaches a picture. The demo also has live batches (created on the origin day,
run by the server at start-up): the batch browser is filtered to the days before, which never
change. Look at a new SVG before accepting it (pytest --snapshot-update).
"""

from __future__ import annotations

from typing import Any

import pytest
from support.app import loaded_rows, make_app, on_screen, wait_for
from support.snapshots import SIZES, errored_jobs, history, run
from textual.pilot import Pilot

from pasqal_tui.tui.screens.job import JobScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


async def login(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#environment"), what="the form")
    await pilot.press(*"ada@example.com")
    await pilot.press("tab", *"hunter2")


async def job_detail(pilot: Pilot[Any]) -> None:
    await errored_jobs(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, JobScreen))
    await wait_for(pilot, lambda: pilot.app.screen.loaded, what="the full job")


async def done_job_detail(pilot: Pilot[Any]) -> None:
    app = pilot.app
    screen = await history(pilot)
    target = next(b for b in screen.items if b.jobs_count == 5000)
    screen.table.move_to_id(target.id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_screen(app, JobScreen) and app.screen.results_loaded)
    await pilot.press("v")


async def help_over_batches(pilot: Pilot[Any]) -> None:
    await history(pilot)
    await pilot.press("question_mark")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login(snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app("http://127.0.0.1:9", env="preprod")
    assert snap_compare(app, terminal_size=size, run_before=run(login))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_batch_browser(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(history))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_job_table_errors(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(errored_jobs))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_job_detail_error(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(job_detail))


def test_job_detail_histogram(snap_compare: Any, demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run(done_job_detail))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, demo_cloud: Any, size: tuple[int, int]) -> None:
    app = make_app(demo_cloud.base_url)
    assert snap_compare(app, terminal_size=size, run_before=run(help_over_batches))
