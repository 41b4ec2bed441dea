""" "Since you last looked": on start, what ended since this profile's last look, in a panel
(Enter opens a batch, Esc dismisses); nothing on a first run or when nothing ended; the look is
recorded for the next start and for `pasqal-tui digest`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from support.app import ORIGIN, batch_list, make_app, on_screen, wait_for
from textual.widgets import OptionList

from pasqal_tui.core.config import LOCAL_PROFILE
from pasqal_tui.core.last_looked import last_looked, mark_looked
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.dialogs.since import SinceScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


def panels(app: Any) -> list[SinceScreen]:
    return [s for s in app.screen_stack if isinstance(s, SinceScreen)]


async def test_what_ended_since_then_and_a_jump_to_it(demo_cloud: Any) -> None:
    before = ORIGIN - timedelta(days=60)  # before the whole demo history
    mark_looked(LOCAL_PROFILE, before)
    started = datetime.now(timezone.utc)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, SinceScreen), timeout=30)
        panel = app.screen
        assert isinstance(panel, SinceScreen)
        digest = panel.digest
        assert digest.with_errors and digest.done and digest.since == before
        assert panel.batches[0].id == digest.with_errors[0].id  # errors first
        listed = panel.query_one(OptionList)
        assert listed.option_count == len(panel.batches)
        recorded = last_looked(LOCAL_PROFILE)
        assert recorded is not None and recorded >= started  # the next start begins here
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the jobs")
        assert app.screen.the_batch.id == digest.with_errors[0].id  # type: ignore[attr-defined]
        assert not panels(app)


async def test_nothing_on_a_first_run_nor_when_nothing_ended(demo_cloud: Any) -> None:
    for recorded in (None, datetime.now(timezone.utc)):
        if recorded is not None:
            mark_looked(LOCAL_PROFILE, recorded)
        app = make_app(demo_cloud.base_url)
        async with app.run_test(size=(120, 40)) as pilot:
            await batch_list(pilot)
            # The look is recorded once the digest is read (at once on a first run).
            await wait_for(
                pilot,
                lambda r=recorded: (last_looked(LOCAL_PROFILE) or ORIGIN) > (r or ORIGIN),
                timeout=30,
                what="the look recorded",
            )
            await pilot.pause()
            assert not panels(app) and isinstance(app.screen, BatchesScreen)


async def test_esc_dismisses(demo_cloud: Any) -> None:
    mark_looked(LOCAL_PROFILE, ORIGIN - timedelta(days=60))
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, SinceScreen), timeout=30)
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen))
