"""Create a batch (`n`) and add jobs (`a`) through the form; bad input sends nothing.

Each good submission is checked through the API (jobs, variables, tags, configuration); each
bad one must leave the form as typed, show one line naming file, line and field, and leave the
server's batch count unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.actions import (
    JOB,
    audit_lines,
    batch,
    batch_count,
    cloud_fixture,  # noqa: F401  (the module's own cloud)
    jobs_of,
    make_batch,
    open_browser,
)
from support.app import loaded_rows, make_app, on_screen, wait_for
from textual.widgets import Input, Select

from pasqal_tui.cloud.markers import markers_in, user_tags
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.screens.submission_form import SubmissionForm as CreateBatchScreen
from pasqal_tui.tui.widgets.job_editor import JobRow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RABI = str(EXAMPLES / "rabi.json")
RABI_JOBS = str(EXAMPLES / "rabi-jobs.yaml")


def form_error(app: Any) -> str:
    return str(app.screen.query_one("#cb-error").render())


async def open_form(pilot: Any) -> CreateBatchScreen:
    app = pilot.app
    await wait_for(pilot, lambda: loaded_rows(app) >= 0 and app.screen.loaded, what="batches")
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen))
    return app.screen  # type: ignore[return-value]


def set_field(form: CreateBatchScreen, selector: str, value: str) -> None:
    form.query_one(selector, Input).value = value


async def test_create_from_files(cloud: Any, xdg_dirs: Path) -> None:
    before = batch_count(cloud)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"examples/rabi.json")
        form.query_one("#cb-sequence", Input).value = RABI  # the test's cwd may differ
        await pilot.press("enter")
        await wait_for(pilot, lambda: "declares omega (float), duration (int)" in str(
            form.query_one("#cb-info").render()))  # fmt: skip
        set_field(form, "#cb-jobs", RABI_JOBS)
        set_field(form, "#cb-tags", "rabi, scan")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Create a closed batch on EMU_FREE: 10 jobs, 1,000 runs." in body
        assert "Configuration: strict_validation=False, with_noise=False" in body
        assert batch_count(cloud) == before  # nothing sent before y
        await pilot.press("y")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
    assert batch_count(cloud) == before + 1
    created = batch(cloud, new_id)
    assert created["device_type"] == "EMU_FREE" and user_tags(created["tags"]) == ["rabi", "scan"]
    assert len(markers_in(created["tags"])) == 1  # how a lost answer is found again
    assert created["open"] is False
    assert created["configuration"]["with_noise"] is False
    expected = yaml.safe_load(Path(RABI_JOBS).read_text())
    got = [{"runs": j["runs"], "variables": j["variables"]} for j in jobs_of(cloud, new_id)]
    assert got == expected
    entry = audit_lines(xdg_dirs / "xdg_state_home")[-1]
    assert entry["action"] == "create" and entry["details"] == {"created": [new_id]}


async def test_create_open_batch_from_typed_jobs_on_emu_tn(cloud: Any) -> None:
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        set_field(form, "#cb-sequence", RABI)
        form.query_one("#cb-sequence", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(form.query(JobRow)) == 1)
        form.query_one("#cb-device", Select).value = "EMU_TN"
        await pilot.pause()
        set_field(form, "#cb-dt", "fast")
        row = form.query_one(JobRow)
        runs, omega, duration = row.query(Input)
        runs.focus()
        await pilot.press("2", "5", "tab", "1", ".", "5", "tab", "3", "0", "0")
        assert (runs.value, omega.value, duration.value) == ("25", "1.5", "300")
        await pilot.press("ctrl+n")
        await pilot.pause()
        second = form.query(JobRow)[1]
        for field, value in zip(second.query(Input), ("5", "2", "64"), strict=True):
            field.value = value
        await pilot.press("ctrl+s")
        assert form_error(app) == "dt: 'fast' is not a number"
        assert not isinstance(app.screen, ConfirmScreen)
        set_field(form, "#cb-dt", "5")
        form.query_one("#cb-open").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="confirm")
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Create an open batch on EMU_TN: 2 jobs, 30 runs." in body
        assert "dt=5.0, precision=normal, max_bond_dim=500" in body
        assert "EMU_TN is deprecated by the Pasqal SDK in favour of EMU_MPS" in body
        await pilot.press("y")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen), what="the new batch")
        new_id = app.screen.the_batch.id  # type: ignore[attr-defined]
    created = batch(cloud, new_id)
    assert created["open"] is True and created["configuration"]["dt"] == 5.0
    got = [(j["runs"], j["variables"]) for j in jobs_of(cloud, new_id)]
    assert got == [(25, {"omega": 1.5, "duration": 300}), (5, {"omega": 2.0, "duration": 64})]


BAD_CASES = {
    "malformed-sequence": (
        "seq",
        "bad.json",
        '{\n  "register": [,\n}',
        "bad.json line 2: not valid JSON",
    ),
    "wrong-type": (
        "jobs",
        "j.yaml",
        "- runs: 10\n  variables: {omega: fast, duration: 100}\n",
        "j.yaml line 2: jobs[0].variables.omega: must be a number (float), got text 'fast'",
    ),
    "missing-variable": (
        "jobs",
        "j.yaml",
        "- runs: 10\n  variables: {omega: 1.0}\n",
        "j.yaml line 2: jobs[0].variables: missing duration",
    ),
    "extra-variable": (
        "jobs",
        "j.yaml",
        "- runs: 10\n  variables:\n    omega: 1.0\n    duration: 100\n    phase: 2\n",
        "j.yaml line 5: jobs[0].variables.phase: not declared by the sequence",
    ),
    "runs-zero": (
        "jobs",
        "j.yaml",
        "- runs: 0\n  variables: {omega: 1.0, duration: 100}\n",
        "j.yaml line 1: jobs[0].runs: must be at least 1, got 0",
    ),
    "huge": ("jobs", "huge.yaml", None, "huge.yaml: is 20.0 MiB, more than the 10.0 MiB limit"),
    "binary": (
        "seq",
        "seq.json",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "seq.json: is a binary file, not text",
    ),
    "no-such-path": ("jobs", "missing.yaml", "", "missing.yaml: no such file"),
    "not-pulser": ("seq", "odd.json", "BOGUS_OP", "odd.json: not a valid Pulser sequence (at $."),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
async def test_bad_input_sends_nothing(cloud: Any, tmp_path: Path, case: str) -> None:
    which, name, content, expected = BAD_CASES[case]
    path = tmp_path / name
    if content is None:
        with path.open("wb") as handle:
            handle.truncate(20 * 1024 * 1024)
    elif content == "BOGUS_OP":  # well-formed JSON with the right keys, but not Pulser's
        document = json.loads(Path(RABI).read_text())
        document["operations"][0]["op"] = "bogus"
        path.write_text(json.dumps(document))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif case != "no-such-path":
        path.write_text(content)
    sequence = str(path) if which == "seq" else RABI
    jobs = str(path) if which == "jobs" else RABI_JOBS
    before = batch_count(cloud)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        set_field(form, "#cb-sequence", sequence)
        set_field(form, "#cb-jobs", jobs)
        set_field(form, "#cb-tags", "kept")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: str(tmp_path) in form_error(app), what="the message")
        assert isinstance(app.screen, CreateBatchScreen)
        assert form_error(app).startswith(str(tmp_path))
        assert expected in form_error(app), form_error(app)
        assert "\n" not in form_error(app) and "Traceback" not in form_error(app)
        assert form.query_one("#cb-sequence", Input).value == sequence
        assert form.query_one("#cb-jobs", Input).value == jobs
        assert form.query_one("#cb-tags", Input).value == "kept"
    assert batch_count(cloud) == before


async def test_add_jobs_to_an_open_batch(cloud: Any, xdg_dirs: Path) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB], open_=True)
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_browser(pilot, bid)
        await pilot.press("a")
        await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen))
        form = app.screen
        await wait_for(pilot, lambda: "The batch's sequence declares omega" in str(
            form.query_one("#cb-info").render()))  # fmt: skip
        set_field(form, "#cb-jobs", RABI_JOBS)  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen))
        body = str(app.screen.query_one("#confirm-body").render())
        assert f"Add 10 jobs (1,000 runs) to open batch {bid[:8]}." in body
        await pilot.press("y")
        await wait_for(pilot, lambda: len(jobs_of(cloud, bid)) == 11, what="the added jobs")
        await wait_for(pilot, lambda: not isinstance(app.screen, CreateBatchScreen))
    assert audit_lines(xdg_dirs / "xdg_state_home")[-1]["action"] == "add-jobs"


async def test_add_jobs_refused_on_a_closed_batch(cloud: Any) -> None:
    bid = await make_batch(cloud.base_url, "FRESNEL", [JOB])
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_browser(pilot, bid)
        screen = app.screen
        await pilot.press("a")
        await wait_for(pilot, lambda: any("is closed" in n.message for n in app._notifications))
        assert app.screen is screen  # no form opened
    assert len(jobs_of(cloud, bid)) == 1


async def test_the_device_list_comes_from_the_cloud(cloud: Any) -> None:
    """Only devices the cloud serves: its QPUs' specs and the emulators, never FRESNEL_CAN1
    (which this cloud refuses only after `y`)."""
    from support.localcloud import api_client, data

    with api_client(cloud) as http:
        served = data(http.get("/core-fast/api/v1/devices/specs"))
    app = make_app(cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: loaded_rows(app) >= 0, what="the batch list")
        await pilot.press("n")
        await wait_for(pilot, lambda: on_screen(app, CreateBatchScreen))
        select = app.screen.query_one("#cb-device", Select)
        offered = lambda: [value for _label, value in select._options]  # noqa: E731
        await wait_for(pilot, lambda: "FRESNEL_CAN1" not in offered(), what="the cloud's list")
        qpus = [d for d in offered() if not d.startswith("EMU_")]
        assert qpus == sorted(d for d in served if not d.startswith("EMU_"))
        assert "EMU_FREE" in offered() and select.value == "EMU_FREE"
        labels = {value: str(label) for label, value in select._options}
        assert labels["EMU_TN"] == "EMU_TN (deprecated: use EMU_MPS)"
        assert labels["EMU_MPS"] == "EMU_MPS"
