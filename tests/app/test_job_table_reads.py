"""What the job table asks the cloud: a page flip reads one page and no batch document (which
lists every job id: megabytes for a 100,000-job batch), and the next page is read ahead, so `]`
shows it without asking; a refresh of a closed batch polls its status and counts (op 22) and
reads the whole batch only when they moved; after a change made from the table, the batch is
read again. Counted at a proxy in front of a real local cloud."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.actions import (  # noqa: F401  (cloud_fixture: the module's own cloud)
    JOB,
    api,
    cloud_fixture,
    jobs_of,
    make_batch,
    open_jobs,
    settled,
)
from support.app import make_app, wait_for
from support.faultproxy import Fault, FaultProxy
from support.localcloud import data, wait_until
from textual import events

from pasqal_tui.tui.screens.jobs import JobsScreen, PageKey
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.summary_line import SummaryLine

BATCH_DOC = r"/api/v2/batches/[0-9a-f-]+$"
STATUS_POLL = r"/api/v1/batches/[0-9a-f-]+/status$"
JOB_PAGE = r"/api/v2/jobs$"
JOBS = "/core-fast/api/v2/jobs"


@pytest.fixture
def proxy(cloud: Any) -> Iterator[FaultProxy]:
    with FaultProxy(cloud.base_url, max_seconds=120) as running:
        yield running


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the jobs whose rows the job table builds, in order."""
    ids: list[str] = []
    build_row = JobsScreen.build_row

    def counting(self: JobsScreen, item: Any) -> Any:
        ids.append(item.id)
        return build_row(self, item)

    monkeypatch.setattr(JobsScreen, "build_row", counting)
    return ids


async def settled_batch(cloud: Any, jobs: int) -> str:
    """A canceled batch of ``jobs`` jobs: finished and closed, so no page of it is read again."""
    batch_id = await make_batch(cloud.base_url, "FRESNEL", [JOB] * jobs)
    with api(cloud) as http:
        assert http.patch(f"/core-fast/api/v2/batches/{batch_id}/cancel").status_code == 200
    return batch_id


async def read_ahead(pilot: Any, jobs: JobsScreen) -> None:
    """Page 2 read ahead, and the last page read for `}` (a batch of more than 2 pages)."""
    await wait_for(pilot, lambda: jobs._ahead is not None, what="page 2 read ahead")
    last = PageKey(jobs.filters, jobs.direction, jobs.state.last(), jobs.state.limit)
    await wait_for(pilot, lambda: jobs._kept_for(last) is not None, what="the last page read")


async def test_page_flips_read_pages_and_refreshes_read_the_batch_only_when_it_moved(
    cloud: Any, proxy: FaultProxy
) -> None:
    # FRESNEL jobs stay PENDING (the module's open FRESNEL batch holds the QPU): two pages.
    batch_id = await make_batch(cloud.base_url, "FRESNEL", [JOB] * 130)
    app = make_app(proxy.base_url, refresh=3600)  # ticks only when the test asks
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await wait_for(pilot, lambda: jobs._ahead is not None, what="page 2 read ahead")
        docs, pages = proxy.forwarded("GET", BATCH_DOC), proxy.forwarded("GET", JOB_PAGE)

        # `]` shows the page read ahead at once; the batch can still change (its jobs wait
        # for the QPU), so that page is read again right after, as a live tick would (its
        # answer slow: still on its way when `[` is pressed, and then given up).
        proxy.add(Fault.latency(1.5, "GET", JOB_PAGE, times=1))
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        await wait_for(pilot, lambda: proxy.forwarded("GET", JOB_PAGE) == pages + 1)
        # `[`: page 1 as shown before, read again right after (the batch can change); page 2,
        # shown before, is the page ahead again without being asked for.
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 0, what="page 1")
        await wait_for(pilot, lambda: jobs._ahead is not None, what="page 2 ahead")
        await wait_for(pilot, lambda: proxy.forwarded("GET", JOB_PAGE) == pages + 2)
        await pilot.pause()
        assert proxy.forwarded("GET", JOB_PAGE) == pages + 2
        assert proxy.forwarded("GET", BATCH_DOC) == docs  # no batch document for a flip

        # A refresh while nothing moved: one status poll, the page, no batch document.
        polls = proxy.forwarded("GET", STATUS_POLL)
        jobs.refresh_data(False)
        await wait_for(pilot, lambda: proxy.forwarded("GET", STATUS_POLL) == polls + 1)
        await wait_for(pilot, lambda: proxy.forwarded("GET", JOB_PAGE) == pages + 3)
        await pilot.pause()
        assert proxy.forwarded("GET", BATCH_DOC) == docs

        # Someone cancels a job elsewhere: the next refresh sees the counts move, reads the
        # batch, and the batch line says so.
        first = jobs.items[0].id
        with api(cloud) as http:
            assert http.patch(f"/core-fast/api/v2/jobs/{first}/cancel").status_code == 200
        jobs.refresh_data(False)
        await wait_for(pilot, lambda: proxy.forwarded("GET", BATCH_DOC) == docs + 1)
        await wait_for(
            pilot,
            lambda: jobs.the_batch.jobs_count_per_status.get("CANCELED") == 1,
            what="the batch's canceled count",
        )
        line = jobs.query_one("#batch-summary", SummaryLine)
        await wait_for(pilot, lambda: "1 canceled" in str(line._text), what="the batch line")


