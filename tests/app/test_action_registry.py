"""The action registry: one meaning per key on each screen, stable keymap ids, and everything
that gates or audits actions derived from it."""

from __future__ import annotations

from collections import Counter

import pytest

from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.actions.controllers import JobActions
from pasqal_tui.tui.screens.batches import BatchesScreen
from pasqal_tui.tui.screens.jobs import JobsScreen

SCREENS = {"batches": BatchesScreen, "jobs": JobsScreen}


def keys_of(screen: type) -> Counter[str]:
    """Every key bound on a screen class, through its whole class hierarchy."""
    counted: Counter[str] = Counter()
    for binding in screen._merge_bindings().key_to_bindings.values():  # type: ignore[attr-defined]
        for b in binding:
            counted[b.key] += 1
    return counted


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_no_key_has_two_meanings_on_a_screen(name: str) -> None:
    twice = {key: n for key, n in keys_of(SCREENS[name]).items() if n > 1}
    assert twice == {}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_every_registry_action_of_a_screen_is_bound_once_with_a_stable_id(name: str) -> None:
    ids = [b.id for b in registry.bindings(name)]
    assert len(ids) == len(set(ids))
    assert {f"{name}.{a.keymap or a.name}" for a in registry.ACTIONS if name in a.screens} == set(
        ids
    )
    # The ids users' keymaps already name (config.yaml `keymap:`).
    if name == "batches":
        assert {"batches.create", "batches.close", "batches.cancel", "batches.errors"} <= set(ids)


def test_every_action_runs_a_controller_method() -> None:
    """Those without ``runs`` go through the controller (``act``); the others are screen
    actions, checked on their screens in test_key_map."""
    for spec in registry.ACTIONS:
        if not spec.runs:  # the controller's, or the table screen's own (filter, sort)
            owners = (JobActions, *(SCREENS[s] for s in spec.screens if s in SCREENS))
            assert any(callable(getattr(o, spec.name, None)) for o in owners), spec.name


def test_mutating_actions_have_audit_names_and_nothing_else_does() -> None:
    for spec in registry.ACTIONS:
        assert bool(spec.audit) == spec.mutating, spec.name
    assert {
        "create", "add-jobs", "close", "cancel-batch", "cancel-jobs", "rebatch", "tags", "retry",
        "create workload", "cancel workload",
    } == registry.MUTATIONS  # fmt: skip
    assert "errors_view" not in registry.MUTATING


def test_a_key_bound_twice_on_one_screen_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard above can fail: a second action on `x` of the batch browser is found."""
    clash = registry.ActionSpec("oops", "x", "Oops", "", "Change", ("batches",))
    monkeypatch.setattr(registry, "ACTIONS", (*registry.ACTIONS, clash))

    class Clashing(BatchesScreen):
        BINDINGS = registry.bindings("batches")

    assert keys_of(Clashing)["x"] == 2


async def test_a_hidden_mutating_key_in_read_only_says_why(demo_cloud: object) -> None:
    """Read-only hides `c`; pressing it anyway gets one line, and nothing is planned."""
    from support.app import batch_list, make_app, wait_for

    app = make_app(demo_cloud.base_url, read_only=True)  # type: ignore[attr-defined]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await batch_list(pilot)
        await pilot.press("c")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731
        await wait_for(pilot, lambda: "read-only session: cancel is disabled" in said())
        assert said().count("read-only session: cancel is disabled") == 1
        assert app.screen is screen and not app.cloud.in_flight
