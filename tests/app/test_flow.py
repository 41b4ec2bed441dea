"""The main flow against a real local cloud: batches -> a batch -> ERROR jobs -> a job -> back."""

from __future__ import annotations

from support.app import (
    batch_list,
    cell_text,
    loaded_rows,
    make_app,
    on_screen,
    screen_named,
    wait_for,
)

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.job import JobScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.filter_line import FilterLine


async def test_batches_to_error_job_and_back(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await batch_list(pilot)
        assert screen.state.total >= 25
        # The batch with the most errored jobs, found through the table as a user would.
        errored = max(screen.items, key=lambda b: b.jobs_count_per_status.get("ERROR", 0))
        assert errored.jobs_count_per_status.get("ERROR", 0) > 0
        assert screen.table.move_to_id(errored.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        assert jobs.the_batch.id == errored.id

        await pilot.press("4")  # only ERROR
        expected = errored.jobs_count_per_status["ERROR"]
        await wait_for(pilot, lambda: jobs.state.total == expected, what="the ERROR filter")
        statuses = {cell_text(jobs.table.get_row_at(i)[2]) for i in range(jobs.table.row_count)}
        assert statuses == {"ERROR"}
        assert jobs.table.row_count == min(expected, 100)

        await pilot.press("down")
        chosen = jobs.table.current_id()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobScreen"))
        detail = app.screen
        assert isinstance(detail, JobScreen)
        assert detail.job.id == chosen
        await wait_for(pilot, lambda: detail.job.errors, what="the job's errors")
        errors_text = str(detail.query_one("#job-errors").render())
        assert detail.job.errors is not None
        assert detail.job.errors[0].strip().splitlines()[0] in errors_text

        await pilot.press("escape")
        assert app.screen is jobs
        assert jobs.table.current_id() == chosen  # cursor kept
        assert jobs.filters.status == ["ERROR"]  # filter kept
        await pilot.press("escape")  # Esc first clears the filter, then goes back
        await wait_for(pilot, lambda: jobs.filters.status is None, what="the filter cleared")
        await pilot.press("escape")
        assert isinstance(app.screen, BatchesScreen)
        assert not app.connection_problem


async def test_bad_filter_keeps_text_and_says_why(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await batch_list(pilot)
        before = (screen.state.total, screen.table.row_ids)
        await pilot.press("slash", *"status:bogus", "enter")
        hint = screen.query_one(".filter-hint")
        await wait_for(pilot, lambda: "-error" in hint.classes, what="the one-line message")
        assert "status: 'BOGUS' is not one of" in str(hint.render())
        assert screen.query_one("#filter-input").value == "status:bogus"  # type: ignore[attr-defined]
        assert (screen.state.total, screen.table.row_ids) == before
        # Put right: the line's hint is back, in its usual colours.
        await pilot.press(*(["backspace"] * len("bogus")), *"done", "enter")  # still typing
        await wait_for(pilot, lambda: "-error" not in hint.classes, what="the message gone")
        assert str(hint.render()) == screen.query_one(FilterLine).hint


async def test_f_jumps_to_the_first_error_even_on_a_later_page(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        batches = await batch_list(pilot)
        mixed = next(
            b
            for b in batches.items
            if b.jobs_count_per_status.get("ERROR") and b.jobs_count_per_status.get("DONE")
        )
        batches.table.move_to_id(mixed.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        first_error = next(j for j in jobs.items if j.status.value == "ERROR")
        assert jobs.items[0].status.value != "ERROR"
        await pilot.press("f")
        await wait_for(pilot, lambda: jobs.table.current_id() == first_error.id, what="the jump")
        # With one job per page, the first error sits on a later page: "f" must go there.
        jobs.state = type(jobs.state)(offset=0, limit=1, total=jobs.state.total)
        jobs.reload(0)
        await wait_for(pilot, lambda: jobs.table.row_count == 1 and jobs.state.offset == 0)
        shown_before = jobs.table.row_ids
        assert shown_before != [first_error.id]
        await pilot.press("f")
        await wait_for(pilot, lambda: jobs.table.row_ids == [first_error.id], what="its page")
        assert jobs.state.offset > 0


async def test_rebatched_job_links_to_its_parent_and_copies_its_id(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        batches = await batch_list(pilot)
        child = next(b for b in batches.items if b.parent_id)
        batches.table.move_to_id(child.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobScreen") and app.screen.loaded)
        job_screen = app.screen
        assert isinstance(job_screen, JobScreen)
        parent_id = job_screen.job.parent_id
        assert parent_id is not None
        assert parent_id in str(job_screen.query_one("#job-head").render())
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        assert copied == [job_screen.job.id]
        await pilot.press("P")
        await wait_for(
            pilot,
            lambda: on_screen(app, JobScreen) and app.screen.job.id == parent_id,
            what="the parent job",
        )
        parent = app.screen
        assert isinstance(parent, JobScreen)
        assert parent.job.batch_id == child.parent_id
        await pilot.press("escape")
        assert app.screen is job_screen


async def test_escape_on_the_batch_browser_keeps_the_session_and_q_quits(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("escape", "escape")
        said = "Press q to quit"
        await wait_for(pilot, lambda: any(said in n.message for n in app._notifications))
        assert app.is_running and app.screen is screen  # what Esc did: a hint, nothing else
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_escape_first_clears_the_filter_then_goes_back(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    from pasqal_tui.tui.widgets.filter_line import FilterLine
    from pasqal_tui.tui.widgets.pager import Pager

    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("slash", *"status:err", "enter")
        line = screen.query_one(FilterLine)
        await wait_for(pilot, lambda: screen.filters.status == ["ERROR"] and screen.loaded)
        assert line.display and app.focused is screen.table  # the applied filter stays in view
        # "error" alone: ERROR batches and those with errored jobs (as the ERROR key shows)
        assert "ERROR or with errored jobs" in str(screen.query_one(Pager).render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.filters.status is None, what="the filter cleared")

        def told_to_quit() -> bool:
            return any("Press q to quit" in n.message for n in app._notifications)

        assert not line.display and not told_to_quit()  # the filter cleared; nothing else
        await pilot.press("escape")
        await wait_for(pilot, told_to_quit, what="the 'Press q to quit' toast")

        await pilot.press("0", "enter")  # the same in a batch's job table: filter, then back
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and app.screen.loaded)
        jobs = app.screen
        await pilot.press("slash", *"status:done", "enter")
        jobs_line = jobs.query_one(FilterLine)
        await wait_for(pilot, lambda: app.focused is jobs.table and jobs.filters.status)
        assert jobs_line.display
        await pilot.press("escape")
        assert app.screen is jobs and not jobs_line.display
        await pilot.press("escape")
        assert app.screen is screen
