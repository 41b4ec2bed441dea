"""Lineage-aware triage through the app, against a local cloud of this module's own whose QPU
is held by an open batch, so FRESNEL copies stay PENDING: rebatching a group twice makes no
second batch; the confirmation names the error, the jobs and what it skips; `A`, and only `A`,
includes jobs already resubmitted; the cursor stays on its group across a rebatch and a refresh,
and moves to the neighbour when its group leaves the scope. Outcomes are read through the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.actions import audit_lines
from support.app import loaded_rows, make_app, on_screen, wait_for
from support.lineage import (
    MISSING_DURATION_TEXT,
    MISSING_OMEGA_TEXT,
    NO_DURATION,
    NO_OMEGA,
    TOO_SHORT,
    TOO_SHORT_TEXT,
    UNKNOWN_VAR,
    UNKNOWN_VAR_TEXT,
    batch_total,
    connect,
    create,
    errored,
    hold_qpu,
    jobs_of,
    rebatch_errors,
    settled,
    start_lineage_cloud,
)
from textual.widgets import DataTable

from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.tui.screens.dialogs.confirm import ChoiceScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen


@dataclass(frozen=True)
class World:
    """``oldest`` (TOO_SHORT, the module's first batch) leaves the scope of "last N-1";
    ``twice`` (2 FRESNEL batches, NO_DURATION); ``resubmitted`` (FRESNEL, NO_OMEGA, rebatched
    before the app starts: its copy ``resubmitted_copy`` is PENDING) and ``emulator`` (EMU_FREE,
    NO_OMEGA, never rebatched) share a group; ``cursor`` (FRESNEL, UNKNOWN_VAR)."""

    oldest: str
    twice: tuple[str, str]
    resubmitted: str
    resubmitted_copy: str
    emulator: str
    cursor: str


async def build(cloud: LocalCloudProcess) -> World:
    async with connect(cloud) as client:
        oldest = await create(client, "FRESNEL", [TOO_SHORT])
        twice = (
            await create(client, "FRESNEL", [NO_DURATION]),
            await create(client, "FRESNEL", [NO_DURATION]),
        )
        resubmitted = await create(client, "FRESNEL", [NO_OMEGA])
        emulator = await create(client, "EMU_FREE", [NO_OMEGA])
        cursor = await create(client, "FRESNEL", [UNKNOWN_VAR])
        await settled(client, oldest, *twice, resubmitted, emulator, cursor)
        await hold_qpu(client)
        copy = await rebatch_errors(client, resubmitted)
    return World(oldest, twice, resubmitted, copy.id, emulator, cursor)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    process = start_lineage_cloud(tmp_path_factory.mktemp("triage-cloud"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def world(cloud: LocalCloudProcess) -> World:
    return asyncio.run(build(cloud))


async def total(cloud: LocalCloudProcess) -> int:
    async with connect(cloud) as client:
        return await batch_total(client)


async def children(cloud: LocalCloudProcess, parent: str) -> list[str]:
    """The batches whose parent is ``parent``, read through the API."""
    async with connect(cloud) as client:
        page = await client.list_batches(limit=100)
        return [b.id for b in page.items if b.parent_id == parent]


async def open_errors(pilot: Any) -> ErrorsScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("e")
    await wait_for(pilot, lambda: on_screen(app, ErrorsScreen) and app.screen.report)
    view = app.screen
    assert isinstance(view, ErrorsScreen)
    return view


def cursor_message(view: ErrorsScreen) -> str:
    """The message of the group on the row under the cursor (the cell may be cut with …)."""
    table = view.query_one(DataTable)
    shown = str(table.get_row_at(table.cursor_row)[2])
    full = view.groups[table.cursor_row].message
    assert shown == full or (shown.endswith("\u2026") and full.startswith(shown[:-1]))
    return full


async def put_cursor_on(pilot: Any, view: ErrorsScreen, message: str) -> int:
    row = [g.message for g in view.groups].index(message)
    view.query_one(DataTable).move_cursor(row=row)
    await wait_for(pilot, lambda: cursor_message(view) == message, what=f"cursor on {message}")
    return row


async def plan_dialog(pilot: Any) -> ChoiceScreen:
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen), what="the plan")
    dialog = pilot.app.screen
    assert isinstance(dialog, ChoiceScreen)
    return dialog


def body(dialog: ChoiceScreen) -> str:
    return str(dialog.query_one("#confirm-body").render())


def keys(dialog: ChoiceScreen) -> str:
    return str(dialog.query_one("#confirm-keys").render())


async def reloaded(pilot: Any, view: ErrorsScreen, before: object) -> None:
    await wait_for(pilot, lambda: view.report is not before, timeout=30, what="the reload")


async def test_rebatching_a_group_twice_makes_no_second_batch(
    cloud: LocalCloudProcess, world: World, xdg_dirs: Path
) -> None:
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_errors(pilot)
        await put_cursor_on(pilot, view, MISSING_DURATION_TEXT)
        dialog = await plan_dialog(pilot)
        text = body(dialog)
        assert "Resubmit 2 jobs (20 runs) from 2 source batches into 2 new batches:" in text
        report = view.report
        await pilot.press("y")
        await reloaded(pilot, view, report)
        after_first = await total(cloud)
        assert [len(await children(cloud, parent)) for parent in world.twice] == [1, 1]
        dialog = await plan_dialog(pilot)
        assert "Nothing left to resubmit: 2 jobs already resubmitted." in body(dialog)
        assert "Press y" not in keys(dialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Nothing left to do with y" in keys(dialog), what="refusal")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is view, what="the view again")
    assert await total(cloud) == after_first
    for parent in world.twice:
        assert len(await children(cloud, parent)) == 1
    rebatches = [e for e in audit_lines(xdg_dirs / "xdg_state_home") if e["action"] == "rebatch"]
    assert len(rebatches) == 1


async def test_the_confirmation_names_the_error_and_the_skipped_jobs_and_A_includes_them(
    cloud: LocalCloudProcess, world: World
) -> None:
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_errors(pilot)
        await put_cursor_on(pilot, view, MISSING_OMEGA_TEXT)
        dialog = await plan_dialog(pilot)
        text = body(dialog)
        assert text.splitlines()[0] == f"Error: {MISSING_OMEGA_TEXT}"
        assert "Resubmit 1 job (12 runs) from 1 source batch into 1 new batch:" in text
        assert f"{world.emulator[:8]} EMU_FREE: 1 job, 12 runs" in text
        assert f"Skipped: 1 job already resubmitted in {world.resubmitted_copy[:8]} (PENDING)" in (
            text
        )
        assert keys(dialog) == (
            "Press y to rebatch 1 job, A to also resubmit the 1 already resubmitted job, "
            "n or Esc to back out."
        )
        before = await total(cloud)
        report = view.report
        await pilot.press("A")
        await reloaded(pilot, view, report)
    assert await total(cloud) == before + 2
    assert len(await children(cloud, world.resubmitted)) == 2
    async with connect(cloud) as client:
        (source,) = await errored(client, world.emulator)
        (new,) = await children(cloud, world.emulator)
        assert [j.parent_id for j in await jobs_of(client, new)] == [source.id]


async def test_the_cursor_stays_on_its_group_and_moves_to_its_neighbour_when_it_goes(
    cloud: LocalCloudProcess, world: World
) -> None:
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_errors(pilot)
        assert await put_cursor_on(pilot, view, UNKNOWN_VAR_TEXT) > 0
        dialog = await plan_dialog(pilot)
        assert f"Error: {UNKNOWN_VAR_TEXT}" in body(dialog)
        report = view.report
        await pilot.press("y")
        await reloaded(pilot, view, report)
        assert len(await children(cloud, world.cursor)) == 1
        assert cursor_message(view) == UNKNOWN_VAR_TEXT
        report = view.report
        await pilot.press("R")
        await reloaded(pilot, view, report)
        assert cursor_message(view) == UNKNOWN_VAR_TEXT

        order = [g.message for g in view.groups]
        at = await put_cursor_on(pilot, view, TOO_SHORT_TEXT)
        expected = (order[at + 1 :] or order[:at][::-1])[0]
        last = await total(cloud) - 1  # every batch but the oldest, whose group goes
        report = view.report
        await pilot.press("slash", *f"last:{last}", "enter")
        await reloaded(pilot, view, report)
        now = [g.message for g in view.groups]
        assert TOO_SHORT_TEXT not in now and now.index(expected) > 0  # row 0 proves nothing
        assert cursor_message(view) == expected


async def test_the_view_reads_again_on_the_live_tick_only_while_a_copy_is_in_flight(
    cloud: LocalCloudProcess, world: World
) -> None:
    """A rebatched group shows how its copies end without R: the PENDING copy of ``resubmitted``
    keeps the view reading on the tick, at most every LIVE_EVERY seconds (a read takes many
    requests)."""
    app = make_app(cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_errors(pilot)
        assert view.report is not None and view.report.family is not None
        assert view.report.family.in_flight
        report, asked = view.report, view._asked_at
        view.LIVE_EVERY = 3600.0  # read just now: the tick waits (a read is asked at once)
        view.refresh_data(False)
        assert view._asked_at == asked and view.report is report
        view.LIVE_EVERY = 0.0
        view.refresh_data(False)
        assert view._asked_at > asked
        await reloaded(pilot, view, report)
