"""Forms take keys as they come over SSH (in bursts), complete paths, and check a jobs file as
soon as it is entered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app import loaded_rows, make_app, on_screen, wait_for
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from pasqal_tui.tui.screens.create_batch import CreateBatchScreen
from pasqal_tui.tui.widgets.form_keys import complete_path
from pasqal_tui.tui.widgets.job_editor import JobRow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RABI = str(EXAMPLES / "rabi.json")


def burst(app: Any, keys: list[str]) -> None:
    """Hand every key to the app at once, as a terminal does with a burst read from SSH."""
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = "\t" if key == "tab" else key if len(key) == 1 else None
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def open_form(pilot: Any) -> CreateBatchScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) > 0, what="the batch list")
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen), what="the form")
    return app.screen  # type: ignore[return-value]


def info(form: CreateBatchScreen) -> str:
    return str(form.query_one("#cb-info").render())


def message(form: CreateBatchScreen) -> str:
    return str(form.query_one("#cb-error").render())


async def test_a_tab_burst_lands_in_three_fields(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#cb-sequence", Input).value = RABI
        await pilot.press("enter")
        await wait_for(pilot, lambda: "declares omega" in info(form), what="the variables")
        row = form.query_one(JobRow)
        runs, omega, duration = row.query(Input)
        runs.focus()
        await wait_for(pilot, lambda: app.focused is runs, what="the runs field")
        burst(app, [*"50", "tab", *"3.14", "tab", *"500"])
        await wait_for(pilot, lambda: duration.value == "500", what="the third field")
        assert (runs.value, omega.value, duration.value) == ("50", "3.14", "500")


async def test_the_jobs_file_is_checked_when_entered(demo_cloud: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad-jobs.yaml"
    bad.write_text("- runs: 10\n  variables: {omega: fast, duration: 100}\n")
    good = tmp_path / "good-jobs.yaml"
    good.write_text("- runs: 10\n  variables: {omega: 1.5, duration: 100}\n" * 3)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        form.query_one("#cb-sequence", Input).value = RABI
        await pilot.press("tab")  # leaving the sequence field reads it
        await wait_for(pilot, lambda: "declares omega" in info(form), what="the sequence")
        jobs = form.query_one("#cb-jobs", Input)
        jobs.focus()
        jobs.value = str(bad)
        await pilot.press("enter")  # no Ctrl+S: the file is checked now
        await wait_for(pilot, lambda: "omega" in message(form), what="the bad file's line")
        assert "bad-jobs.yaml" in message(form) and "line 2" in message(form)
        assert form.query_one("#cb-error").has_class("-error")
        assert app.screen is form  # nothing asked, nothing sent
        jobs.value = str(good)
        await pilot.press("tab")  # leaving the field checks it too
        await wait_for(pilot, lambda: "3 jobs, 30 runs, checked" in message(form), what="ok")
        assert not form.query_one("#cb-error").has_class("-error")


async def test_tab_completes_a_path_in_a_file_field(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        sequence = form.query_one("#cb-sequence", Input)
        sequence.value = str(EXAMPLES / "rabi.j")
        sequence.cursor_position = len(sequence.value)
        await wait_for(pilot, lambda: sequence._suggestion == RABI, what="the suggestion")
        await pilot.press("tab")
        assert sequence.value == RABI and app.focused is sequence  # completed, still there
        await pilot.press("tab")  # nothing more to complete: the next field
        await wait_for(pilot, lambda: app.focused is form.query_one("#cb-jobs"), what="next")


def test_path_completion_goes_as_far_as_the_matches_agree(tmp_path: Path) -> None:
    (tmp_path / "rabi.json").write_text("{}")
    (tmp_path / "rabi-jobs.yaml").write_text("")
    (tmp_path / "runs").mkdir()
    assert complete_path(f"{tmp_path}/rabi.") == f"{tmp_path}/rabi.json"
    assert complete_path(f"{tmp_path}/ra") == f"{tmp_path}/rabi"  # two files start so
    assert complete_path(f"{tmp_path}/ru") == f"{tmp_path}/runs/"
    assert complete_path(f"{tmp_path}/x") is None
    assert complete_path(f"{tmp_path}/rabi.json") is None  # nothing longer to add
