"""The `:` command line's words: parsing with one-line answers, completion, history."""

from __future__ import annotations

from pathlib import Path

import pytest

from pasqal_tui.tui.command_line import (
    COMMANDS,
    Command,
    CommandError,
    History,
    Sources,
    complete,
    parse,
    refresh_seconds,
)

IDS = ["7a33e1c2-0000-4000-8000-000000000001", "7a9f0000-0000-4000-8000-000000000002",
       "b1c20000-0000-4000-8000-000000000003"]  # fmt: skip


def test_commands_with_and_without_arguments() -> None:
    assert parse(":jobs 7a33") == Command("jobs", "7a33")
    assert parse("  errors ") == Command("errors")
    assert parse(":quit") == Command("q")
    assert parse(":theme  textual-dark") == Command("theme", "textual-dark")
    assert parse(":refresh 5") == Command("refresh", "5")
    assert refresh_seconds("2.5s") == 2.5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (":frobnicate", "unknown command :frobnicate; try :batches, :jobs, :job, :errors"),
        (":jo", "unknown command :jo; try :jobs, :job"),
        (":jobs", ":jobs needs a batch id or its first characters, e.g. :jobs 7a33"),
        (":errors now", ":errors takes nothing after it (got 'now')"),
        (":refresh soon", ":refresh 'soon' is not a number of seconds"),
        (":refresh 1", ":refresh takes 2 to 3600 seconds, not 1"),
        (":", "type a command"),
    ],
)
def test_bad_lines_are_answered_in_one_line(line: str, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(line)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_completion_of_names_then_arguments() -> None:
    sources = Sources(batch_ids=IDS, themes=["pasqal", "pasqal-light", "textual-dark"])
    assert complete("jo", sources).lines == ("jobs ", "job ")
    assert complete("jo", sources).common == "job"
    assert complete("err", sources).lines == ("errors",)
    assert complete("jobs 7a", sources).lines == (f"jobs {IDS[0]}", f"jobs {IDS[1]}")
    assert complete("jobs 7a", sources).common == "jobs 7a"
    assert complete("jobs 7a3", sources).lines == (f"jobs {IDS[0]}",)
    assert complete("watch 7a3", sources).lines == (f"watch {IDS[0]}",)
    assert complete("theme pasqal-", sources).lines == ("theme pasqal-light",)
    assert complete("errors x", sources).lines == ()
    assert complete("zz", sources).lines == ()


def test_every_command_is_listed_once() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    assert {"batches", "jobs", "job", "errors", "devices", "workloads", "theme", "profile",
            "refresh", "watch", "q"} == set(names)  # fmt: skip


def test_history_walks_back_and_forth_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state" / "command-history"
    history = History.load(path)
    assert history.previous() is None
    for line in ("jobs 7a33", "errors", "jobs 7a33"):
        history.add(line)
    assert history.lines == ["errors", "jobs 7a33"]  # a repeat moves to the newest place
    assert history.previous() == "jobs 7a33"
    assert history.previous() == "errors"
    assert history.previous() == "errors"  # the oldest stays
    assert history.next() == "jobs 7a33"
    assert history.next() == ""  # past the newest: an empty line
    assert History.load(path).lines == ["errors", "jobs 7a33"]


def test_an_unwritable_history_is_kept_for_the_session(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = History.load(blocker / "history")
    history.add("errors")
    assert history.lines == ["errors"]
