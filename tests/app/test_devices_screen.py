"""Device specs screen against a real local cloud: every device renders with the API's values,
raw JSON on a key, the comparison shows a known difference, public specs before logging in."""

from __future__ import annotations

import json
from typing import Any

from support.app import make_app, open_from_batch_list, screen_named, wait_for
from support.localcloud import api_client, data

from pasqal_tui.core.device_specs import parse_device
from pasqal_tui.tui.screens.devices import DeviceCompareScreen, DevicesScreen
from pasqal_tui.tui.widgets.device_sheet import DIFF_MARK


def api_specs(cloud: Any) -> dict[str, dict[str, Any]]:
    with api_client(cloud) as http:
        raw = data(http.get("/core-fast/api/v1/devices/specs"))
    return {name: json.loads(text) for name, text in raw.items()}


def rendered(app: Any, selector: str) -> str:
    """What a Static shows, as plain text (Rich tables rendered at the widget's width)."""
    widget = app.screen.query_one(selector)
    console = app.console
    lines = console.render_lines(widget.content, console.options.update_width(150))
    return "\n".join("".join(seg.text for seg in line) for line in lines)


async def open_devices(app: Any, pilot: Any) -> DevicesScreen:
    return await open_from_batch_list(pilot, "D", DevicesScreen)


async def test_every_device_renders_its_limits(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    expected = api_specs(demo_cloud)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_devices(app, pilot)
        assert screen.public is False
        table = screen.query_one("#device-list")
        assert sorted(table.row_ids) == sorted(expected)  # type: ignore[attr-defined]
        seen = set()
        for index in range(len(expected)):
            table.move_cursor(row=index)  # type: ignore[attr-defined]
            await pilot.pause()
            spec = screen.current()
            assert spec is not None and spec.problem is None
            api = expected[spec.device_type]
            text = rendered(app, "#device-body")
            assert spec.device_type in rendered(app, "#device-title")
            labels = (
                "Max atoms", "Min atom distance", "Max radial distance", "Dimensions",
                "Rydberg level", "Supported bases", "SLM mask", "EOM", "Pre-calibrated layouts",
            )  # fmt: skip
            for label in labels:
                assert label in text, label
            assert f"{api['dimensions']}D" in text
            slm = "supported" if api["supports_slm_mask"] else "not supported"
            assert "SLM mask" in text and slm in text
            bases = sorted({c["basis"] for c in api["channels"]})
            assert ", ".join(bases) in text
            if any(c.get("eom_config") for c in api["channels"]):
                assert "yes: controls" in text
            assert f"{api['max_atom_num']:,}" in text
            assert f"{api['min_atom_distance']:g} µm" in text
            assert f"{api['rydberg_level']}" in text
            for channel in api["channels"]:
                assert f"Channel {channel['id']}" in text
                assert f"{channel['max_amp']:.2f} rad/µs" in text
            for layout in api.get("pre_calibrated_layouts", []):
                assert f"({len(layout['coordinates'])} traps)" in text
            seen.add(spec.device_type)
        assert seen == set(expected)

        await pilot.press("v")  # raw JSON of the highlighted device
        raw = rendered(app, "#device-body")
        assert '"max_atom_num"' in raw and "raw JSON" in rendered(app, "#device-title")
        await pilot.press("v")
        assert '"max_atom_num"' not in rendered(app, "#device-body")


async def test_comparison_highlights_a_known_difference(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    expected = api_specs(demo_cloud)
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_devices(app, pilot)
        table = screen.query_one("#device-list")
        table.move_to_id("FRESNEL")  # type: ignore[attr-defined]
        await pilot.press("space")
        assert screen.marked == ["FRESNEL"]
        table.move_to_id("EMU_FREE")  # type: ignore[attr-defined]
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: screen_named(app, "DeviceCompareScreen"))
        compare = app.screen
        assert isinstance(compare, DeviceCompareScreen)
        atoms = next(r for r in compare.rows if r.label == "Max atoms")
        fresnel, emu = expected["FRESNEL"]["max_atom_num"], expected["EMU_FREE"]["max_atom_num"]
        assert fresnel != emu
        assert (atoms.left, atoms.right) == (f"{fresnel:,}", f"{emu:,}")
        assert atoms.differs
        lines = rendered(app, "#compare-table").splitlines()
        atoms_line = next(line for line in lines if "Max atoms" in line)
        assert atoms_line.lstrip().startswith(DIFF_MARK)
        dims = next(line for line in lines if "Dimensions" in line)
        assert DIFF_MARK not in dims  # same on both: not highlighted
        await pilot.press("d")  # only the differences
        assert "Dimensions" not in rendered(app, "#compare-table")
        assert "Max atoms" in rendered(app, "#compare-table")
        await pilot.press("escape")
        assert app.screen is screen


async def test_public_specs_before_logging_in(demo_cloud) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_cloud.base_url, start_local=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        assert app.cloud.client is None
        app.action_devices()
        await wait_for(pilot, lambda: screen_named(app, "DevicesScreen") and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, DevicesScreen) and screen.public
        assert {d.device_type for d in screen.devices} == set(api_specs(demo_cloud))
        assert "public specs" in str(screen.query_one("#devices-status").render())


def test_broken_specs_say_what_is_wrong() -> None:
    spec = parse_device("FRESNEL", '{"name": "FRESNEL", "max_atom_num": 80,')
    assert spec.problem is not None
    assert spec.problem.startswith("FRESNEL: the specs are not valid JSON")
    odd = parse_device("EMU_X", json.dumps({"name": "EMU_X", "max_atom_num": "many"}))
    assert odd.problem is None and odd.max_atoms == "\u2013"


async def devices_from_login(app: Any, pilot: Any) -> None:
    """Not logged in (the login screen is up): open the public device list."""
    await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
    app.action_devices()
    await wait_for(pilot, lambda: screen_named(app, "DevicesScreen"))


async def test_unreachable_cloud_says_so_in_one_line() -> None:
    app = make_app("http://127.0.0.1:9", start_local=False)  # nothing listens on port 9
    async with app.run_test(size=(100, 30)) as pilot:
        await devices_from_login(app, pilot)

        def status() -> str:
            return str(app.screen.query_one("#devices-status").content)

        await wait_for(pilot, lambda: "Could not" in status(), timeout=30)
        text = status()
        assert text.startswith("Could not load device specs: ")
        assert "\n" not in text and "Traceback" not in text
        assert app.screen.devices == []


async def test_server_text_is_shown_literally_not_as_markup() -> None:
    """Square brackets in what the server sent are text, not Textual markup."""
    from pasqal_tui.tui.screens.devices import DeviceSpecsLoaded

    app = make_app("http://127.0.0.1:9", start_local=False)  # nothing listens on port 9
    async with app.run_test(size=(100, 30)) as pilot:
        await devices_from_login(app, pilot)
        screen = app.screen

        def shown(selector: str) -> str:
            return str(screen.query_one(selector).render())

        await wait_for(pilot, lambda: "Could not" in shown("#devices-status"), timeout=30)
        screen.post_message(DeviceSpecsLoaded({"EMU_[bold]X": "{"}, True))
        await wait_for(pilot, lambda: "EMU_" in shown("#devices-status"))
        assert shown("#devices-status").startswith("EMU_[bold]X: the specs are not valid JSON")
        assert shown("#device-title").startswith("EMU_[bold]X")
