"""Regenerate the SVG screenshots of every main screen into screenshots/ (`make screenshots`).

The pictures come from the local cloud's deterministic demo (fixed --seed and --clock-origin)
and an app clock stopped just after that origin, so running this twice gives the same files.
Config, state and data go to a temporary folder: the user's own settings are never touched.
"""

from __future__ import annotations

import os

# Textual reads these at import: set them before anything imports it.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.pop("NO_COLOR", None)
os.environ.pop("TEXTUAL_THEME", None)
os.environ["COLORTERM"] = "truecolor"

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 7
ORIGIN = "2026-03-02T09:30:00+00:00"
HISTORY_END = "2026-03-01"  # the demo's live batches come after: they change while it runs
Step = Callable[[Any], Awaitable[None]]


async def wait_for(pilot: Any, condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if condition():
                return
        except Exception:  # the screen may not be composed yet
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        await pilot.pause(0.05)


async def settle(pilot: Any) -> None:
    """No request running, no toast, no blinking cursor: a still picture."""
    from textual.widgets import Input

    app = pilot.app
    await wait_for(pilot, lambda: not [w for w in app.workers if w.is_running], "workers")
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


async def batches(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.loaded and app.screen.items, "the batch list")
    await pilot.press("slash", *f"until:{HISTORY_END}", "enter")
    await wait_for(pilot, lambda: app.screen.filters.end_date is not None, "the date filter")
    await wait_for(pilot, lambda: not app.screen.stale and app.screen.items, "the history")


async def error_jobs(pilot: Any) -> None:
    app = pilot.app
    await batches(pilot)
    screen = app.screen
    target = max(screen.items, key=lambda b: (b.jobs_count_per_status.get("ERROR", 0), b.id))
    screen.table.move_to_id(target.id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "JobsScreen", "the jobs")
    await wait_for(pilot, lambda: app.screen.loaded, "the job table")
    await pilot.press("4")
    jobs = app.screen
    await wait_for(pilot, lambda: jobs.filters.status == ["ERROR"] and not jobs.stale, "ERROR")
    await wait_for(pilot, lambda: all(j.status.value == "ERROR" for j in jobs.items), "ERROR")


async def job_detail(pilot: Any) -> None:
    app = pilot.app
    await error_jobs(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "JobScreen", "the job")
    await wait_for(pilot, lambda: app.screen.loaded, "the full job")


async def help_screen(pilot: Any) -> None:
    await batches(pilot)
    await pilot.press("question_mark")


async def workloads(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.loaded, "the batch list")
    await pilot.press("W")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "WorkloadsScreen", "workloads")
    screen = app.screen
    await wait_for(pilot, lambda: len(screen.workloads) == len(screen.history.ids), "statuses")
    done = [w.id for w in screen.workloads.values() if w.status.value == "DONE"]
    if done:
        screen.table.move_to_id(done[0])
        await wait_for(pilot, lambda: screen.shown_id == done[0], "the workload's detail")
        await pilot.pause()


async def devices(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.loaded, "the batch list")
    await pilot.press("D")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "DevicesScreen", "devices")
    await wait_for(pilot, lambda: app.screen.loaded, "the device specs")
    app.screen.query_one("#device-list").move_to_id("FRESNEL")
    sheet = app.screen.query_one("#device-sheet")
    await wait_for(pilot, lambda: sheet.spec.device_type == "FRESNEL", "the FRESNEL sheet")
    await pilot.pause()  # one more frame: the new content's layout (and scrollbar)


async def comparison(pilot: Any) -> None:
    app = pilot.app
    await devices(pilot)
    await pilot.press("space")
    app.screen.query_one("#device-list").move_to_id("EMU_FREE")
    await pilot.press("equals_sign")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "DeviceCompareScreen", "compare")


async def login(pilot: Any) -> None:
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#environment"), "the login form")


SHOTS: list[tuple[str, Step, dict[str, Any]]] = [
    ("login", login, {"start_local": False}),
    ("batches", batches, {}),
    ("jobs-error", error_jobs, {}),
    ("job-detail", job_detail, {}),
    ("help", help_screen, {}),
    ("workloads", workloads, {}),
    ("devices", devices, {}),
    ("device-comparison", comparison, {}),
    *[(f"theme-{t}", batches, {"theme": t}) for t in ("pasqal-light", "high-contrast", "ansi-16")],
]


def remember_demo_workloads(data_dir: Path) -> None:
    """The API cannot list workloads: remember the demo's as if this app had created them."""
    from pasqal_tui.core.workload_history import Remembered, WorkloadHistory

    uri = f"file:{data_dir / 'cloud.sqlite3'}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(
            "SELECT id, workload_type, backend, created_at FROM workloads ORDER BY created_at"
        ).fetchall()
    history = WorkloadHistory("local")
    for wid, kind, backend, created in rows:
        history.remember(Remembered(str(wid), str(kind), str(backend), str(created)))


async def shoot(base_url: str, out: Path, size: tuple[int, int], only: set[str]) -> None:
    from pasqal_tui.core.clock import fixed_clock
    from pasqal_tui.tui.app import AppOptions, PasqalApp

    now = datetime.fromisoformat(ORIGIN) + timedelta(minutes=5)
    for name, step, options in SHOTS:
        if only and name not in only:
            continue
        app = PasqalApp(AppOptions(local_url=base_url, clock=fixed_clock(now), **options))
        async with app.run_test(size=size) as pilot:
            await step(pilot)
            await settle(pilot)
            svg = app.export_screenshot(title=f"pasqal-tui · {name}")
        (out / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(out / f"{name}.svg")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", default="120x36", help="terminal size, COLUMNSxROWS")
    parser.add_argument("only", nargs="*", help="names of the shots to redo (default: all)")
    args = parser.parse_args(argv)
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pasqal-screenshots-") as tmp:
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())
        for var in ("PASQAL_TUI_PROFILE", "PASQAL_TUI_CONFIG"):
            os.environ.pop(var, None)
        from pasqal_tui.localcloud.process import LocalCloudProcess

        data_dir = Path(tmp) / "cloud"
        args_ = ["--demo", "--seed", str(SEED), "--clock-origin", ORIGIN]
        cloud = LocalCloudProcess(data_dir, args_).start()
        try:
            remember_demo_workloads(data_dir)
            asyncio.run(shoot(cloud.base_url, args.out, (columns, rows), set(args.only)))
        finally:
            cloud.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
