"""Fetch-all pipelining: the window follows answer times, pages come back whole and in order."""

from __future__ import annotations

import asyncio

import pytest

from pasqal_tui.cloud.models import Page
from pasqal_tui.cloud.pipeline import Window, fetch_rest


def page(offset: int, total: int, size: int = 10) -> Page[int]:
    items = list(range(offset, min(total, offset + size)))
    return Page[int](items=items, total=total, offset=offset, limit=size)


def test_window_grows_while_answers_are_as_fast_as_the_fastest_up_to_its_bound() -> None:
    window = Window(start=8, low=2, high=12)
    for _ in range(10):
        window.observe(0.050)  # the network's round trip, nothing queued
    assert window.size == 12


def test_window_shrinks_when_answers_queue_down_to_its_bound_and_holds_in_between() -> None:
    window = Window(start=8, low=2, high=32)
    window.observe(0.050)
    assert window.size == 9
    window.observe(0.100)  # 2x the fastest: neither limit is clear, the size holds
    assert window.size == 9
    for _ in range(20):
        window.observe(0.200)  # 4x: the server queues the pages
    assert window.size == 2


def test_window_rejects_bounds_out_of_order() -> None:
    with pytest.raises(ValueError):
        Window(start=40, low=2, high=32)


async def test_fetch_rest_keeps_at_most_the_window_in_flight_and_returns_pages_in_order() -> None:
    total = 1_000
    in_flight = peak = 0
    sizes: list[int] = []
    window = Window(start=3, low=2, high=5)

    async def fetch(offset: int) -> Page[int]:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        sizes.append(window.size)
        await asyncio.sleep(0.001 * (offset % 7))  # answers come back out of order
        in_flight -= 1
        return page(offset, total)

    rest = await fetch_rest(page(0, total), fetch, window)
    assert [p.offset for p in rest] == list(range(10, total, 10))
    assert [i for p in (page(0, total), *rest) for i in p.items] == list(range(total))
    assert peak <= 5 and max(sizes) <= 5
    assert peak > 3  # the window opened beyond its start


async def test_fetch_rest_of_a_single_page_sends_nothing() -> None:
    async def fetch(offset: int) -> Page[int]:
        raise AssertionError("no second page exists")

    assert await fetch_rest(page(0, 7), fetch) == []


async def test_a_failed_page_fails_the_fetch_and_cancels_the_pages_in_flight() -> None:
    cancelled: list[int] = []
    started = asyncio.Event()

    async def fetch(offset: int) -> Page[int]:
        if offset == 10:
            await started.wait()
            raise RuntimeError("page 10 failed")
        started.set()
        try:
            await asyncio.Event().wait()  # a page whose answer never comes
        except asyncio.CancelledError:
            cancelled.append(offset)
            raise
        return page(offset, 100)

    with pytest.raises(RuntimeError, match="page 10 failed"):
        await asyncio.wait_for(fetch_rest(page(0, 100), fetch, Window(start=4)), 10)
    assert sorted(cancelled) == [20, 30, 40]
