"""How the device specs screen and the comparison look, against the seeded demo cloud.

Device specs do not depend on time, so the pictures are stable. Look at a new SVG before
accepting it (pytest --snapshot-update).
"""

from __future__ import annotations

from typing import Any

from support.app import loaded_rows, make_app, on_screen, wait_for
from textual.pilot import Pilot

from pasqal_tui.tui.screens.devices import DeviceCompareScreen, DevicesScreen
from pasqal_tui.tui.widgets.device_sheet import DeviceSheet

SIZE = (120, 40)


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: not [w for w in app.workers if w.is_running], what="workers")
    app.clear_notifications()
    await pilot.pause()


async def devices(pilot: Pilot[Any], highlight: str = "FRESNEL") -> DevicesScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("D")
    await wait_for(pilot, lambda: on_screen(app, DevicesScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, DevicesScreen)
    screen.query_one("#device-list").move_to_id(highlight)  # type: ignore[attr-defined]
    sheet = screen.query_one(DeviceSheet)
    await wait_for(pilot, lambda: sheet.spec is not None and sheet.spec.device_type == highlight)
    await pilot.pause()  # one more frame: the new content's layout (and scrollbar)
    return screen


def test_device_specs_screen(snap_compare, demo_cloud) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[Any]) -> None:
        await devices(pilot)
        await settle(pilot)

    assert snap_compare(make_app(demo_cloud.base_url), terminal_size=SIZE, run_before=before)


def test_device_comparison(snap_compare, demo_cloud) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[Any]) -> None:
        screen = await devices(pilot, "FRESNEL")
        await pilot.press("space")
        screen.query_one("#device-list").move_to_id("EMU_MPS")  # type: ignore[attr-defined]
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DeviceCompareScreen))
        await settle(pilot)

    assert snap_compare(make_app(demo_cloud.base_url), terminal_size=SIZE, run_before=before)
