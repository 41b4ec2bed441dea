"""Workloads screen against a real local cloud, checked through the API: create, live status,
result, open by id, cancel; the remembered list survives a restart; bad input says why."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from support.app import cell_text, make_app, on_screen, open_from_batch_list, screen_named, wait_for
from support.localcloud import api_client, data
from textual.widgets import Input, TextArea

from pasqal_tui.core.workload_history import Remembered, WorkloadHistory
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.dialogs.workload import (
    CreateWorkloadScreen,
    OpenWorkloadScreen,
    WorkloadResultScreen,
)
from pasqal_tui.tui.screens.workloads import WorkloadsScreen

ROOT = Path(__file__).resolve().parents[2]
RABI = ROOT / "examples" / "rabi.json"
OMEGA = 2 * math.pi


def api_workload(cloud: Any, workload_id: str) -> dict[str, Any]:
    with api_client(cloud) as http:
        found: dict[str, Any] = data(http.get(f"/core-fast/api/v2/workloads/{workload_id}"))
        return found


def project_id(cloud: Any) -> str:
    with api_client(cloud) as http:
        return str(data(http.get("/account/api/v1/projects"))[0]["id"])


def api_create(cloud: Any, config: dict[str, Any], kind: str = "pulser_emulation") -> str:
    body = {"workload_type": kind, "backend": "EMU_FREE", "config": config}
    with api_client(cloud) as http:
        body["project_id"] = str(data(http.get("/account/api/v1/projects"))[0]["id"])
        return str(data(http.post("/core-fast/api/v1/workloads", json=body))["id"])


async def open_workloads(app: Any, pilot: Any) -> WorkloadsScreen:
    return await open_from_batch_list(pilot, "W", WorkloadsScreen)


async def submit_form(app: Any, pilot: Any, config: str, backend: str = "EMU_FREE") -> None:
    await pilot.press("n")
    await wait_for(pilot, lambda: on_screen(app, CreateWorkloadScreen))
    form = app.screen
    form.query_one("#wl-backend", Input).value = ""
    form.query_one("#wl-backend", Input).focus()
    await pilot.press(*backend.lower())
    form.query_one("#wl-config", TextArea).text = config
    await pilot.press("ctrl+s")


async def create_workload(app: Any, pilot: Any, config: str, backend: str = "EMU_FREE") -> str:
    """Fill the form, send it, and answer the confirmation with `y`; returns what it said."""
    await submit_form(app, pilot, config, backend)
    await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the confirmation")
    said = str(app.screen.query_one("#confirm-body").render())
    await pilot.press("y")
    return said


def rendered(app: Any, selector: str) -> str:
    """What a Static shows, as plain text (Rich renderables drawn 150 columns wide)."""
    console = app.console
    content = app.screen.query_one(selector).content
    lines = console.render_lines(content, console.options.update_width(150))
    return "\n".join("".join(seg.text for seg in line) for line in lines)


def status_of(screen: WorkloadsScreen, workload_id: str) -> str:
    index = screen.table.row_ids.index(workload_id)
    return cell_text(screen.table.get_row_at(index)[1])


async def test_create_live_status_result_and_restart(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    config = f"sequence: !file {RABI}\nvariables: {{omega: {OMEGA}, duration: 500}}\nruns: 60\n"
    app = make_app(demo_cloud.base_url, refresh=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        assert screen.table.row_count == 0
        before = len(audit_entries())
        await submit_form(app, pilot, config, backend="emu_free")
        await wait_for(pilot, lambda: on_screen(app, ConfirmScreen), what="the y question")
        assert len(audit_entries()) == before  # nothing sent before `y`
        assert "Create a pulser_emulation workload on EMU_FREE" in str(
            app.screen.query_one("#confirm-body").render()
        )
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and screen.table.row_count == 1)
        [created] = screen.table.row_ids
        api = api_workload(demo_cloud, created)
        assert (api["workload_type"], api["backend"]) == ("pulser_emulation", "EMU_FREE")
        assert api["config"]["runs"] == 60
        assert api["config"]["sequence"] == RABI.read_text(encoding="utf-8")
        assert api["config"]["variables"] == {"omega": OMEGA, "duration": 500}
        # Live: the refresh loop brings the status to DONE without a key press.
        await wait_for(pilot, lambda: status_of(screen, created) == "DONE", timeout=90)
        api = api_workload(demo_cloud, created)
        assert api["status"] == "DONE"
        counter = api["result"]["counter"] if api["result"] else None
        if counter is None:  # the result may live behind result_link
            assert screen.workloads[created].result is not None
            counter = screen.workloads[created].result["counter"]
        assert sum(counter.values()) == 60
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, WorkloadResultScreen))
        shown = rendered(app, "#workload-result-body")
        assert "60 samples" in shown
        top = max(counter, key=lambda k: (counter[k], k))
        assert top in shown
        await pilot.press("escape")

    history = WorkloadHistory("local")
    assert history.ids == [created]
    assert history.items[0].origin == "created"

    app = make_app(demo_cloud.base_url, refresh=2.0)  # a restart: the list is still there
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        await wait_for(pilot, lambda: created in screen.workloads)
        assert screen.table.row_ids == [created]
        assert status_of(screen, created) == "DONE"


async def test_open_by_id_and_bad_ids(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    foreign = api_create(demo_cloud, {"runs": 10}, kind="not_a_type")  # made elsewhere
    missing = "0badc0de-0000-4000-8000-000000000000"
    app = make_app(demo_cloud.base_url, refresh=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, OpenWorkloadScreen))
        dialog = app.screen
        await pilot.press(*"abc", "enter")
        error = str(dialog.query_one("#wl-id-error").content)
        assert error == "workload id: 'abc' is not a UUID (36 characters)"
        assert dialog.query_one("#wl-id", Input).value == "abc"  # kept
        dialog.query_one("#wl-id", Input).value = missing
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: any(missing in n.message for n in app._notifications))
        assert screen.table.row_count == 0  # not remembered

        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, OpenWorkloadScreen))
        app.screen.query_one("#wl-id", Input).value = foreign.upper()
        await pilot.press("enter")
        await wait_for(pilot, lambda: foreign in screen.workloads)
        assert screen.table.row_ids == [foreign]
        await wait_for(pilot, lambda: status_of(screen, foreign) == "ERROR", timeout=30)
        assert api_workload(demo_cloud, foreign)["status"] == "ERROR"
        detail = rendered(app, "#workload-detail-body")
        assert "not_a_type" in detail
        assert api_workload(demo_cloud, foreign)["errors"][0] in detail
    assert WorkloadHistory("local").items[0].origin == "opened"


async def test_cancel_a_running_workload(demo_cloud, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pasqal_tui.localcloud.sequences import adiabatic_sweep

    heavy = tmp_path / "sweep.json"
    heavy.write_text(adiabatic_sweep(12), encoding="utf-8")
    config = f"sequence: !file {heavy}\nvariables: {{t_sweep: 5000}}\nruns: 100\n"
    app = make_app(demo_cloud.base_url, refresh=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        await create_workload(app, pilot, config)
        await wait_for(pilot, lambda: app.screen is screen and screen.table.row_count == 1)
        [created] = screen.table.row_ids
        assert status_of(screen, created) in ("PENDING", "RUNNING")
        await pilot.press("c")
        await wait_for(pilot, lambda: screen_named(app, "ConfirmScreen"))
        await pilot.press("y")
        await wait_for(pilot, lambda: status_of(screen, created) == "CANCELED", timeout=20)
        assert api_workload(demo_cloud, created)["status"] == "CANCELED"
        await pilot.press("c")  # nothing left to cancel: said, not sent
        assert any("nothing to cancel" in n.message for n in app._notifications)


async def test_bad_form_keeps_text_and_names_the_problem(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        bad = "runs: 10\nsequence: [unclosed\n"
        await submit_form(app, pilot, bad)
        form = app.screen
        assert isinstance(form, CreateWorkloadScreen)
        assert str(form.query_one("#wl-error").content).startswith("config: line 3: ")
        assert form.query_one("#wl-config", TextArea).text == bad  # kept
        form.query_one("#wl-config", TextArea).text = "runs: 10\nsequence: !file /nope.json\n"
        await pilot.press("ctrl+s")
        error = str(form.query_one("#wl-error").content)
        assert error == "config: line 2: cannot read /nope.json (No such file or directory)"
        form.query_one("#wl-backend", Input).value = " "
        await pilot.press("ctrl+s")
        assert str(form.query_one("#wl-error").content) == "backend: required, e.g. EMU_FREE"
        await pilot.press("escape")
        assert app.screen is screen and screen.table.row_count == 0


async def test_read_only_refuses_to_create(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        await pilot.press("n")
        assert app.screen is screen
        assert any("Read-only" in n.message for n in app._notifications)


def test_damaged_history_is_set_aside(xdg_dirs: Path) -> None:
    first = WorkloadHistory("work/eu")  # a profile name that is not a file name
    first.remember(Remembered("11111111-1111-4111-8111-111111111111", "t", "EMU_FREE"))
    assert first.path.name == "work_eu.json"
    first.path.write_text("[{not json", encoding="utf-8")
    again = WorkloadHistory("work/eu")
    assert again.items == []
    assert again.problem is not None
    assert again.problem.startswith(f"{first.path}: unreadable (")
    assert first.path.with_suffix(".json.bad").read_text(encoding="utf-8") == "[{not json"
    again.remember(Remembered("22222222-2222-4222-8222-222222222222"))
    assert WorkloadHistory("work/eu").ids == ["22222222-2222-4222-8222-222222222222"]


async def test_unknown_remembered_ids_say_why(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    missing = "0badc0de-0000-4000-8000-000000000001"
    history = WorkloadHistory("local")
    history.remember(Remembered(missing, "pulser_emulation", "EMU_FREE"))
    history.remember(Remembered("not-an-id", "typo", "EMU_FREE"))  # a hand-edited file
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_workloads(app, pilot)
        await wait_for(pilot, lambda: len(screen.problems) == 2, what="both reasons")
        assert screen.table.row_ids == ["not-an-id", missing]
        assert {status_of(screen, i) for i in screen.table.row_ids} == {"UNKNOWN"}
        assert missing in screen.problems[missing] and "not found" in screen.problems[missing]
        assert "not-an-id" in screen.problems["not-an-id"]
        assert not [n for n in app._notifications if n.severity == "error"]


def audit_entries() -> list[str]:
    """The audit log's lines (the test's own XDG state dir)."""
    from pasqal_tui.core.audit import audit_file

    path = audit_file()
    return path.read_text().splitlines() if path.exists() else []
