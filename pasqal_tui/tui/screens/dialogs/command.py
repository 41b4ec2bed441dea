"""The `:` command line: a prompt at the bottom that jumps anywhere (`:jobs 7a33`, `:errors`).

The words (commands, completion, history) are :mod:`pasqal_tui.tui.command_line`; this screen
shows them and runs what is typed. A line it cannot run is answered on its own message line,
with the text kept; a batch or job looked up on the server keeps the prompt open until found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from pasqal_tui.core.text import short
from pasqal_tui.ops.lookup import resolve_batch_id
from pasqal_tui.tui import command_line
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.command_line import Command, CommandError, Sources
from pasqal_tui.tui.messages import BatchLoaded, JobLoaded, RequestFailed

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.models import Batch, Job
    from pasqal_tui.tui.app import PasqalApp

HINT = "Tab completes · ↑↓ history · Enter runs · Esc closes"
#: Candidates named on the message line after Tab.
SHOWN = 6


class CommandSuggester(Suggester):
    """The first completion, shown greyed after the cursor (→ takes it)."""

    def __init__(self, sources: Sources) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.sources = sources

    async def get_suggestion(self, value: str) -> str | None:
        lines = command_line.complete(value, self.sources).lines
        return next((line for line in lines if line.startswith(value) and line != value), None)


class CommandScreen(AppAccess, ModalScreen[None]):
    """Closes itself once a command runs (or on Esc)."""

    CSS_PATH = "command.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="command.close"),
        Binding("tab", "complete", "Complete", id="command.complete", priority=True),
        Binding("up", "history(-1)", "Previous", id="command.previous", show=False),
        Binding("down", "history(1)", "Next", id="command.next", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sources = Sources()
        #: What a batch looked up on the server is for (open its jobs, watch it).
        self._then: Callable[[Batch], None] = self.show_batch

    def compose(self) -> ComposeResult:
        self.sources = loaded_sources(self.pasqal)
        with Vertical(id="command-box"):
            yield Static(HINT, id="command-message", markup=False)
            with Horizontal(id="command-row"):
                yield Static(":", id="command-colon")
                yield Input(
                    placeholder="jobs 7a33 · errors · theme … · refresh 5 · q",
                    id="command-input",
                    compact=True,
                    suggester=CommandSuggester(self.sources),
                )

    @property
    def input(self) -> Input:
        return self.query_one("#command-input", Input)

    def say(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#command-message", Static)
        message.update(Text(text))  # what the user typed is not markup
        message.set_class(error, "-error")

    # ---- typing -----------------------------------------------------------------------------

    def action_complete(self) -> None:
        value = self.input.value
        found = command_line.complete(value, self.sources)
        if not found.lines:
            self.say(f"nothing to complete for {value!r}" if value else HINT, error=bool(value))
            return
        target = found.lines[0] if len(found.lines) == 1 else found.common
        if len(target) > len(value):
            self.input.value = target
            self.input.cursor_position = len(target)
        if len(found.lines) > 1:
            names = [
                line.split(" ", 1)[-1] if " " in line.strip() else line for line in found.lines
            ]
            shown = ", ".join(short(n) if len(n) == 36 else n.strip() for n in names[:SHOWN])
            more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
            self.say(f"{len(names)} candidates: {shown}{more}", error=False)

    def action_history(self, step: int) -> None:
        history = self.pasqal.command_history
        line = history.previous() if step < 0 else history.next()
        if line is not None:
            self.input.value = line
            self.input.cursor_position = len(line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value
        try:
            command = command_line.parse(line)
        except CommandError as exc:
            self.say(str(exc))
            return
        self.pasqal.command_history.add(line.strip().removeprefix(":"))
        problem = self.run(command)
        if problem:
            self.say(problem)

    # ---- running ----------------------------------------------------------------------------

    def run(self, command: Command) -> str | None:
        """Do ``command``; the one line to show when it cannot be done (the prompt stays)."""
        app, argument = self.pasqal, command.argument
        if command.name == "jobs":
            return self.find_batch(argument, self.show_batch)
        if command.name == "watch":
            return self.find_batch(argument, self.watch_batch)
        if command.name == "job":
            return self.open_job(argument)
        if command.name == "theme":
            if argument not in app.available_themes:
                names = ", ".join(sorted(app.available_themes))
                return f"no theme {argument!r}; themes: {names}"
            self.dismiss(None)
            app.theme = argument
            return None
        if command.name == "profile":
            return self.switch_profile(argument)
        if command.name == "refresh":
            seconds = command_line.refresh_seconds(argument)
            self.dismiss(None)
            app.refresh_loop.interval = seconds
            app.refresh_loop.start()  # the next tick at the new pace
            app.notify(f"Live refresh every {seconds:g} s", timeout=3)
            return None
        self.dismiss(None)
        run_simple(app, command.name)
        return None

    def find_batch(self, text: str, then: Callable[[Batch], None]) -> str | None:
        """A batch among the loaded rows by id or prefix, else looked up on the server; ``then``
        gets it."""
        wanted = text.strip().lower()
        loaded = {b.id: b for b in loaded_batches(self.pasqal)}
        matches = [b for i, b in loaded.items() if i.startswith(wanted)]
        if len(matches) > 1:
            return f"{wanted!r} matches {len(matches)} batches: " + ", ".join(
                short(b.id) for b in matches[:SHOWN]
            ) + (" …" if len(matches) > SHOWN else "") + "; type more"  # fmt: skip
        if matches:
            then(matches[0])
            return None
        if self.pasqal.cloud.client is None:
            return "log in first (L): batches live in a project"
        self._then = then

        async def find(c: PasqalClient) -> Batch:
            return await c.get_batch(await resolve_batch_id(c, wanted))

        self.say(f"looking for a batch {wanted!r}…", error=False)
        self.pasqal.cloud.request(self, "command", find, lambda b: BatchLoaded(b, False))
        return None

    def open_job(self, text: str) -> str | None:
        """A job of a loaded job table by id or prefix, else (a full id) read from the server."""
        from pasqal_tui.tui.screens.job import JobScreen

        wanted = text.strip().lower()
        matches = [j for j in loaded_jobs(self.pasqal) if j.id.startswith(wanted)]
        if len(matches) > 1:
            shown = ", ".join(short(j.id) for j in matches[:SHOWN])
            return f"{wanted!r} matches {len(matches)} loaded jobs: {shown}; type more"
        if matches:
            self.dismiss(None)
            self.app.push_screen(JobScreen(matches[0]))
            return None
        if len(wanted) != 36:
            return f"no loaded job starts with {wanted!r}: type the job's full id"
        if self.pasqal.cloud.client is None:
            return "log in first (L): jobs live in a project"

        async def find(c: PasqalClient) -> Job:
            return await c.get_job(wanted)

        self.say(f"looking for job {short(wanted)}…", error=False)
        self.pasqal.cloud.request(self, "command", find, lambda j: JobLoaded(j, False))
        return None

    def switch_profile(self, name: str) -> str | None:
        """The login screen on that profile: signing in to it switches the session."""
        from pasqal_tui.tui.screens.login import LoginScreen

        profile = self.pasqal.settings.profile(name)
        if profile is None:
            names = ", ".join(p.name for p in self.pasqal.settings.profiles) or "none yet"
            return f"no profile {name!r} (profiles: {names}); L opens the login to add one"
        self.dismiss(None)
        self.app.push_screen(LoginScreen(profile))
        return None

    def show_batch(self, batch: Batch) -> None:
        from pasqal_tui.tui.screens.jobs import JobsScreen

        self.dismiss(None)
        self.app.push_screen(JobsScreen(batch))

    def watch_batch(self, batch: Batch) -> None:
        self.dismiss(None)
        self.pasqal.watcher.toggle(batch)

    def on_batch_loaded(self, message: BatchLoaded) -> None:
        self._then(message.batch)

    def on_job_loaded(self, message: JobLoaded) -> None:
        from pasqal_tui.tui.screens.job import JobScreen

        self.dismiss(None)
        self.app.push_screen(JobScreen(message.job))

    def on_request_failed(self, message: RequestFailed) -> None:
        self.say(message.failure.message.splitlines()[0])


def run_simple(app: PasqalApp, name: str) -> None:
    """The commands without an argument (also the palette's entries)."""
    if name == "batches":
        go_to_batches(app)
    elif name == "errors":
        app.action_errors()
    elif name == "devices":
        app.action_devices()
    elif name == "workloads":
        app.action_workloads()
    elif name == "q":
        app.exit()


def go_to_batches(app: PasqalApp) -> None:
    """Back to the batch browser, closing the screens above it."""
    from pasqal_tui.tui.screens.batches import BatchesScreen

    stack = app.screen_stack
    at = next((i for i, s in enumerate(stack) if isinstance(s, BatchesScreen)), None)
    if at is None:
        app.notify("Log in first (L): the batch browser shows a project", severity="warning")
        return
    for _ in range(len(stack) - 1 - at):
        app.pop_screen()


def loaded_batches(app: PasqalApp) -> list[Batch]:
    """The batches on screen: the browser's rows and the batch of every job table."""
    from pasqal_tui.tui.screens.batches import BatchesScreen
    from pasqal_tui.tui.screens.jobs import JobsScreen

    found: list[Batch] = []
    for screen in app.screen_stack:
        if isinstance(screen, BatchesScreen):
            found.extend(screen.items)
        elif isinstance(screen, JobsScreen):
            found.append(screen.the_batch)
    return list({b.id: b for b in found}.values())


def loaded_jobs(app: PasqalApp) -> list[Job]:
    from pasqal_tui.tui.screens.jobs import JobsScreen

    found = [j for s in app.screen_stack if isinstance(s, JobsScreen) for j in s.items]
    return list({j.id: j for j in found}.values())


def loaded_sources(app: PasqalApp) -> Sources:
    return Sources(
        batch_ids=[b.id for b in loaded_batches(app)],
        job_ids=[j.id for j in loaded_jobs(app)],
        themes=sorted(app.available_themes),
        profiles=[p.name for p in app.settings.profiles],
    )
