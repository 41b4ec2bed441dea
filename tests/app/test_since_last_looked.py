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


async def test_the_digest_reads_the_first_batch_page_the_list_reads_once(
    demo_cloud: Any,
) -> None:
    """At start the batch list's first page (asked for during the login) is the digest's
    first page too: the same request, sent once (a page where each batch lists every job id:
    megabytes with big batches). The panel shows what it did before."""
    from support.faultproxy import FaultProxy

    mark_looked(LOCAL_PROFILE, ORIGIN - timedelta(days=60))
    with FaultProxy(demo_cloud.base_url, max_seconds=120) as proxy:
        app = make_app(proxy.base_url, refresh=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: on_screen(app, SinceScreen), timeout=30)
            panel = app.screen
            assert isinstance(panel, SinceScreen)
            assert panel.digest.with_errors and panel.digest.read > 0
            assert proxy.forwarded("GET", r"/api/v1/batches$", r"^offset=0&limit=100$") == 1
            await pilot.press("escape")
            batches = await batch_list(pilot)
            assert len(batches.items) == panel.digest.read  # the demo's batches: one page


async def test_a_first_page_that_failed_or_was_given_up_is_read_again() -> None:
    """The digest never takes the batch list's failure (or its cancel, when the list asked
    something else) as its own: it reads that page itself."""
    import asyncio

    from pasqal_tui.cloud.models import Page
    from pasqal_tui.tui.services.look_back import answer_of

    async def page() -> Page[Any]:
        return Page(items=[], total=0, offset=0, limit=100)

    async def failing() -> Page[Any]:
        raise ConnectionError("down")

    async def slow() -> Page[Any]:
        await asyncio.Event().wait()  # an answer that never comes: given up below
        raise AssertionError("given up before this")

    done, failed, given_up = (asyncio.ensure_future(f()) for f in (page, failing, slow))
    given_up.cancel()
    assert await answer_of(done) == Page(items=[], total=0, offset=0, limit=100)
    assert await answer_of(failed) is None and await answer_of(given_up) is None
    assert await answer_of(None) is None
