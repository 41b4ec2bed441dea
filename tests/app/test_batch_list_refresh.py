"""What the batch list's live ticks ask the cloud. Each batch in a list carries every job id, and
the first page refreshes on every tick: a tick asks whether a newer batch exists (an empty
answer when none) and polls the running ones by status and counts (op 22); the page is read in
full only when one of those moved, for other pages and for filters a batch can enter or leave,
when a batch on the page is open, and once a minute. Counted at a proxy in front of a real
local cloud of this module's own (so the first page holds only its batches)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.actions import JOB, api, batch, make_batch
from support.app import batch_list, make_app, start_cloud, wait_for
from support.faultproxy import FaultProxy
from support.localcloud import data, wait_until

from pasqal_tui.cloud import BatchFilters, PasqalClient, PasswordAuth, local
from pasqal_tui.ops.queries import batches_page_if_changed
from pasqal_tui.tui.screens.batches import BatchesScreen

LIST = r"/api/v1/batches$"
FULL = r"limit=100"  # the page itself
PROBE = r"start_date=.*limit=1|limit=1.*start_date="  # "a batch newer than the page's newest?"
STATUS_POLL = r"/api/v1/batches/[0-9a-f-]+/status$"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    process = start_cloud(
        tmp_path_factory.mktemp("batch-list-cloud"),
        ["--seed", "5", "--time-scale", "0.02", "--workers", "1"],
    )
    yield process
    process.stop()


@pytest.fixture
def proxy(cloud: Any) -> Iterator[FaultProxy]:
    with FaultProxy(cloud.base_url, max_seconds=120) as running:
        yield running


async def finished(cloud: Any, device: str = "EMU_FREE") -> str:
    made = await make_batch(cloud.base_url, device, [JOB])
    wait_until(lambda: batch(cloud, made)["status"] == "DONE" or None, timeout=120)
    return made


def project_of(cloud: Any) -> str:
    with api(cloud) as http:
        project: str = data(http.get("/account/api/v1/projects"))[0]["id"]
        return project


async def test_a_page_is_read_again_only_when_it_moved(cloud: Any, proxy: FaultProxy) -> None:
    await finished(cloud)
    env = local(proxy.base_url)
    async with PasqalClient(
        env, PasswordAuth(env, "demo", "demo"), project_id=project_of(cloud)
    ) as client:
        everything = BatchFilters()
        page = await client.list_batches(everything)
        full, probes = proxy.forwarded("GET", LIST, FULL), proxy.forwarded("GET", LIST, PROBE)

        # Nothing moved: one empty probe, the page handed back as it was.
        assert await batches_page_if_changed(client, everything, page) is page
        assert proxy.forwarded("GET", LIST, PROBE) == probes + 1
        assert proxy.forwarded("GET", LIST, FULL) == full

        # A new batch: the probe finds it, the page is read again and starts with it.
        newer = await make_batch(cloud.base_url, "EMU_FREE", [JOB])
        again = await batches_page_if_changed(client, everything, page)
        assert again.items[0].id == newer and again.total == page.total + 1
        assert proxy.forwarded("GET", LIST, FULL) == full + 1

        # Running, then finished: polled by op 22 while running, read in full once it moved.
        wait_until(lambda: batch(cloud, newer)["status"] == "DONE" or None, timeout=120)
        polls = proxy.forwarded("GET", STATUS_POLL)
        if again.items[0].status.value != "DONE":
            latest = await batches_page_if_changed(client, everything, again)
            assert proxy.forwarded("GET", STATUS_POLL) == polls + 1
            assert latest is not again and latest.items[0].status.value == "DONE"
            again = latest
        assert await batches_page_if_changed(client, everything, again) is again

        # A filter a batch can enter later (status), or an open batch on the page: in full.
        done = BatchFilters(status=["DONE"])
        reads = proxy.forwarded("GET", LIST, FULL)
        done_page = await client.list_batches(done)
        assert await batches_page_if_changed(client, done, done_page) is not done_page
        await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
        with_open = await client.list_batches(everything)
        assert await batches_page_if_changed(client, everything, with_open) is not with_open
        assert proxy.forwarded("GET", LIST, FULL) == reads + 4


async def test_the_dashboard_ticks_ask_little_and_still_show_a_new_batch(
    cloud: Any, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An open FRESNEL batch on the first page would be read in full each tick: a device filter
    # keeps it out, and the device is a filter a batch cannot enter or leave later.
    await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
    await finished(cloud)
    app = make_app(proxy.base_url, refresh=3600)  # ticks only when the test asks
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("slash", *"device:EMU_FREE", "enter")
        await wait_for(
            pilot,
            lambda: (
                screen.loaded
                and screen.filters.device_type == ["EMU_FREE"]
                and all(not b.open for b in screen.items)
            ),
            what="the EMU_FREE batches",
        )
        full, probes = proxy.forwarded("GET", LIST, FULL), proxy.forwarded("GET", LIST, PROBE)
        ticks = 3
        for n in range(1, ticks + 1):
            screen.refresh_data(False)
            await wait_for(pilot, lambda n=n: proxy.forwarded("GET", LIST, PROBE) == probes + n)
        await pilot.pause()
        assert proxy.forwarded("GET", LIST, FULL) == full  # three ticks, no page read

        newer = await make_batch(cloud.base_url, "EMU_FREE", [JOB])
        screen.refresh_data(False)
        await wait_for(pilot, lambda: screen.table.move_to_id(newer), what="the new batch")
        assert proxy.forwarded("GET", LIST, FULL) == full + 1

        # Once a minute the page is read in full whatever the probe says.
        monkeypatch.setattr(BatchesScreen, "FULL_EVERY", 0.0)
        screen.refresh_data(False)
        await wait_for(pilot, lambda: proxy.forwarded("GET", LIST, FULL) == full + 2)
