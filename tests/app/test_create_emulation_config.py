"""The create form writes a Pulser EmulationConfig for EMU_FREE, EMU_MPS and EMU_SV (shots,
observables, or a file), Pulser checks it before `y`, and the job runs with it end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulser.backend import EmulationConfig, Results
from support.actions import batch, batch_count, jobs_of, settled
from support.app import loaded_rows, make_app, on_screen, wait_for
from support.localcloud import api_client, data, wait_until
from textual.widgets import Checkbox, Input, Select

from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.screens.submission_form import SubmissionForm
from pasqal_tui.tui.widgets.job_editor import JobRow

RABI = str(Path(__file__).resolve().parents[2] / "examples" / "rabi.json")


async def _filled_form(pilot: Any, device: str) -> SubmissionForm:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) >= 0 and app.screen.loaded, what="batches")
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, SubmissionForm))
    form: SubmissionForm = app.screen
    form.query_one("#cb-sequence", Input).value = RABI
    form.query_one("#cb-sequence", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(form.query(JobRow)) == 1, what="the job row")
    runs, omega, duration = form.query_one(JobRow).query(Input)
    runs.value, omega.value, duration.value = "1", "3.14159", "1000"
    form.query_one("#cb-device", Select).value = device
    await pilot.pause()
    return form


def _error(app: Any) -> str:
    return str(app.screen.query_one("#cb-error").render())


async def test_shots_and_observables_reach_the_job(local_cloud: Any) -> None:
    app = make_app(local_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _filled_form(pilot, "EMU_MPS")
        assert form.query_one("#cb-emulation").display
        form.query_one("#ec-shots", Input).value = "40"
        form.query_one("#ec-occupation", Checkbox).value = True
        form.query_one("#ec-energy", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "EmulationConfig: bitstrings (40 shots), occupation, energy" in body
        await pilot.press("y")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        batch_id = app.screen.the_batch.id  # type: ignore[attr-defined]
    sent = batch(local_cloud, batch_id)["backend_configuration"]
    config = EmulationConfig.from_abstract_repr(sent)
    assert [type(o).__name__ for o in config.observables] == ["BitStrings", "Occupation", "Energy"]
    wait_until(lambda: settled(local_cloud, batch_id), timeout=60)
    (job,) = jobs_of(local_cloud, batch_id)
    with api_client(local_cloud) as api:
        link = data(api.get(f"/core-fast/api/v1/jobs/{job['id']}/results_link"))["results_link"]
        document = api.get(link).json()
    assert sum(document["counter"].values()) == 40
    results = Results.from_abstract_repr(document["serialised_results"])
    assert set(results.get_result_tags()) == {"bitstrings", "occupation", "energy"}


async def test_a_config_file_and_bad_values_are_named_and_nothing_is_sent(
    local_cloud: Any, tmp_path: Path
) -> None:
    bad_observable = tmp_path / "bad.yaml"
    bad_observable.write_text("shots: 30\nobservables: [occupation, magic]\n")
    good = tmp_path / "config.yaml"
    good.write_text("shots: 25\nobservables: [correlations]\nevaluation_times: [0.5, 1.0]\n")
    before = batch_count(local_cloud)
    app = make_app(local_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _filled_form(pilot, "EMU_SV")
        shots = form.query_one("#ec-shots", Input)
        shots.value = "many"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "shots" in _error(app), what="the shots error")
        assert _error(app) == "emulation config shots: 'many' is not a whole number"
        shots.value = ""
        form.query_one("#ec-file", Input).value = str(bad_observable)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "magic" in _error(app), what="the file error")
        assert "unknown observable 'magic'" in _error(app) and "\n" not in _error(app)
        assert not isinstance(app.screen, ConfirmScreen) and shots.value == ""
        form.query_one("#ec-file", Input).value = str(good)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "EmulationConfig: bitstrings (25 shots), correlation_matrix" in body
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_screen(app, SubmissionForm), what="the form")
        form.query_one("#cb-device", Select).value = "EMU_TN"
        await pilot.pause()
        assert not form.query_one("#cb-emulation").display  # EMU_TN reads `configuration`
    assert batch_count(local_cloud) == before
