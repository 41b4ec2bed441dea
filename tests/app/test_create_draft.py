"""Esc keeps a filled-in New batch form as a draft: `n` brings it back as it was (for the app
session, in memory); once the batch is created, the next form starts blank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.actions import batch, batch_count, cloud_fixture  # noqa: F401  (the module's cloud)
from support.app import loaded_rows, make_app, on_screen, wait_for
from textual.widgets import Checkbox, Input, Select

from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.create_batch import CreateBatchScreen
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.job_editor import JobRow

RABI = str(Path(__file__).resolve().parents[2] / "examples" / "rabi.json")


async def open_form(pilot: Any) -> CreateBatchScreen:
    app = pilot.app
    await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and app.screen.loaded)
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen), what="the form")
    form = app.screen
    assert isinstance(form, CreateBatchScreen)
    return form


def value(form: CreateBatchScreen, selector: str) -> Any:
    return form.query_one(selector).value  # type: ignore[attr-defined]


def typed_rows(form: CreateBatchScreen) -> list[tuple[str, dict[str, str]]]:
    return [row.texts() for row in form.query(JobRow)]


async def test_esc_keeps_the_form_and_a_created_batch_clears_it(cloud: Any) -> None:
    before = batch_count(cloud)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: loaded_rows(app) >= 0)
        form = await open_form(pilot)
        form.query_one("#cb-sequence", Input).value = RABI
        form.query_one("#cb-sequence", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(form.query(JobRow)) == 1, what="the typed-jobs row")
        runs, omega, duration = form.query_one(JobRow).query(Input)
        runs.value, omega.value, duration.value = "25", "1.5", "300"
        form.query_one("#cb-device", Select).value = "EMU_TN"
        await pilot.pause()
        form.query_one("#cb-dt", Input).value = "5"
        form.query_one("#cb-open", Checkbox).value = True
        form.query_one("#cb-tags", Input).value = "kept, draft"
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen), what="the browser")

        form = await open_form(pilot)  # a new form, filled in as it was left
        await wait_for(pilot, lambda: typed_rows(form) == [
            ("25", {"omega": "1.5", "duration": "300"})], what="the typed rows")  # fmt: skip
        assert value(form, "#cb-sequence") == RABI
        assert value(form, "#cb-device") == "EMU_TN"
        assert value(form, "#cb-dt") == "5" and value(form, "#cb-open") is True
        assert value(form, "#cb-tags") == "kept, draft"
        assert form.query_one("#cb-dt").display  # the EMU_TN fields are shown, as before

        await pilot.press("ctrl+s")  # the restored form is checked and sent like a typed one
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Create an open batch on EMU_TN: 1 job, 25 runs." in body
        await pilot.press("y")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
        await pilot.press("escape")

        form = await open_form(pilot)  # created: the next form starts blank
        await pilot.pause()
        assert value(form, "#cb-sequence") == "" and value(form, "#cb-tags") == ""
        assert value(form, "#cb-device") == "EMU_FREE" and value(form, "#cb-open") is False
        await pilot.press("escape")  # nothing typed: nothing kept
        form = await open_form(pilot)
        assert value(form, "#cb-sequence") == ""
    assert batch_count(cloud) == before + 1
    assert user_tags(batch(cloud, new_id)["tags"]) == ["kept", "draft"]  # + the request marker