async def test_the_next_page_is_read_ahead_and_shown_without_asking(
    cloud: Any, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id = await settled_batch(cloud, 350)  # 4 pages: page 3 is not the last
    with api(cloud) as http:
        params = {"batch_id": batch_id, "order_by": "creation_order", "order_by_direction": "ASC"}
        second = data(http.get("/core-fast/api/v2/jobs", params={**params, "offset": 100}))
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await read_ahead(pilot, jobs)
        pages = proxy.forwarded("GET", JOB_PAGE)
        # Reading page 3 ahead fails: nobody asked for it, so nothing is said.
        proxy.add(Fault.burst(400, "GET", JOB_PAGE, times=1))

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        assert [j.id for j in jobs.items] == [j["id"] for j in second]
        await wait_for(pilot, lambda: proxy.applied("status 400") == 1, what="page 3 refused")
        await pilot.pause()
        assert proxy.forwarded("GET", JOB_PAGE) == pages  # page 2 was not asked for again
        assert not jobs.stale and not jobs.query_one(ErrorBanner).has_class("-shown")

        # Page 3 is read when asked for.
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 200, what="page 3")
        assert proxy.forwarded("GET", JOB_PAGE) == pages + 1

        # A page read ahead longer ago than AHEAD_FRESH is read again.
        await pilot.press("left_curly_bracket")  # the first page, which reads page 2 ahead
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 0, what="page 1")
        await wait_for(pilot, lambda: jobs._ahead is not None, what="page 2 read ahead")
        monkeypatch.setattr(JobsScreen, "AHEAD_FRESH", 0.0)
        pages = proxy.forwarded("GET", JOB_PAGE)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        assert proxy.forwarded("GET", JOB_PAGE) >= pages + 1


async def test_paging_back_reads_the_page_before_ahead(cloud: Any, proxy: FaultProxy) -> None:
    """From the last page (`}`: the newest jobs), `[` pages back as `]` pages on: once a page
    is shown going back, the one before it is read in the background, and the next `[` shows
    it without asking. Back on the first page, the next one is read ahead again."""
    batch_id = await settled_batch(cloud, 450)  # 5 pages
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await read_ahead(pilot, jobs)
        await pilot.press("right_curly_bracket")  # the last page, read while page 1 was shown
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 400, what="page 5")
        await pilot.press("left_square_bracket")  # page 4: asked for (nothing read it)
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 300, what="page 4")
        for offset in (200, 100):
            await wait_for(
                pilot,
                lambda o=offset: jobs._ahead is not None and jobs._ahead[0].offset == o,
                what=f"the page at {offset} read ahead",
            )
            asked = proxy.forwarded("GET", JOB_PAGE, f"(^|&)offset={offset}(&|$)")
            assert asked == 1
            await pilot.press("left_square_bracket")
            await wait_for(pilot, lambda o=offset: jobs.loaded and jobs.state.offset == o)
            await pilot.pause()
            assert (
                proxy.forwarded("GET", JOB_PAGE, f"(^|&)offset={offset}(&|$)") == asked
            )  # not again
        await pilot.press("left_square_bracket")  # page 1: kept since it was shown
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 0, what="page 1")
        await wait_for(
            pilot,
            lambda: jobs._ahead is not None and jobs._ahead[0].offset == 100,
            what="page 2 ahead again",
        )


