"""What the job table asks the cloud: a page flip reads one page and no batch document (which
lists every job id: megabytes for a 100,000-job batch); a refresh of a closed batch polls its
status and counts (op 22) and reads the whole batch only when they moved; after a change made
from the table, the batch is read again. Counted at a proxy in front of a real local cloud."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.actions import JOB, api, cloud_fixture, make_batch, open_jobs  # noqa: F401
from support.app import make_app, wait_for
from support.faultproxy import FaultProxy

from pasqal_tui.tui.widgets.summary_line import SummaryLine

BATCH_DOC = r"/api/v2/batches/[0-9a-f-]+$"
STATUS_POLL = r"/api/v1/batches/[0-9a-f-]+/status$"
JOB_PAGE = r"/api/v2/jobs$"


@pytest.fixture
def proxy(cloud: Any) -> Iterator[FaultProxy]:
    with FaultProxy(cloud.base_url, max_seconds=120) as running:
        yield running


async def test_page_flips_read_pages_and_refreshes_read_the_batch_only_when_it_moved(
    cloud: Any, proxy: FaultProxy
) -> None:
    # FRESNEL jobs stay PENDING (the module's open FRESNEL batch holds the QPU): two pages.
    batch_id = await make_batch(cloud.base_url, "FRESNEL", [JOB] * 130)
    app = make_app(proxy.base_url, refresh=3600)  # ticks only when the test asks
    async with app.run_test(size=(160, 45)) as pilot:
        jobs = await open_jobs(pilot, batch_id)
        docs, pages = proxy.forwarded("GET", BATCH_DOC), proxy.forwarded("GET", JOB_PAGE)

        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 100, what="page 2")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: jobs.loaded and jobs.state.offset == 0, what="page 1")
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
