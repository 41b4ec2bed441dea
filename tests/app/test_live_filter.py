"""The `/` filter line and `s`/`S` sorting, through the real app on the demo cloud: words narrow
the loaded rows as they are typed, keys ask the server once typing pauses (or on Enter), Esc
clears, a bad token is named while the rows stay; sorting marks its header and says where it
applies; both survive a live refresh."""

from __future__ import annotations

from typing import Any

from support.app import batch_list, loaded_rows, make_app, screen_named, wait_for
from textual.widgets import Input

from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.ops.query import batch_text
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.filter_line import FilterLine
from pasqal_tui.tui.widgets.pager import Pager


def pager(screen: Any) -> str:
    return str(screen.query_one(Pager).render())


def header(screen: Any, key: str) -> str:
    from textual.widgets.data_table import ColumnKey

    return screen.table.columns[ColumnKey(key)].label.plain


def page_requests(screen: Any) -> list[Any]:
    """The filters of every page the user's own actions ask for (refreshes left out)."""
    sent: list[Any] = []
    original = screen.request_page

    def spy(offset: int, *, background: bool, focus_id: str | None = None) -> None:
        if not background:
            sent.append(screen.filters)
        original(offset, background=background, focus_id=focus_id)

    screen.request_page = spy
    return sent


def a_word_some_rows_have(screen: BatchesScreen) -> str:
    """A device name that some loaded batches have and others do not."""
    devices = {b.device_type.lower() for b in screen.items}
    narrowing = [
        d
        for d in devices
        if sum(d in batch_text(b).lower() for b in screen.items) < len(screen.items)
    ]
    return min(narrowing)


async def test_typing_narrows_at_once_esc_restores_and_a_bad_token_is_named(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await batch_list(pilot)
        sent = page_requests(screen)
        before = screen.table.row_ids
        word = a_word_some_rows_have(screen).lower()
        expected = [b.id for b in screen.items if word in batch_text(b).lower()]
        assert 0 < len(expected) < len(before)

        await pilot.press("slash", *word)
        await wait_for(pilot, lambda: screen.table.row_ids == expected, what="the narrowed rows")
        assert isinstance(app.focused, Input)  # still typing
        assert f'on this page: "{word}" ({len(expected)} of {len(before)})' in pager(screen)
        assert screen.filters == BatchFilters() and sent == []  # nothing asked of the server

        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.table.row_ids == before, what="every row back")
        assert app.focused is screen.table
        assert not screen.query_one(FilterLine).display
        assert "on this page" not in pager(screen)
        assert sent == []

        # A bad token: named in one line, the text kept to be fixed, the rows as they were.
        await pilot.press("slash", *"since:soon", "enter")
        hint = screen.query_one(".filter-hint")
        await wait_for(pilot, lambda: "-error" in hint.classes, what="the message")
        said = str(hint.render())
        assert said.startswith("since: 'soon' is not a time: use 30m, 12h, 2d, 1w, a date")
        assert "\n" not in said.strip()
        assert screen.query_one(FilterLine).text == "since:soon"
        assert isinstance(app.focused, Input)  # still there to be fixed
        assert screen.table.row_ids == before and sent == []
        await pilot.press("ctrl+u", *"device:fresnel", "enter")
        await wait_for(pilot, lambda: "-error" not in hint.classes, what="the message gone")
        await wait_for(pilot, lambda: screen.filters.device_type == ["FRESNEL"] and screen.loaded)


async def test_keys_go_to_the_server_once_per_burst_and_enter_keeps_the_filter(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await batch_list(pilot)
        sent = page_requests(screen)
        line = screen.query_one(FilterLine)
        line.debounce = 30.0  # no pause of typing counts: only Enter sends

        await pilot.press("slash", *"status:done,run")
        await wait_for(pilot, lambda: line.text == "status:done,run")
        assert sent == []  # a key is not a request
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(sent) == 1, what="one request, on Enter")
        assert sent[0].status == ["DONE", "RUNNING"]
        await wait_for(pilot, lambda: not screen.stale and screen.filters == sent[0])
        await wait_for(pilot, lambda: {b.status.value for b in screen.items} <= {"DONE", "RUNNING"})
        assert screen.items and app.focused is screen.table
        assert line.display and line.text == "status:done,run"  # kept in view
        assert "server: status=DONE,RUNNING" in pager(screen)

        line.debounce = 0.3  # the pause after the last change sends it, without Enter
        await pilot.press("slash")
        line.input.value = "status:done"  # one change (a paste): its pause is certain
        await wait_for(pilot, lambda: len(sent) == 2, what="the request after the pause")
        assert sent[1].status == ["DONE"]
        await wait_for(pilot, lambda: all(b.status.value == "DONE" for b in screen.items))
        assert len(sent) == 2


