"""The terminal notification of a watched batch's end: the escape sequence each terminal shows,
chosen from its environment or the config, and nothing at all when the output is no terminal."""

from __future__ import annotations

import pytest

from pasqal_tui.core.notify import TerminalNotifier, choose_method, notification


@pytest.mark.parametrize(
    ("environ", "method"),
    [
        ({"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, "osc9"),
        ({"TERM_PROGRAM": "WezTerm"}, "osc9"),
        ({"WT_SESSION": "x", "TERM": "xterm-256color"}, "osc9"),
        ({"VTE_VERSION": "7600", "TERM": "xterm-256color"}, "osc777"),
        ({"TERM": "foot"}, "osc777"),
        ({"TERM": "rxvt-unicode-256color"}, "osc777"),
        ({"TERM": "xterm-256color"}, "bell"),
        ({"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-1/default,1,0"}, "bell"),
        ({}, "bell"),
    ],
)
def test_auto_follows_the_terminal(environ: dict[str, str], method: str) -> None:
    assert choose_method("auto", environ) == method


def test_the_config_overrides_the_guess() -> None:
    assert choose_method("off", {"TERM_PROGRAM": "iTerm.app"}) == "off"
    assert choose_method("osc777", {}) == "osc777"


def test_the_sequences() -> None:
    assert notification("osc9", "pasqal-tui", "Batch 1a2b ended DONE") == (
        "\x1b]9;pasqal-tui: Batch 1a2b ended DONE\x07"
    )
    assert notification("osc777", "pasqal;tui", "ended: 3 done") == (
        "\x1b]777;notify;pasqal,tui;ended: 3 done\x07"
    )
    assert notification("bell", "t", "b") == "\x07" and notification("off", "t", "b") == ""


def test_a_message_cannot_end_the_sequence_early() -> None:
    text = notification("osc9", "t", "bad\x07\x1b]52;c;evil\x1b\\ tag")
    assert text.count("\x07") == 1 and text.endswith("\x07") and text.count("\x1b") == 1


def test_written_to_a_terminal_only() -> None:
    written: list[str] = []
    terminal = TerminalNotifier(written.append, True, "auto", {"TERM_PROGRAM": "WezTerm"})
    assert terminal.notify("pasqal-tui", "Batch 1a2b ended DONE")
    assert written == ["\x1b]9;pasqal-tui: Batch 1a2b ended DONE\x07"]
    piped = TerminalNotifier(written.append, False, "osc9", {})
    assert not piped.notify("pasqal-tui", "again") and len(written) == 1
    off = TerminalNotifier(written.append, True, "off", {})
    assert not off.notify("pasqal-tui", "again") and len(written) == 1