async def test_a_page_asked_for_while_read_ahead_is_not_asked_twice(
    cloud: Any, proxy: FaultProxy
) -> None:
    batch_id = await settled_batch(cloud, 350)  # 4 pages: page 3 is not the last
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await read_ahead(pilot, jobs)
        pages = proxy.forwarded("GET", JOB_PAGE)
        proxy.add(Fault.latency(1.5, "GET", JOB_PAGE, times=1))  # the cloud is slow for page 3
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.state.offset == 100, what="page 2")
        await wait_for(pilot, lambda: jobs._ahead_flying is not None, what="page 3 on its way")
        await pilot.press("right_square_bracket")  # page 3, while it is being read ahead
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 200, what="page 3")
        await pilot.pause()
        assert proxy.forwarded("GET", JOB_PAGE) == pages + 1  # the read ahead, once
        assert proxy.applied("latency") == 1


async def test_page_keys_typed_fast_add_up(cloud: Any, proxy: FaultProxy) -> None:
    """Keys sent back to back, before any page has come (as a terminal delivers keys typed
    fast): four `]` go four pages on, then two `[` two back, whether a page comes from what
    was read ahead or from the cloud, and a page asked for earlier never lands last."""
    batch_id = await settled_batch(cloud, 650)
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        jobs = await open_jobs(pilot, batch_id)

        async def typed(key: str, times: int, offset: int, what: str) -> None:
            for _ in range(times):
                app.post_message(events.Key(key, None))
            await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == offset, what=what)
            # Settled there: nothing still on its way lands after it.
            await wait_for(
                pilot,
                lambda: all(
                    w.is_finished for w in app.workers if w.group in ("page", "ahead", "ends")
                ),
            )
            await pilot.pause()
            assert jobs.state.offset == offset

        for _ in range(2):
            await typed("right_square_bracket", 4, 400, "page 5")
            await typed("left_square_bracket", 2, 200, "page 3")
            await typed("left_curly_bracket", 1, 0, "page 1")


async def test_a_page_read_ahead_is_drawn_from_rows_built_before_the_key(
    cloud: Any, proxy: FaultProxy, built: list[str]
) -> None:
    batch_id = await settled_batch(cloud, 150)
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await wait_for(pilot, lambda: ahead_built(jobs), what="page 2's rows")
        assert jobs._ahead is not None
        ahead = [j.id for j in jobs._ahead[1].items]
        assert built[-len(ahead) :] == ahead  # built when the page came, before any key
        before = len(built)

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        assert len(built) == before  # the flip built no row
        shown = [(key, [c.plain for c in cells]) for key, cells in jobs.table._rows]
        fresh = [jobs.build_row(j) for j in jobs.items]
        assert shown == [(key, [str(c) for c in cells]) for key, cells in fresh]

        # Page 1 shown again: its rows, and page 2's ahead, as built before.
        before = len(built)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 0, what="page 1")
        await wait_for(pilot, lambda: ahead_built(jobs), what="page 2's rows")
        await pilot.pause()
        assert len(built) == before

        # Rows built under one theme are not shown under another: they are built again.
        app.theme = "high-contrast" if app.theme != "high-contrast" else "pasqal"
        before = len(built)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        page = [j.id for j in jobs.items]
        assert len(built) >= before + len(page) and built[-len(page) :] == page


def ahead_built(jobs: JobsScreen) -> bool:
    """Whether the rows of the page read ahead are built."""
    held = jobs._ahead
    if held is None:
        return False
    ids = [id(j) for j in held[1].items]
    return any([id(j) for j in built] == ids for built, _, _ in jobs._built)


