"""Submission files are parsed off the event loop, once per version of the file: keys still
answer while a 10,000-job file parses, and a second submit reuses the first one's parse."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from support.app import loaded_rows, make_app, on_screen, wait_for
from textual.widgets import Input

from pasqal_tui.ops.submission import MAX_JOBS
from pasqal_tui.tui.screens import create_batch, submission_form
from pasqal_tui.tui.screens.create_batch import CreateBatchScreen
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen

RABI = str(Path(__file__).resolve().parents[2] / "examples" / "rabi.json")
JOB = "- runs: 10\n  variables: {omega: 1.5, duration: 100}\n"


class Counted:
    """Wraps a parse: counts calls, notes the thread, and holds each call until released."""

    def __init__(self, parse: Any, hold: bool = False) -> None:
        self.parse = parse
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, *args: Any) -> Any:
        self.threads.append(threading.current_thread())
        assert self.release.wait(timeout=60), "the test never released the parse"
        return self.parse(*args)


async def test_big_jobs_file_parses_off_the_loop_once_for_two_submits(
    demo_cloud: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs_file = tmp_path / "many.yaml"
    jobs_file.write_text(JOB * MAX_JOBS)
    jobs = Counted(submission_form.parse_jobs_file, hold=True)
    sequences = Counted(create_batch.parse_sequence_file)
    monkeypatch.setattr(submission_form, "parse_jobs_file", jobs)
    monkeypatch.setattr(create_batch, "parse_sequence_file", sequences)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
        await pilot.press("n")
        await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen))
        form = app.screen
        form.query_one("#cb-sequence", Input).value = RABI
        form.query_one("#cb-jobs", Input).value = str(jobs_file)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: jobs.threads, what="the jobs file's parse")

        # The parse is held in its thread: the form still takes keys meanwhile.
        assert jobs.threads[0] is not threading.main_thread()
        assert sequences.threads[0] is not threading.main_thread()
        tags = form.query_one("#cb-tags", Input)
        tags.focus()
        await pilot.press("q", "1")
        assert tags.value == "q1"
        assert "Reading the files" in str(form.query_one("#cb-error").render())
        assert not isinstance(app.screen, ConfirmScreen)

        jobs.release.set()  # parsing 10,000 jobs and Pulser's first import take seconds
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), 60, "confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "10,000 jobs, 100,000 runs." in body
        await pilot.press("n")  # declined: nothing is sent
        await wait_for(pilot, lambda: app.screen is form)

        await pilot.press("ctrl+s")  # the same files: the first parse serves again
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm again")
        assert len(jobs.threads) == 1 and len(sequences.threads) == 1
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form)

        jobs_file.write_text(JOB * 3)  # a new version of the file is read again
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the new file")
        assert "3 jobs, 30 runs." in str(app.screen.query_one("#confirm-body").render())
        assert len(jobs.threads) == 2 and len(sequences.threads) == 1
        await pilot.press("n")
        assert form.query_one("#cb-tags", Input).value == "q1"
