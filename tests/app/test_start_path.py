"""The start path: the first batch page is asked during login, and only a matching, fresh
answer is ever shown."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from support.app import batch_list, make_app

from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.tui.services import cloud_worker as worker


async def test_first_batch_page_is_sent_with_the_project_list(
    demo_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    list_projects, list_batches = PasqalClient.list_projects, PasqalClient.list_batches

    async def projects(self: PasqalClient) -> Any:
        events.append("projects sent")
        try:
            return await list_projects(self)
        finally:
            events.append("projects answered")

    async def batches(self: PasqalClient, *args: Any, **kwargs: Any) -> Any:
        events.append("batches sent")
        return await list_batches(self, *args, **kwargs)

    monkeypatch.setattr(PasqalClient, "list_projects", projects)
    monkeypatch.setattr(PasqalClient, "list_batches", batches)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await batch_list(pilot)
        # One request for the first page, overlapping the project list, not one after it.
        assert events.count("batches sent") == 1
        assert events.index("batches sent") < events.index("projects answered")


async def test_prefetched_answer_is_handed_out_once_and_only_for_its_key() -> None:
    cloud = worker.CloudWorker.__new__(worker.CloudWorker)
    cloud._prefetched = None

    async def answer() -> str:
        return "page"

    key = ("batches", BatchFilters(), 0, 100)
    task = asyncio.ensure_future(answer())
    cloud.keep_prefetched(key, task)
    assert cloud.take_prefetched(("batches", BatchFilters(), 0, 100)) is task
    assert await task == "page"
    assert cloud.take_prefetched(key) is None  # once

    other = asyncio.ensure_future(asyncio.Event().wait())  # a request still on its way
    cloud.keep_prefetched(key, other)
    assert cloud.take_prefetched(("batches", BatchFilters(tag="x"), 0, 100)) is None
    with pytest.raises(asyncio.CancelledError):  # a request nobody will read is not left running
        await other


async def test_stale_prefetched_answer_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    cloud = worker.CloudWorker.__new__(worker.CloudWorker)
    cloud._prefetched = None
    now = [100.0]
    monkeypatch.setattr(worker.time, "monotonic", lambda: now[0])
    task = asyncio.ensure_future(asyncio.Event().wait())
    cloud.keep_prefetched("k", task)
    now[0] += worker.PREFETCH_MAX_AGE + 1  # e.g. the user took a while to pick a project
    assert cloud.take_prefetched("k") is None
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_app_in_a_terminal_freezes_what_its_start_made(
    demo_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in a terminal, the app freezes what lives once it has started (a full collection
    then skips it); a headless one (tests, benches: one process, many apps) freezes nothing."""
    import gc

    from pasqal_tui.tui.app import PasqalApp

    gc.unfreeze()
    headless = make_app(demo_cloud.base_url)
    async with headless.run_test(size=(80, 24)) as pilot:
        await batch_list(pilot)
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(PasqalApp, "is_headless", property(lambda self: False))
    app = make_app(demo_cloud.base_url)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await batch_list(pilot)
            assert gc.get_freeze_count() > 10_000
            scanned = {id(o) for o in gc.get_objects()}  # what the collector still walks
            assert id(app) not in scanned and id(app.screen_stack[0]) not in scanned
    finally:
        gc.unfreeze()