async def test_s_and_S_sort_and_mark_the_header_survive_a_refresh_and_reach_the_api(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await batch_list(pilot)
        assert header(screen, "created") == "Created"  # the API's own order: no mark

        def by_update(descending: bool, keep: Any = None) -> list[str]:
            kept = [b for b in screen.items if keep is None or b.id in keep]
            return [b.id for b in sorted(kept, key=lambda b: b.updated_at, reverse=descending)]

        await pilot.press("s")  # the next column after Created: Updated, ascending
        await wait_for(pilot, lambda: header(screen, "updated") == "Updated ▲")
        assert screen.table.row_ids == by_update(False)
        assert "sorted by updated ▲ (this page)" in pager(screen)
        await pilot.press("S")
        await wait_for(pilot, lambda: header(screen, "updated") == "Updated ▼")
        assert screen.table.row_ids == by_update(True)
        assert "sorted by updated ▼ (this page)" in pager(screen)
        assert header(screen, "created") == "Created"
        await pilot.press("S")
        await wait_for(pilot, lambda: header(screen, "updated") == "Updated ▲")

        # A filter on top; a refresh repaints filtered and sorted from its first paint.
        word = a_word_some_rows_have(screen).lower()
        await pilot.press("slash", *word, "enter")
        expected = {b.id for b in screen.items if word in batch_text(b).lower()}
        await wait_for(pilot, lambda: set(screen.table.row_ids) == expected)
        shown: list[list[str]] = []
        sync = screen.table.sync

        def recording(rows: Any, **kwargs: Any) -> int:
            shown.append([key for key, _ in rows])
            return sync(rows, **kwargs)

        screen.table.sync = recording  # type: ignore[method-assign]
        before = screen.items
        await pilot.press("R")  # a refresh now, as the live loop does
        await wait_for(pilot, lambda: screen.items is not before and shown, what="the refresh")
        assert screen.table.row_ids == by_update(False, expected)
        assert all(set(ids) <= expected for ids in shown)  # never the unfiltered rows
        assert header(screen, "updated") == "Updated ▲"
        assert "sorted by updated ▲ (this page)" in pager(screen)

        # The job table: S on Created asks the API for its creation order reversed.
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.local_query.words == ())
        target = max(screen.items, key=lambda b: (b.jobs_count, b.id))
        screen.table.move_to_id(target.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        oldest = jobs.table.row_ids
        assert "oldest first" in pager(jobs)
        await pilot.press("S")
        await wait_for(pilot, lambda: jobs.direction == "DESC" and jobs.table.row_ids != oldest)
        await wait_for(pilot, lambda: "newest first" in pager(jobs))
        assert header(jobs, "created") == "Created ▼"
        if target.jobs_count <= jobs.state.limit:  # one page: the same jobs, the other way
            assert jobs.table.row_ids == oldest[::-1]
        await pilot.press("s")  # Started, on the loaded page
        await wait_for(pilot, lambda: header(jobs, "started") == "Started ▲")
        assert header(jobs, "created") == "Created"
        assert "sorted by started ▲ (this page)" in pager(jobs)


def test_a_line_not_composed_yet_is_not_being_typed_in() -> None:
    """A page that comes as its screen mounts (asked with the projects at start) is drawn
    before the filter line has its input: the line then says nobody is typing in it."""
    assert FilterLine("hint", "placeholder").typing is False


async def test_a_filter_set_by_a_key_repaints_the_line_without_laying_the_screen_out(
    demo_cloud: Any,
) -> None:
    """`4` then `3` on a batch change the filter line's text (status:error, status:done): its
    size is the stylesheet's, so nothing in the line asks for the screen to be laid out again
    (Input's own relayout redrew every widget: ~5 ms of a 45 ms change); it shows the text."""
    from textual.widget import Widget

    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        batches = await batch_list(pilot)
        mixed = max(
            (b for b in batches.items if b.jobs_count_per_status.get("DONE")),
            key=lambda b: b.jobs_count_per_status.get("ERROR", 0),
        )
        assert mixed.jobs_count_per_status.get("ERROR")
        assert batches.table.move_to_id(mixed.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_named(app, "JobsScreen") and loaded_rows(app) > 0)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        line = jobs.query_one(FilterLine)
        await pilot.press("4")
        await wait_for(pilot, lambda: line.display and jobs.filters.status == ["ERROR"])
        await wait_for(
            pilot,
            lambda: jobs.loaded and jobs.state.total == mixed.jobs_count_per_status["ERROR"],
        )
        await pilot.pause()
        laid_out: list[Widget] = []
        original = Widget.refresh

        def refresh(self: Widget, *regions: Any, **flags: Any) -> Widget:
            if flags.get("layout"):
                laid_out.append(self)
            return original(self, *regions, **flags)

        Widget.refresh = refresh  # type: ignore[method-assign]
        try:
            await pilot.press("3")
            await wait_for(
                pilot,
                lambda: jobs.loaded and jobs.state.total == mixed.jobs_count_per_status["DONE"],
            )
            await pilot.pause()
        finally:
            Widget.refresh = original  # type: ignore[method-assign]
        assert "status:done" in line.text
        assert "status:done" in app.export_screenshot().replace("&#160;", " ")
        in_line = [w for w in laid_out if w is line or line in w.ancestors]
        assert in_line == []

        # `/` then refines that filter: what is typed goes after it, it does not replace it.
        await pilot.press("slash", *" runs:>1")
        await wait_for(pilot, lambda: line.text == "status:done runs:>1", what="the refined text")
