"""The `:` command line's words: the commands, their parsing, completion and history.

Textual-free, so it is tested as plain functions; the prompt (widgets/command_prompt.py) shows
it and the app (tui/command_runner.py) runs what it returns. The command palette lists the
commands without an argument from :data:`COMMANDS` too: one list for both ways in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "COMMANDS",
    "Command",
    "CommandError",
    "CommandSpec",
    "Completions",
    "History",
    "complete",
    "parse",
]


class CommandError(ValueError):
    """A line the command line cannot run; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    #: What the argument is, in words ("" = none).
    argument: str
    help: str
    #: The argument may be left out.
    optional: bool = False


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("batches", "", "The batch browser"),
    CommandSpec("jobs", "batch id or its first characters", "Open a batch's jobs"),
    CommandSpec("job", "job id", "Open one job"),
    CommandSpec("errors", "", "Errored jobs of recent batches, grouped by message"),
    CommandSpec("devices", "", "Device specs: the limits of each device"),
    CommandSpec("workloads", "", "Workloads: create, open, cancel"),
    CommandSpec("theme", "theme name", "Switch the colour theme"),
    CommandSpec("profile", "profile name", "Log in with another profile"),
    CommandSpec("refresh", "seconds", "Set the live refresh interval"),
    CommandSpec("watch", "batch id or its first characters",
                "Watch a batch (again: stop): told when it ends, wherever you are"),
    CommandSpec("q", "", "Quit"),
)  # fmt: skip
_BY_NAME = {c.name: c for c in COMMANDS}
ALIASES = {"quit": "q", "exit": "q", "b": "batches", "w": "workloads"}
#: The live refresh interval's bounds, in seconds.
MIN_REFRESH, MAX_REFRESH = 2.0, 3600.0


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


def parse(line: str) -> Command:
    """``jobs 7a33`` (a leading ``:`` is allowed) -> Command; CommandError says what is wrong."""
    text = line.strip().removeprefix(":").strip()
    if not text:
        raise CommandError("type a command, e.g. :jobs 7a33 (Tab completes)")
    name, _, argument = text.partition(" ")
    name, argument = name.lower(), argument.strip()
    spec = _BY_NAME.get(ALIASES.get(name, name))
    if spec is None:
        close = [c.name for c in COMMANDS if c.name.startswith(name)]
        hint = (
            ", ".join(f":{c}" for c in close)
            if close
            else ", ".join(f":{c.name}" for c in COMMANDS)
        )
        raise CommandError(f"unknown command :{name}; try {hint}")
    if spec.argument and not argument and not spec.optional:
        raise CommandError(
            f":{spec.name} needs a {spec.argument}, e.g. :{spec.name} {_example(spec)}"
        )
    if not spec.argument and argument:
        raise CommandError(f":{spec.name} takes nothing after it (got {argument!r})")
    if spec.name == "refresh":
        refresh_seconds(argument)
    return Command(spec.name, argument)


def _example(spec: CommandSpec) -> str:
    return {"jobs": "7a33", "job": "<36-character id>", "theme": "textual-dark",
            "profile": "prod", "refresh": "5"}.get(spec.name, "")  # fmt: skip


def refresh_seconds(argument: str) -> float:
    """The interval of ``:refresh``, within the bounds the refresh loop accepts."""
    try:
        seconds = float(argument.removesuffix("s"))
    except ValueError:
        raise CommandError(f":refresh {argument!r} is not a number of seconds") from None
    if not MIN_REFRESH <= seconds <= MAX_REFRESH:
        raise CommandError(
            f":refresh takes {MIN_REFRESH:g} to {MAX_REFRESH:g} seconds, not {argument}"
        )
    return seconds


@dataclass(frozen=True)
class Completions:
    """What the line can become: ``lines`` are whole lines (without the ``:``)."""

    lines: tuple[str, ...] = ()

    @property
    def common(self) -> str:
        """The longest start every candidate shares: what Tab fills in."""
        if not self.lines:
            return ""
        first, *rest = self.lines
        size = len(first)
        for line in rest:
            same = 0
            while same < min(size, len(line)) and first[same] == line[same]:
                same += 1
            size = same
        return first[:size]


@dataclass(frozen=True)
class Sources:
    """The values the arguments complete from (the loaded rows, themes, profiles)."""

    batch_ids: Sequence[str] = ()
    job_ids: Sequence[str] = ()
    themes: Sequence[str] = ()
    profiles: Sequence[str] = ()


def complete(line: str, sources: Sources) -> Completions:
    """The lines ``line`` may be completed to, the most likely first."""
    text = line.lstrip().removeprefix(":")
    name, space, argument = text.partition(" ")
    if not space:
        names = [c.name for c in COMMANDS if c.name.startswith(name.lower())]
        return Completions(tuple(f"{n} " if _BY_NAME[n].argument else n for n in names))
    values: Iterable[str] = {
        "jobs": sources.batch_ids,
        "watch": sources.batch_ids,
        "job": sources.job_ids,
        "theme": sources.themes,
        "profile": sources.profiles,
    }.get(ALIASES.get(name.lower(), name.lower()), ())
    wanted = argument.strip().lower()
    found = [v for v in dict.fromkeys(values) if v.lower().startswith(wanted)]
    return Completions(tuple(f"{name} {v}" for v in found))


@dataclass
class History:
    """The lines run so far, oldest first; Up and Down walk them. Kept under the state dir
    (one line each, the last :data:`KEEP`) when a path is given; never a secret in them."""

    path: Path | None = None
    lines: list[str] = field(default_factory=list)
    KEEP = 200
    _at: int | None = None

    @classmethod
    def load(cls, path: Path | None) -> History:
        lines: list[str] = []
        if path is not None:
            try:
                lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
            except (OSError, UnicodeDecodeError):
                lines = []
        return cls(path, lines[-cls.KEEP :])

    def add(self, line: str) -> None:
        line = line.strip()
        self._at = None
        if not line:
            return
        if line in self.lines:
            self.lines.remove(line)
        self.lines.append(line)
        del self.lines[: -self.KEEP]
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
            except OSError:
                pass  # the session keeps it; only the next start forgets it

    def previous(self) -> str | None:
        """One line back (None at the oldest)."""
        if not self.lines:
            return None
        self._at = len(self.lines) - 1 if self._at is None else max(0, self._at - 1)
        return self.lines[self._at]

    def next(self) -> str:
        """One line forward; past the newest, an empty line."""
        if self._at is None:
            return ""
        self._at += 1
        if self._at >= len(self.lines):
            self._at = None
            return ""
        return self.lines[self._at]
