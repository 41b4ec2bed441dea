"""Close, cancel a batch, cancel marked jobs, tags, read-only: through the TUI (Pilot), each
checked through the API of a real local cloud (see `actions_support.cloud`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from support.actions import (
    JOB,
    audit_lines,
    batch,
    batch_count,
    cloud_fixture,  # noqa: F401  (the module's own cloud)
    jobs_of,
    make_batch,
    open_browser,
    open_jobs,
    planning,
    settled,
)
from support.app import loaded_rows, make_app, on_screen, run_from_palette, wait_for
from support.localcloud import wait_until

from pasqal_tui.cloud.markers import markers_in, user_tags
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.dialogs.tags import TagsScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


async def test_close_asks_y_and_closes(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_browser(pilot, bid)
        await pilot.press("x")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the dialog")
        body = str(app.screen.query_one("#confirm-body").render())
        assert f"Close batch {bid[:8]} on FRESNEL (1 job)" in body
        dialog = app.screen
        await pilot.press("enter")  # Enter never confirms
        keys = dialog.query_one("#confirm-keys")
        await wait_for(pilot, lambda: "Enter does not confirm" in str(keys.render()))
        assert app.screen is dialog
        assert not app.cloud.in_flight and audit_lines(xdg_dirs / "xdg_state_home") == []
        assert batch(cloud, bid)["open"] is True
        await pilot.press("y")
        await wait_for(pilot, lambda: batch(cloud, bid)["open"] is False, what="closed on server")
        assert app.screen is screen
        await wait_for(pilot, lambda: not app.cloud.in_flight)
        await wait_for(pilot, lambda: any(b.id == bid and not b.open for b in screen.items))
    (entry,) = audit_lines(xdg_dirs / "xdg_state_home")
    assert entry["action"] == "close" and entry["ids"] == [bid] and entry["outcome"] == "ok"
    assert entry["profile"] == "local"


async def test_cancel_batch_shows_counts_and_n_backs_out(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, JOB, {**JOB, "runs": 7}])
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        body = str(app.screen.query_one("#confirm-body").render())
        assert f"Cancel batch {bid[:8]} on FRESNEL: 3 pending or running jobs (107 runs)" in body
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="backed out")
        await pilot.pause()  # the dialog's answer reaches the screen that asked
        assert not app.cloud.in_flight and audit_lines(xdg_dirs / "xdg_state_home") == []
        assert batch(cloud, bid)["status"] == "PENDING"
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        await pilot.press("y")
        await wait_for(pilot, lambda: batch(cloud, bid)["status"] == "CANCELED")
    assert {j["status"] for j in jobs_of(cloud, bid)} == {"CANCELED"}
    (entry,) = audit_lines(xdg_dirs / "xdg_state_home")
    assert entry["action"] == "cancel-batch" and entry["ids"] == [bid]


async def test_cancel_an_open_batch_whose_jobs_finished_closes_it(
    cloud: Any, xdg_dirs: Path
) -> None:
    """Nothing is left to cancel: the dialog says the batch will be closed, and `y` closes it."""
    bid = await make_batch(cloud.base_url, "EMU_FREE", [JOB], open_=True)
    wait_until(lambda: settled(cloud, bid), timeout=60, every=0.2)  # its one job has run
    assert batch(cloud, bid)["open"] is True
    assert batch(cloud, bid)["status"] == "RUNNING"  # open: it never finishes by itself
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        body = " ".join(str(app.screen.query_one("#confirm-body").render()).split())
        assert f"No job of batch {bid[:8]} on EMU_FREE is pending or running" in body
        assert "there is nothing to cancel" in body and "this closes it" in body
        await pilot.press("y")
        await wait_for(pilot, lambda: batch(cloud, bid)["open"] is False, what="closed on server")
        await wait_for(pilot, lambda: batch(cloud, bid)["status"] == "DONE", what="DONE")
        await wait_for(pilot, lambda: not app.cloud.in_flight)
    assert [j["status"] for j in jobs_of(cloud, bid)] == ["DONE"]  # its result is kept
    (entry,) = audit_lines(xdg_dirs / "xdg_state_home")
    assert entry["action"] == "close" and entry["ids"] == [bid] and entry["outcome"] == "ok"


async def test_cancel_marked_jobs_only(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, {**JOB, "runs": 11}, JOB, JOB])
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        ids = jobs.table.row_ids
        await pilot.press("down", "space", "space")  # marks the 2nd and 3rd jobs
        assert jobs.marks == {ids[1], ids[2]}
        await pilot.press("c")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the plan")
        body = str(app.screen.query_one("#confirm-body").render())
        assert f"Cancel 2 marked jobs (61 runs) of batch {bid[:8]}." in body
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.cloud.in_flight and not jobs.marks)
    statuses = {j["id"]: j["status"] for j in jobs_of(cloud, bid)}
    assert statuses == {ids[0]: "PENDING", ids[1]: "CANCELED", ids[2]: "CANCELED",
                        ids[3]: "PENDING"}  # fmt: skip
    (entry,) = audit_lines(xdg_dirs / "xdg_state_home")
    assert entry["action"] == "cancel-jobs" and sorted(entry["ids"]) == sorted(ids[1:3])


async def test_cancel_marked_says_which_are_ineligible(cloud: Any) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, JOB])
    app = make_app(cloud.base_url)
    async with app.run_test(size=(140, 40)) as pilot:
        jobs = await open_jobs(pilot, bid)
        first, second = jobs.table.row_ids
        await pilot.press("space", "space")
        await pilot.press("c", "y")  # first cancel both
        await wait_for(pilot, lambda: jobs_of(cloud, bid)[0]["status"] == "CANCELED")
        await wait_for(pilot, lambda: not app.cloud.in_flight and not jobs.marks)
        await pilot.press("space")
        assert jobs.marks == {second}
        await pilot.press("c")
        said = f"None of the 1 marked job can be cancelled: {second[:8]} already CANCELED"
        await wait_for(pilot, lambda: said in [n.message for n in app._notifications])
        assert app.screen is jobs  # nothing to do, nothing asked
        assert not app.cloud.in_flight
    assert [j["id"] for j in jobs_of(cloud, bid)] == [first, second]
    assert [j["status"] for j in jobs_of(cloud, bid)] == ["CANCELED", "CANCELED"]


async def test_tags_replace_all(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB], tags=["old"])
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("t")
        await wait_for(pilot, lambda: on_screen(app, TagsScreen))
        field = app.screen.query_one("#tags")
        assert field.value == "old"  # type: ignore[attr-defined]
        field.value = "rabi, sweep 2, rabi"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: user_tags(batch(cloud, bid)["tags"]) == ["rabi", "sweep 2"])
    assert len(markers_in(batch(cloud, bid)["tags"])) == 1  # the request marker is kept
    assert audit_lines(xdg_dirs / "xdg_state_home")[-1]["action"] == "tags"


async def test_read_only_hides_and_refuses_every_action(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB, JOB], open_=True)
    before = batch_count(cloud)
    app = make_app(cloud.base_url, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_browser(pilot, bid)
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert "act('errors_view')" in shown  # what does not change stays
        for action in ("create_batch", "extend", "close_batch", "cancel_batch", "rebatch", "tags"):
            assert f"act('{action}')" not in shown
        for key in ("n", "a", "x", "c", "r", "t"):
            await pilot.press(key)
            assert app.screen is screen, key
            assert not planning(app), key  # no plan asked for either
        # Nothing mutating in the palette either: only watching, which changes nothing.
        assert [entry[0] for entry in screen.palette_actions()] == [
            "Watch this batch (or stop watching)"
        ]
        screen.action_act("close_batch")  # called anyway: refused with a message
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app))
        jobs = app.screen
        await pilot.press("space")
        for key in ("a", "c", "r", "t", "ctrl+r"):
            await pilot.press(key)
            assert app.screen is jobs, key
            assert not planning(app), key
        assert app.cloud.mutate(jobs, "close", [bid], lambda c: c.close_batch(bid), str) is None
        await wait_for(
            pilot,
            lambda: any(
                "read-only session: close is disabled" in n.message for n in app._notifications
            ),
            what="the refusal",
        )
        assert not app.cloud.in_flight
    after = batch(cloud, bid)
    assert after["open"] is True and after["status"] in ("PENDING", "RUNNING")
    assert [j["status"] for j in jobs_of(cloud, bid)] == ["PENDING", "PENDING"]
    assert batch_count(cloud) == before
    assert audit_lines(xdg_dirs / "xdg_state_home") == []


async def test_a_mutation_in_flight_is_never_sent_twice(cloud: Any, xdg_dirs: Path) -> None:
    from support.actions import rabi

    from pasqal_tui.cloud.payloads import CreateBatchRequest, JobInput
    from pasqal_tui.tui.actions.messages import Mutated

    request = CreateBatchRequest(
        sequence_builder=rabi(), jobs=[JobInput(**JOB)], device_type="FRESNEL"
    )
    gate = asyncio.Event()

    async def slow_create(client: Any) -> Any:
        await gate.wait()  # the first request is still on its way
        return await client.create_batch(request)

    before = batch_count(cloud)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: loaded_rows(app) >= 0 and app.screen.loaded)
        screen = app.screen
        first = app.cloud.mutate(screen, "create", [], slow_create, lambda b: Mutated("made", b))
        second = app.cloud.mutate(screen, "create", [], slow_create, lambda b: Mutated("made", b))
        assert first is not None and second is None
        assert screen.check_action("act", ("create_batch",)) is None  # shown dimmed meanwhile
        gate.set()
        await wait_for(pilot, lambda: not app.cloud.in_flight, what="the one request")
        assert screen.check_action("act", ("create_batch",)) is True
    assert batch_count(cloud) == before + 1
    assert [e["action"] for e in audit_lines(xdg_dirs / "xdg_state_home")] == ["create"]


async def test_close_from_the_job_table_through_the_palette(cloud: Any) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_jobs(pilot, bid)
        await run_from_palette(pilot, "close this batch", "Close this batch")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the dialog")
        await pilot.press("y")
        await wait_for(pilot, lambda: batch(cloud, bid)["open"] is False, what="closed on server")


async def test_a_refused_mutation_is_said_and_audited(cloud: Any, xdg_dirs: Path) -> None:
    from pasqal_tui.tui.actions.messages import Mutated

    ghost = "00000000-0000-4000-8000-000000000000"
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: loaded_rows(app) >= 0 and app.screen.loaded)
        screen = app.screen
        app.cloud.mutate(screen, "close", [ghost], lambda c: c.close_batch(ghost), Mutated)
        await wait_for(pilot, lambda: not app.cloud.in_flight)
        await wait_for(pilot, lambda: any("close failed" in n.message for n in app._notifications))
        shown = next(n.message for n in app._notifications if "close failed" in n.message)
        assert "HTTP 404" in shown and "\n" not in shown
    (entry,) = audit_lines(xdg_dirs / "xdg_state_home")
    assert entry["action"] == "close" and entry["ids"] == [ghost]
    assert entry["outcome"].startswith("HTTP 404")
