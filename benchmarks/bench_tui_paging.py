"""Job table: page change and filter change to the repainted frame, and memory after paging.

Runs the real app headless (Textual still composes every frame; it only skips the terminal
write) against a demo local cloud. For each key press it records when the page's data reached
the screen (the JobsLoaded handler) and when the next frame was composed, and prints the
medians of data->frame (target <= 50 ms) and key->frame (includes the HTTP request), then RSS
after 100 page changes (target <= 150 MB).

With ``--jobs N`` it runs instead on one batch of N jobs (100,000: what users have; inserted
directly, as bench_localcloud_scale.py does) and adds the jumps to the last and the first page
(``}`` / ``{``). Targets there, key to frame: page and filter change median <= 50 ms, jump to the
last page <= 60 ms (the first jump comes from a middle page and asks the cloud; the others go
back and forth between pages shown before, which the app keeps; so do the filter changes after
the first to each filter, and the first to ERROR, read while the batch is shown: the bench waits
for that read, as a user looks at a batch before pressing `4`). The page changes run twice in
one run: with the next page read ahead (what the app does) and without
(``JobsScreen.AHEAD_FRESH`` below zero: no read-ahead, every flip asks the cloud), then 40 more
at reading pace: each ``]`` once the next page has been read ahead, as when a user looks at a
page first (the key then costs no request, and its rows were built before it was pressed).
With ``--rtt MS`` the app reaches the cloud through a proxy that delays each way by half of it.

    .venv/bin/python benchmarks/bench_tui_paging.py [--pages 100] [--jobs 100000] [--rtt 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["TEXTUAL_ANIMATIONS"] = "none"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _latency_proxy import LatencyProxyProcess
from bench_localcloud_scale import populate

from pasqal_tui.core.gc_pause import freeze_startup
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.tui.app import AppOptions, PasqalApp
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


RENDERS: list[float] = []  # seconds of the first render_lines call after each new page
FRESH = [False]  # a new page arrived and was not rendered yet


class Probe:
    """Timestamps of data arrival and of the frames composed after it."""

    def __init__(self, app: PasqalApp) -> None:
        self.data: float | None = None
        self.frame: float | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None and self.data is not None and self.frame is None:
                self.frame = time.perf_counter()

        app._display = display  # type: ignore[method-assign]

    def loaded(self) -> None:
        self.data = time.perf_counter()
        self.frame = None
        FRESH[0] = True


async def until(pilot: Any, condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await pilot.pause(0.005)


def _timed_renders(cls: Any) -> None:
    """Time ``cls.render_lines`` (the cells of every changed line) into RENDERS, once per
    new page (later renders of the same page hit Textual's line cache)."""
    original = cls.render_lines

    def render_lines(self: Any, crop: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, crop)
        finally:
            if FRESH[0]:
                FRESH[0] = False
                RENDERS.append(time.perf_counter() - start)

    cls.render_lines = render_lines


async def bare_datatable_page(pages: int = 12) -> float:
    """Median render of a new page of 100 rows in a bare DataTable at 160x45 (9 columns of
    Text, as wide as the job table's): the floor any DataTable-based table pays per flip."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(DataTable[Text]):
        pass

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Bare(cursor_type="row")

    _timed_renders(Bare)
    widths = [1, 8, 9, 6, 10, 10, 10, 40, 30]
    app = BareApp()
    async with app.run_test(size=(160, 45)) as pilot:
        table = app.query_one(Bare)
        for i, width in enumerate(widths):
            table.add_column(f"c{i}", key=f"c{i}", width=width)
        await pilot.pause()
        RENDERS.clear()
        for page in range(pages):
            table.clear()
            for r in range(100):
                table.add_row(*(Text(f"{page}-{r}-{i}"[:w]) for i, w in enumerate(widths)))
            FRESH[0] = True
            await pilot.pause()
    values = list(RENDERS)
    RENDERS.clear()
    return statistics.median(values)


async def measure(url: str, pages: int, jumps: int = 0) -> None:
    from pasqal_tui.tui.widgets.table import DiffTable

    bare = await bare_datatable_page()
    _timed_renders(DiffTable)
    app = PasqalApp(AppOptions(local_url=url))
    async with app.run_test(size=(160, 45)) as pilot:
        probe = Probe(app)
        original = JobsScreen.on_jobs_loaded

        def hooked(self: JobsScreen, message: Any) -> None:
            probe.loaded()
            original(self, message)

        JobsScreen.on_jobs_loaded = hooked  # type: ignore[method-assign]
        await until(pilot, lambda: isinstance(app.screen, BatchesScreen) and app.screen.items)
        freeze_startup()  # what the app does run in a terminal (this one is headless)
        batches = app.screen
        assert isinstance(batches, BatchesScreen)
        big = max(batches.items, key=lambda b: b.jobs_count)
        mixed = max(batches.items, key=lambda b: b.jobs_count_per_status.get("ERROR", 0))

        async def step(key: str, screen: JobsScreen, done: Any) -> tuple[float, float]:
            probe.data = probe.frame = None
            start = time.perf_counter()
            await pilot.press(key)
            await until(pilot, lambda: done() and probe.frame is not None)
            assert probe.data is not None and probe.frame is not None
            return probe.frame - probe.data, probe.frame - start

        async def open_batch(batch_id: str) -> JobsScreen:
            batches.table.move_to_id(batch_id)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded)
            screen = app.screen
            assert isinstance(screen, JobsScreen)
            return screen

        jobs = await open_batch(big.id)

        async def flips() -> tuple[list[float], list[float]]:
            afters, totals = [], []
            for i in range(pages):
                forward = (i // 49) % 2 == 0
                offset = jobs.state.offset + (100 if forward else -100)
                key = "right_square_bracket" if forward else "left_square_bracket"
                after, total = await step(key, jobs, lambda o=offset: jobs.state.offset == o)
                afters.append(after)
                totals.append(total)
            return afters, totals

        ahead = JobsScreen.AHEAD_FRESH
        JobsScreen.AHEAD_FRESH = -1.0  # no read-ahead: every flip asks the cloud
        _, unread_total = await flips()
        JobsScreen.AHEAD_FRESH = ahead
        page_after, page_total = await flips()

        # At reading pace: each `]` once the next page has been read ahead (a user looks at a
        # page for longer than that takes), so only what the key itself costs is timed.
        paced_total = []
        for _ in range(min(pages, 40)):
            await until(pilot, lambda: jobs._ahead is not None)
            offset = jobs.state.offset + 100
            _, total = await step(
                "right_square_bracket", jobs, lambda o=offset: jobs.state.offset == o
            )
            paced_total.append(total)
        rss = rss_mb()
        jump_total: dict[str, list[float]] = {"last": [], "first": []}
        jumps_from = jobs.state.offset
        for _ in range(jumps):
            last = (big.jobs_count - 1) // 100 * 100
            for name, key, where in (
                ("last", "right_curly_bracket", last),
                ("first", "left_curly_bracket", 0),
            ):
                _, total = await step(key, jobs, lambda o=where: jobs.state.offset == o)
                jump_total[name].append(total)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is batches)
        jobs = await open_batch(mixed.id)
        # As a user looks at the batch before pressing `4`: its errored jobs' first page is
        # read meanwhile (JobsScreen._read_errors), where the app keeps it.
        await until(pilot, lambda: any(key.filters.status for key, _, _ in jobs._kept))
        filter_after, filter_total = [], []
        for i in range(20):
            key, status = ("4", "ERROR") if i % 2 == 0 else ("3", "DONE")
            after, total = await step(
                key, jobs, lambda s=status: [x.value for x in jobs.filters.status or []] == [s]
            )
            filter_after.append(after)
            filter_total.append(total)

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms"

    print(f"page change ({pages} pages of the {big.jobs_count:,}-job batch, 160x45):")
    print(f"  data arrived -> frame composed: {ms(page_after)} (target median <= 50 ms)")
    print(f"  key -> frame (includes HTTP):    {ms(page_total)}")
    print(f"  key -> frame without read-ahead: {ms(unread_total)}")
    print(f"  key -> frame at reading pace:    {ms(paced_total)} (the next page read ahead)")
    print(f"filter change (ERROR <-> DONE on batch {mixed.id[:8]}, 20 changes):")
    print(f"  data arrived -> frame composed: {ms(filter_after)}")
    print(f"  key -> frame (includes HTTP):    {ms(filter_total)}")
    print(
        f"    the first change to ERROR (read while the batch was shown): "
        f"{filter_total[0] * 1000:.1f} ms; the first to DONE (asked for): "
        f"{filter_total[1] * 1000:.1f} ms; later ones: kept pages"
    )
    for name, values in jump_total.items():
        if values:
            print(
                f"jump to the {name} page, key -> frame: {ms(values)}; the first "
                f"{values[0] * 1000:.1f} ms (from page {jumps_from // 100 + 1}: asked for), "
                "the others shown before"
            )
    print(f"RSS after {pages} page changes: {rss:.0f} MB (target <= 150 MB)")
    ours = statistics.median(RENDERS)
    print(
        f"render of a new page: ours {ours * 1000:.1f} ms, a bare DataTable {bare * 1000:.1f} ms "
        f"(ours / bare {ours / bare:.2f}x): the floor of a frame on this machine"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="one batch of this many jobs")
    parser.add_argument("--jumps", type=int, default=10, help="last/first page jumps (--jobs)")
    parser.add_argument("--rtt", type=float, default=0.0, help="round trip to the cloud, ms")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update({f"XDG_{k}_HOME": f"{tmp}/{k.lower()}" for k in ("CONFIG", "STATE")})
        data_dir = Path(tmp) / "cloud"
        if args.jobs:
            data_dir.mkdir()
            populate(data_dir / "cloud.sqlite3", [args.jobs], random.Random(7))
            server_args, jumps = ["--workers", "1"], args.jumps
        else:
            server_args, jumps = ["--demo", "--seed", "1"], 0
        with LocalCloudProcess(data_dir, server_args, startup_timeout=600) as cloud:
            if not args.rtt:
                asyncio.run(measure(cloud.base_url, args.pages, jumps))
                return
            port = int(cloud.base_url.rsplit(":", 1)[1])
            with LatencyProxyProcess(port, args.rtt) as proxy:
                print(f"the cloud is {args.rtt:.0f} ms away (round trip)")
                asyncio.run(measure(proxy.base_url, args.pages, jumps))


if __name__ == "__main__":
    main()
