"""Terminal notifications for a watched batch that ended: OSC 9 (iTerm2, WezTerm, Ghostty,
Windows Terminal), OSC 777 (VTE terminals such as GNOME Terminal, foot, urxvt), else a bell.

Which one is decided from the environment (TERM, TERM_PROGRAM, ...) unless the config's
``notify`` says; nothing is written when the output is not a terminal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Literal

__all__ = ["NotifyMethod", "TerminalNotifier", "choose_method", "notification"]

NotifyMethod = Literal["auto", "osc9", "osc777", "bell", "off"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
OSC9_PROGRAMS = ("iTerm.app", "WezTerm", "ghostty")
OSC777_TERMS = ("foot", "rxvt-unicode", "xterm-ghostty")


def choose_method(setting: NotifyMethod, environ: Mapping[str, str]) -> NotifyMethod:
    """The method ``setting`` means here: itself, or for "auto" what this terminal shows."""
    if setting != "auto":
        return setting
    if environ.get("TMUX") or environ.get("STY"):
        return "bell"  # a multiplexer swallows OSC notifications unless configured to pass them
    program = environ.get("TERM_PROGRAM", "")
    term = environ.get("TERM", "")
    if program in OSC9_PROGRAMS or environ.get("WT_SESSION"):
        return "osc9"
    if environ.get("VTE_VERSION") or term.startswith(OSC777_TERMS):
        return "osc777"
    return "bell"


def _clean(text: str) -> str:
    """No control character can end the sequence early or start another one."""
    return _CONTROL.sub(" ", text).strip()


def notification(method: NotifyMethod, title: str, body: str) -> str:
    """The bytes (as text) to write for ``method``: "" for "off"."""
    if method == "osc9":
        return f"\x1b]9;{_clean(title)}: {_clean(body)}\x07"
    if method == "osc777":
        safe_title = _clean(title).replace(";", ",")
        return f"\x1b]777;notify;{safe_title};{_clean(body)}\x07"
    if method == "bell":
        return "\x07"
    return ""


class TerminalNotifier:
    """Writes a notification through ``write`` (the app's driver) when ``is_terminal``."""

    def __init__(
        self,
        write: Callable[[str], None],
        is_terminal: bool,
        setting: NotifyMethod = "auto",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.write = write
        self.is_terminal = is_terminal
        self.method = choose_method(setting, os.environ if environ is None else environ)

    def notify(self, title: str, body: str) -> bool:
        """True if something was written."""
        text = notification(self.method, title, body) if self.is_terminal else ""
        if text:
            self.write(text)
        return bool(text)
