"""The status line's words and how they fit a width: least important parts go first."""

from __future__ import annotations

from pasqal_tui.core.config import Profile
from pasqal_tui.tui.widgets.status_line import Status, age_text, fit, place_of

FULL = Status(
    profile="work",
    place="127.0.0.1:8765",
    user="ada",
    project="Demo project",
    interval=5,
    age="3 s ago",
)
CRUMBS = ["Batches", "7a33e1c2", "job 1f0c9a2e"]


def test_everything_shows_when_there_is_room() -> None:
    crumb, parts = fit(CRUMBS, FULL.parts(), 160)
    assert crumb == "Batches \u203a 7a33e1c2 \u203a job 1f0c9a2e"
    assert parts == ["work", "127.0.0.1:8765", "ada", "Demo project", "every 5 s", "3 s ago"]


def test_at_80_columns_the_interval_profile_and_user_go_first() -> None:
    crumb, parts = fit(CRUMBS, FULL.parts(), 78)
    assert crumb == "Batches \u203a 7a33e1c2 \u203a job 1f0c9a2e"
    assert parts == ["127.0.0.1:8765", "Demo project", "3 s ago"]
    assert len(crumb) + 1 + len(" · ".join(parts)) <= 78


def test_narrower_the_leading_crumbs_then_the_place_go() -> None:
    crumb, parts = fit(CRUMBS, FULL.parts(), 38)
    assert crumb == "\u2026 \u203a job 1f0c9a2e"
    assert parts == ["3 s ago"]
    assert len(crumb) + 1 + len(" · ".join(parts)) <= 38


def test_read_only_always_stays() -> None:
    status = Status(
        place="prod", project="A rather long project name", read_only=True, age="paused"
    )
    crumb, parts = fit(["Batches"], status.parts(), 30)
    assert "read-only" in parts
    assert len(crumb) + 1 + len(" · ".join(parts)) <= 30


def test_the_place_is_the_environment_or_the_custom_host_and_port() -> None:
    assert place_of(Profile(name="p", environment="preprod")) == "preprod"
    custom = Profile(
        name="c",
        environment="custom",
        core_url="http://127.0.0.1:8765/core-fast",
        token_url="http://127.0.0.1:8765/oauth/token",
    )
    assert place_of(custom) == "127.0.0.1:8765"
    # The local profile is named after its environment: said once, not "local · local".
    local = Status(profile="local", place="local", project="Demo project")
    assert [t for _, t in local.parts()] == ["local", "Demo project"]


def test_the_age_is_coarse() -> None:
    assert [age_text(s) for s in (0.5, 12.7, 130, 7300)] == [
        "just now", "12 s ago", "2 min ago", "2 h ago",
    ]  # fmt: skip
