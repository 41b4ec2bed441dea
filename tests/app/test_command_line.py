"""The `:` command line through the real app on the demo cloud: it opens batches by prefix,
names the candidates of an ambiguous one, answers an unknown command in one line and changes
nothing, completes with Tab and remembers lines across Up/Down (and sessions)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from support.app import batch_list, loaded_rows, make_app, on_screen, wait_for

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.dialogs.command import CommandScreen
from pasqal_tui.tui.screens.errors_view import ErrorsScreen
from pasqal_tui.tui.screens.jobs import JobsScreen


def message(app: Any) -> str:
    return str(app.screen.query_one("#command-message").render())


def typed(app: Any) -> str:
    return str(app.screen.query_one("#command-input").value)


def unique_prefix(ids: list[str], target: str) -> str:
    return next(target[:n] for n in range(4, 36) if sum(i.startswith(target[:n]) for i in ids) == 1)


async def prompt(pilot: Any) -> CommandScreen:
    await pilot.press("colon")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandScreen), what="the prompt")
    screen = pilot.app.screen
    assert isinstance(screen, CommandScreen)
    return screen


async def test_jobs_by_prefix_ambiguous_prefixes_and_unknown_commands(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        browser = await batch_list(pilot)
        ids = [b.id for b in browser.items]
        cursor = browser.table.cursor_row

        await prompt(pilot)
        await pilot.press(*"frobnicate", "enter")
        await wait_for(pilot, lambda: "unknown command :frobnicate" in message(app))
        assert "\n" not in message(app).strip() and typed(app) == "frobnicate"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browser, what="the browser, unchanged")
        assert browser.table.cursor_row == cursor and browser.table.row_ids == ids

        first, count = Counter(i[0] for i in ids).most_common(1)[0]
        assert count > 1
        await prompt(pilot)
        await pilot.press(*f"jobs {first}", "enter")
        candidates = [i[:8] for i in ids if i.startswith(first)]
        await wait_for(pilot, lambda: f"matches {count} batches" in message(app))
        assert all(c in message(app) for c in candidates[:6])
        assert isinstance(app.screen, CommandScreen)  # nothing opened

        target = browser.items[3]
        await pilot.press("ctrl+u", *f"jobs {unique_prefix(ids, target.id)}", "enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        assert app.screen.the_batch.id == target.id  # type: ignore[attr-defined]

        await prompt(pilot)
        await pilot.press(*"batches", "enter")
        await wait_for(pilot, lambda: app.screen is browser, what="back to the batch browser")

        # A batch the browser has not loaded (filtered out) is looked up on the server.
        await pilot.press("slash", *"status:done", "enter")
        await wait_for(pilot, lambda: browser.filters.status == ["DONE"] and not browser.stale)
        await wait_for(pilot, lambda: all(b.status.value == "DONE" for b in browser.items))
        hidden = target_pool(ids, browser)[0]
        await prompt(pilot)
        await pilot.press(*f"jobs {unique_prefix(ids, hidden)}", "enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        assert app.screen.the_batch.id == hidden  # type: ignore[attr-defined]


def target_pool(ids: list[str], browser: Any) -> list[str]:
    return [i for i in ids if i not in {b.id for b in browser.items}]


async def test_tab_completes_and_up_down_walk_the_history(demo_cloud: Any, xdg_dirs: Path) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        browser = await batch_list(pilot)
        await prompt(pilot)
        await pilot.press(*"er", "tab")
        await wait_for(pilot, lambda: typed(app) == "errors")
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, ErrorsScreen), what=":errors")
        view = app.screen
        assert isinstance(view, ErrorsScreen)
        await wait_for(pilot, lambda: len(view.all_groups) > 1, what="the error groups")
        texts = [f"{g.message} {' '.join(sorted(g.devices))}".lower() for g in view.all_groups]
        word = next(w for t in texts for w in t.split() if not all(w in u for u in texts))
        kept = [g.key for g, t in zip(view.all_groups, texts, strict=True) if word in t]
        assert 0 < len(kept) < len(view.all_groups)  # `/` then the word narrows the groups
        await pilot.press("slash", *word)
        await wait_for(pilot, lambda: [g.key for g in view.groups] == kept, what="the groups")
        await pilot.press("escape", "escape")  # clears, then back
        await wait_for(pilot, lambda: app.screen is browser)

        await prompt(pilot)
        await pilot.press(*"jo", "tab")  # :jobs and :job: the common part, both named
        await wait_for(pilot, lambda: typed(app) == "job")
        assert "2 candidates: jobs, job" in message(app)
        await pilot.press(*"s ", "tab")  # every loaded batch is a candidate
        await wait_for(pilot, lambda: "candidates:" in message(app))
        await pilot.press("ctrl+u", *"refresh 7", "enter")
        await wait_for(pilot, lambda: app.screen is browser and app.refresh_loop.interval == 7.0)

        await prompt(pilot)
        await pilot.press("up")
        await wait_for(pilot, lambda: typed(app) == "refresh 7")
        await pilot.press("up")
        await wait_for(pilot, lambda: typed(app) == "errors")
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: typed(app) == "")
        await pilot.press("escape")

    history = xdg_dirs / "xdg_state_home" / "pasqal-tui" / "command-history"
    assert history.read_text().splitlines() == ["errors", "refresh 7"]
    assert isinstance(browser, BatchesScreen)
