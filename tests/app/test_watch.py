"""`w` watches a batch: when it ends, wherever the user is, a toast and a terminal notification;
the list is kept per profile (a restart reads it back) and shown from the palette."""

from __future__ import annotations

from typing import Any

from support.actions import make_batch
from support.app import batch_list, loaded_rows, make_app, on_screen, run_from_palette, wait_for
from support.localcloud import api_client
from textual.widgets import OptionList

from pasqal_tui.core.config import LOCAL_PROFILE
from pasqal_tui.core.notify import TerminalNotifier
from pasqal_tui.core.watchlist import Watchlist
from pasqal_tui.tui.screens.dialogs.command import CommandScreen
from pasqal_tui.tui.screens.dialogs.watched import WatchedScreen
from pasqal_tui.tui.screens.jobs import JobsScreen

GOOD = {"runs": 10, "variables": {"omega": 3.14, "duration": 100}}


def toasts(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_watched_batch_that_ends_is_told_wherever_you_are(local_cloud: Any) -> None:
    bid = await make_batch(local_cloud.base_url, "EMU_FREE", [GOOD], open_=True)  # runs on
    app = make_app(local_cloud.base_url, refresh=2.0)
    written: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        batches = await batch_list(pilot)
        done = next(b for b in batches.items if b.status.value == "DONE")
        batches.table.move_to_id(done.id)
        await pilot.press("w")  # it already ended: said, not watched
        await wait_for(pilot, lambda: any("nothing to watch" in t for t in toasts(app)))
        assert Watchlist(LOCAL_PROFILE).ids == []

        await wait_for(pilot, lambda: bid in batches.table.row_ids, what="the new batch")
        batches.table.move_to_id(bid)
        await pilot.press("w")
        assert Watchlist(LOCAL_PROFILE).ids == [bid]  # on disk: a restart reads it back
        # The notifier of a real terminal (the test's output is none), OSC 9 as for WezTerm.
        app.watcher.notifier = TerminalNotifier(written.append, True, "osc9", {})

        await run_from_palette(pilot, "Watched", "Watched batches")
        await wait_for(pilot, lambda: on_screen(app, WatchedScreen), what="the list")
        listed = app.screen.query_one(OptionList)
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == [bid]
        await pilot.press("escape")

        # `:watch <prefix>` is the same toggle from anywhere: off, then on again.
        for expected in ([], [bid]):
            await pilot.press("colon")
            await wait_for(pilot, lambda: on_screen(app, CommandScreen), what="prompt")
            await pilot.press(*f"watch {bid[:8]}", "enter")
            await wait_for(pilot, lambda want=expected: Watchlist(LOCAL_PROFILE).ids == want)
            assert app.screen is batches

        await pilot.press("enter")  # elsewhere in the app: the batch's job table
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        with api_client(local_cloud) as http:  # closed, its job done: the batch ends
            http.patch(f"/core-fast/api/v2/batches/{bid}/complete").raise_for_status()
        line = f"Batch {bid[:8]} on EMU_FREE ended DONE: 1 done"
        await wait_for(pilot, lambda: line in toasts(app), timeout=90, what="the toast")
        assert written == [f"\x1b]9;pasqal-tui: {line}\x07"]
        assert isinstance(app.screen, JobsScreen)
        assert Watchlist(LOCAL_PROFILE).ids == []  # told once, then no longer watched
