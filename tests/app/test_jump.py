"""Jump to a batch by id (`i`): it opens the batch, and Esc comes back to the browser exactly as
it was (no filter bar left open, no half-typed id, the cursor where it was); status keys work."""

from __future__ import annotations

from typing import Any

from support.app import batch_list, loaded_rows, make_app, on_screen, wait_for

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.dialogs.jump import JumpScreen, resolve
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.filter_line import FilterLine

IDS = [
    "7a33e0c2-0000-4000-8000-000000000001",
    "7a34aaaa-0000-4000-8000-000000000002",
    "b1c2d3e4-0000-4000-8000-000000000003",
]


def test_resolve_names_one_batch_or_says_why() -> None:
    assert resolve(" 7A33 ", IDS) == IDS[0]
    assert resolve("b", IDS) == IDS[2]
    other = "0f0f0f0f-0000-4000-8000-00000000000f"
    assert resolve(other, IDS) == other  # a full id need not be on the page
    for text, why in (
        ("", "Type a batch id"),
        ("7a3", "2 batches on this page start with '7a3': type more"),
        ("ffff", "No batch on this page starts with 'ffff': type the full id"),
        ("batch 7", "is not an id"),
    ):
        try:
            resolve(text, IDS)
        except ValueError as exc:
            assert why in str(exc), text
        else:
            raise AssertionError(f"{text!r} resolved")


def unique_prefix(ids: list[str], target: str) -> str:
    for size in range(4, 36):
        prefix = target[:size]
        if sum(i.startswith(prefix) for i in ids) == 1:
            return prefix
    return target


def bar_state(screen: BatchesScreen) -> tuple[bool, str]:
    line = screen.query_one(FilterLine)
    return bool(line.display), line.text


async def test_jump_opens_the_batch_and_esc_restores_the_browser(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await batch_list(pilot)
        ids = [b.id for b in screen.items]
        target = screen.items[6]
        await pilot.press("j", "j")
        before = (screen.table.cursor_row, bar_state(screen), app.focused)
        assert before[1] == (False, "")

        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, JumpScreen), what="the dialog")
        await pilot.press(*"ffff", "enter")  # matches nothing: said in the dialog, nothing opened
        hint = str(app.screen.query_one("#jump-hint").render())
        assert "No batch on this page starts with 'ffff'" in hint
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="the browser")
        assert (screen.table.cursor_row, bar_state(screen), app.focused) == before

        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, JumpScreen), what="the dialog")
        await pilot.press(*unique_prefix(ids, target.id), "enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        assert app.screen.the_batch.id == target.id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="the browser")
        assert (screen.table.cursor_row, bar_state(screen), app.focused) == before

        await pilot.press("4")  # a status key filters at once, no "not a full id"
        await wait_for(pilot, lambda: screen.filters.status == ["ERROR"] and not screen.stale)
        hint = screen.query_one(".filter-hint")
        assert not hint.has_class("-error")
        await pilot.press("0")
        await wait_for(pilot, lambda: screen.filters.status is None)

        full = screen.items[2].id  # a full id opens its batch too
        await pilot.press("i")
        await wait_for(pilot, lambda: on_screen(app, JumpScreen), what="the dialog")
        await pilot.press(*full.upper(), "enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen))
        assert app.screen.the_batch.id == full  # type: ignore[attr-defined]