async def test_the_last_page_and_pages_shown_before_cost_no_request(
    cloud: Any, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last page is read while the first is shown: `}` shows it without asking, `{` and
    `[` go back to pages shown before without asking; once too old, a page is asked for."""
    batch_id = await settled_batch(cloud, 350)
    with api(cloud) as http:
        params = {"batch_id": batch_id, "order_by": "creation_order", "order_by_direction": "ASC"}
        pages_of = [http.get(JOBS, params={**params, "offset": o}) for o in (0, 100, 200, 300)]
        every = [[j["id"] for j in data(answer)] for answer in pages_of]
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await read_ahead(pilot, jobs)
        pages = proxy.forwarded("GET", JOB_PAGE)

        async def go(key: str, offset: int) -> None:
            await pilot.press(key)
            await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == offset)
            await wait_for(pilot, lambda: jobs.table.row_ids == every[offset // 100])
            assert [j.id for j in jobs.items] == every[offset // 100]

        for key, offset in [
            ("right_curly_bracket", 300),
            ("left_curly_bracket", 0),
            ("right_square_bracket", 100),  # page 3 read ahead: the one request
            ("left_square_bracket", 0),
            ("right_curly_bracket", 300),
            ("left_square_bracket", 200),  # read ahead before, never shown
        ]:
            await go(key, offset)
            if offset == 100:
                await wait_for(pilot, lambda: proxy.forwarded("GET", JOB_PAGE) == pages + 1)
        await pilot.pause()
        assert proxy.forwarded("GET", JOB_PAGE) == pages + 1

        monkeypatch.setattr(JobsScreen, "AHEAD_FRESH", 0.0)  # what was kept is now too old
        await go("right_curly_bracket", 300)
        await wait_for(pilot, lambda: proxy.forwarded("GET", JOB_PAGE) == pages + 2)


async def test_a_page_shown_again_is_as_old_as_when_it_came(cloud: Any, proxy: FaultProxy) -> None:
    """Showing a kept page does not make it fresher: it is as old as when it was read."""
    batch_id = await settled_batch(cloud, 350)
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        await read_ahead(pilot, jobs)
        last = PageKey(jobs.filters, jobs.direction, 300, jobs.state.limit)
        held = jobs._kept_for(last)
        assert held is not None
        for key, offset in [("right_curly_bracket", 300), ("left_curly_bracket", 0)] * 2:
            await pilot.press(key)
            await wait_for(pilot, lambda o=offset: jobs.loaded and jobs.state.offset == o)
        again = jobs._kept_for(last)
        assert again is not None and again[1] is held[1] and again[2] == held[2]


async def test_a_batch_with_errors_has_its_errored_jobs_read_while_its_first_page_is_shown(
    cloud: Any, proxy: FaultProxy, built: list[str]
) -> None:
    """`4` (the errored jobs) shows them without asking, from rows built before the key: their
    first page was read while the batch's was shown. A batch without errored jobs has no such
    read."""
    bad = {"runs": 30, "variables": {"omega": 3.1}}  # no duration: the sequence cannot build
    with_errors = await make_batch(cloud.base_url, "EMU_FREE", [JOB, bad, JOB, bad])
    wait_until(lambda: settled(cloud, with_errors))
    errored = {j["id"] for j in jobs_of(cloud, with_errors) if j["status"] == "ERROR"}
    assert len(errored) == 2
    without = await settled_batch(cloud, 3)  # canceled: no errored job
    app = make_app(proxy.base_url, refresh=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, with_errors)
        await wait_for(
            pilot,
            lambda: any(key.filters.status for key, _, _ in jobs._kept),
            what="the errored jobs read",
        )
        await wait_for(pilot, lambda: set(built[-2:]) == errored, what="their rows built")
        before = len(built)
        pages = proxy.forwarded("GET", JOB_PAGE)
        assert proxy.forwarded("GET", JOB_PAGE, "status=ERROR") == 1
        await pilot.press("4")
        await wait_for(
            pilot,
            lambda: (
                jobs.loaded
                and jobs.filters.status == ["ERROR"]
                and set(jobs.table.row_ids) == errored
            ),
            what="the errored jobs shown",
        )
        await pilot.pause()
        assert proxy.forwarded("GET", JOB_PAGE) == pages  # shown without asking
        assert len(built) == before  # from the rows built when they came

        await pilot.press("escape")  # the filter cleared
        await wait_for(pilot, lambda: jobs.filters.status is None, what="the filter cleared")
        await pilot.press("escape")
        jobs = await open_jobs(pilot, without)
        await pilot.pause()
        jobs._read_errors()  # asked again: still nothing to read
        assert not jobs.pasqal.cloud.busy(jobs, "errors")
    assert proxy.forwarded("GET", JOB_PAGE, "status=ERROR") == 1
