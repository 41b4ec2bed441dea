"""One meaning per key across the whole dashboard, and keymap ids that users' configs name.

Every binding of the app, of every full screen and of every widget is collected; a key that
means two different things anywhere fails. A registry action's meaning is its verb (``c``
cancels a batch, marked jobs or a workload: one verb); any other binding's is its action,
with the ways of leaving a screen counted as one ("back"). Modal dialogs have their own small
vocabulary (``y`` yes, ``n`` no) and are checked against the app's keys only.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from typing import Any

import pytest
from support.app import on_screen
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from pasqal_tui.tui import screens, widgets
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.app import PasqalApp

#: Ways of leaving where one is (Esc, q): one meaning, whatever the screen calls it.
LEAVING = {
    "back", "dismiss", "dismiss(None)", "app.pop_screen", "back_out", "quit_app", "app.quit",
    "close", "answer(False)", "quit",
    "clear",  # Esc in the filter line: clears it and leaves the field
}  # fmt: skip
#: Moving to the next field or pane: a form does it as soon as the key is read (form_keys).
FOCUS_NEXT = {"app.focus_next", "next_field"}
#: The ids every earlier version bound: users' keymaps name them, so they must still exist.
STABLE_IDS = {
    "app.devices", "app.help", "app.login", "app.pause", "app.quit", "app.refresh",
    "app.workloads", "batches.back", "batches.jump", "batches.open", "batches.quit",
    "batches.create", "batches.close", "batches.cancel", "batches.errors", "batches.extend",
    "batches.rebatch", "batches.tags", "compare.back", "compare.only_diff", "compare.swap",
    "devices.back", "devices.compare", "devices.mark", "devices.raw", "error_group.back",
    "errors.back", "errors.open", "errors.rebatch", "errors.scope", "job.back",
    "job.copy_error", "job.copy_id", "job.parent", "job.raw", "jobs.clear_marks",
    "jobs.errors_only", "jobs.first_error", "jobs.mark", "jobs.cancel", "jobs.retry",
    "jobs.extend", "jobs.rebatch", "jobs.tags", "workloads.back", "workloads.cancel",
    "workloads.copy_id", "workloads.forget", "workloads.new", "workloads.open",
    "workloads.result", "table.down", "table.up", "table.top", "table.bottom",
}  # fmt: skip


def _classes(package: Any, base: type) -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def screen_classes() -> list[type[Screen[Any]]]:
    return [c for c in _classes(screens, Screen) if not issubclass(c, ModalScreen)]


def dialog_classes() -> list[type[Screen[Any]]]:
    return [c for c in _classes(screens, ModalScreen)]


def widget_classes() -> list[type[Widget]]:
    return [c for c in _classes(widgets, Widget) if "BINDINGS" in c.__dict__]


def bindings_of(cls: type) -> list[Binding]:
    """Ours only: each of our bindings has an id (Textual's own, e.g. ctrl+c, have none)."""
    merged = cls._merge_bindings()  # type: ignore[attr-defined]
    return [b for group in merged.key_to_bindings.values() for b in group if b.id]


def meaning(binding: Binding) -> str:
    spec = registry.by_binding_id(binding.id or "")
    if spec is not None:
        return spec.meaning
    action = binding.action
    if action in LEAVING:
        return "back"
    if action in FOCUS_NEXT:
        return "next field"
    # Up and down move through what is listed: rows, lines, the command line's history.
    for direction, step in (("down", "1"), ("up", "-1")):
        if action in (f"table_move('{direction}')", f"scroll('{direction}')", f"history({step})"):
            return direction
    return action


def meanings(classes: list[type]) -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = defaultdict(set)
    for cls in [PasqalApp, *classes]:
        for binding in bindings_of(cls):
            by_key[binding.key].add(meaning(binding))
    return by_key


def clashes(classes: list[type]) -> dict[str, set[str]]:
    return {key: seen for key, seen in meanings(classes).items() if len(seen) > 1}


def test_no_key_has_two_meanings_anywhere() -> None:
    assert clashes([*screen_classes(), *widget_classes()]) == {}


@pytest.mark.parametrize("dialog", dialog_classes(), ids=lambda c: c.__name__)
def test_a_dialog_never_gives_an_app_key_another_meaning(dialog: type) -> None:
    assert clashes([dialog]) == {}


def test_a_second_meaning_of_a_key_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard can fail: `c` made to delete on the devices screen is found."""
    clash = registry.ActionSpec("oops", "c", "Oops", "", "Change", ("devices",), runs="oops")
    monkeypatch.setattr(registry, "ACTIONS", (*registry.ACTIONS, clash))

    class Clashing(Screen[None]):
        BINDINGS = registry.bindings("devices")

    assert clashes([*screen_classes(), Clashing])["c"] == {"cancel", "oops"}


def test_the_same_action_on_several_screens_is_one_meaning() -> None:
    assert meanings(screen_classes())["c"] == {"cancel"}
    assert meanings(screen_classes())["r"] == {"rebatch"}
    assert meanings(screen_classes())["v"] == {"view"}


def test_every_keymap_id_users_may_name_still_exists() -> None:
    ids = {b.id for cls in [PasqalApp, *screen_classes()] for b in bindings_of(cls) if b.id}
    assert STABLE_IDS - ids == set()


def test_every_registry_action_runs_something_on_its_screens() -> None:
    for cls in screen_classes():
        for binding in bindings_of(cls):
            spec = registry.by_binding_id(binding.id or "")
            if spec is not None and spec.runs:
                assert callable(getattr(cls, f"action_{spec.runs}", None)), (cls, spec.name)


async def test_a_keymap_override_by_id_moves_a_registry_action(demo_cloud: Any) -> None:
    """config.yaml `keymap: {batches.errors: ctrl+e}`: Ctrl+E opens the errored jobs, `e` no
    longer does, and the footer and help say Ctrl+E."""
    from support.app import batch_list, make_app, wait_for

    from pasqal_tui.core.config import Config, save_config
    from pasqal_tui.tui.screens.batches import BatchesScreen
    from pasqal_tui.tui.screens.errors_view import ErrorsScreen
    from pasqal_tui.tui.screens.help import HelpScreen
    from pasqal_tui.tui.widgets.key_footer import KeyFooter

    save_config(Config(keymap={"batches.errors": "ctrl+e"}))
    app = make_app(demo_cloud.base_url)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("e")
        await pilot.press("question_mark")  # proves the `e` was read (and did nothing)
        await wait_for(pilot, lambda: on_screen(app, HelpScreen), what="help")
        rows = {row[2]: row[0] for row in app.screen.rows}  # type: ignore[attr-defined]
        assert rows["batches.errors"] == "^e"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="back")
        footer = dict(screen.query_one(KeyFooter).shown)
        assert footer.get("^e") == "Errors" and "e" not in footer
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: on_screen(app, ErrorsScreen), what="errors view")
        assert not isinstance(app.screen, BatchesScreen)
