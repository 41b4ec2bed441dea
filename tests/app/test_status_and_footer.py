"""What the top and bottom lines say: where you are and what is connected; which keys act."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from support.app import (
    MemoryKeyring,
    batch_list,
    loaded_rows,
    make_app,
    on_screen,
    signing_in_app,
    wait_for,
)
from textual.geometry import Region

from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.help import HelpScreen
from pasqal_tui.tui.screens.job import JobScreen
from pasqal_tui.tui.screens.jobs import JobsScreen
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status_line import StatusLine


def status_text(app: Any) -> str:
    return str(app.screen.query_one(StatusLine).render())


def footer_keys(app: Any) -> list[str]:
    return [key for key, _ in app.screen.query_one(KeyFooter).shown]


async def test_the_status_line_names_host_port_project_and_refresh_age(
    demo_cloud: Any, memory_keyring: MemoryKeyring
) -> None:
    app = signing_in_app(demo_cloud.base_url, "demo", "demo", memory_keyring)
    host_port = urlsplit(demo_cloud.base_url).netloc
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen) and loaded_rows(app))
        await wait_for(pilot, lambda: "just now" in status_text(app), what="the refresh age")
        line = status_text(app)
        assert line.startswith("Batches ")
        assert host_port in line and "Demo project" in line
        assert len(line) <= 78  # one line inside the padding: nothing wraps or is cut
        await pilot.press("p")
        await wait_for(pilot, lambda: "paused" in status_text(app), what="paused")
        assert "just now" not in status_text(app)


async def test_the_breadcrumb_follows_enter_into_a_batch_and_a_job(demo_cloud: Any) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(120, 30)) as pilot:
        batches = await batch_list(pilot)
        batch_id = batches.table.current_id()
        assert batch_id is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobsScreen) and loaded_rows(app) > 0)
        crumb = f"Batches \u203a {batch_id[:8]}"
        await wait_for(pilot, lambda: status_text(app).startswith(crumb), what="the breadcrumb")
        job_id = app.screen.table.current_id()
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_screen(app, JobScreen))
        deeper = f"{crumb} \u203a job {job_id[:8]}"
        await wait_for(pilot, lambda: status_text(app).startswith(deeper), what="job crumb")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen))
        await wait_for(pilot, lambda: status_text(app).startswith("Batches  "), what="back")


async def test_the_footer_at_80_columns_keeps_help_and_hides_paging_on_one_page(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await batch_list(pilot)
        assert screen.state.pages == 1
        await wait_for(pilot, lambda: footer_keys(app), what="the footer")
        keys = footer_keys(app)
        assert keys[-1] == "?"
        assert keys[:4] == ["n", "a", "x", "c"]  # the actions first, most important first
        assert not {"[", "]", "{", "}"} & set(keys)
        footer = app.screen.query_one(KeyFooter)
        assert len(str(footer.render())) <= 78  # all of it inside the line
        # With more than one page, the pager's keys are offered again.
        screen.state = screen.state.__class__(offset=0, limit=10, total=30)
        screen.show_pager()
        await pilot.resize_terminal(160, 24)
        await wait_for(pilot, lambda: "]" in footer_keys(app), what="paging keys")
        assert footer_keys(app)[-1] == "?"


async def test_help_at_40_columns_shows_full_descriptions_and_only_our_keys(
    demo_cloud: Any,
) -> None:
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(40, 12)) as pilot:
        batches = await batch_list(pilot)
        titles = [command.title for command in app.get_system_commands(batches)]
        assert titles.count("Help") == 1 and "Keys" not in titles  # one palette entry for help
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: on_screen(app, HelpScreen), what="help")
        help_screen = app.screen
        descriptions = [row[1] for row in help_screen.rows]  # type: ignore[attr-defined]
        assert "Errored jobs of recent batches, grouped by message" in descriptions
        assert not any("Page Left" in d or "Page Right" in d for d in descriptions)
        shown = " ".join(
            strip.text
            for widget in help_screen.query(".help-keys")
            for strip in widget.render_lines(Region(0, 0, *widget.size))
        )
        # The description is wrapped, not cut: every word of it is on screen.
        words = "Cancel the batch's pending and running jobs (asks y); an open batch with none"
        for word in words.split():
            assert word in shown
        assert "batches.cancel" not in shown  # no ids eating the width
        await pilot.press("question_mark")  # ? closes it again
        await wait_for(pilot, lambda: on_screen(app, BatchesScreen), what="closed")
