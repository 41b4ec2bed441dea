"""PasqalApp: settings, theme, keymap, login, and the screen stack.

The app owns the CloudWorker and the embedded local cloud (through the launcher); screens own
only what they show.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme

from pasqal_tui.cloud.environments import ENVIRONMENT_ALIASES, ENVIRONMENT_NAMES
from pasqal_tui.core.audit import AuditLog
from pasqal_tui.core.config import (
    LOCAL_PROFILE,
    Config,
    Profile,
    load_config,
    mouse_enabled,
    save_config,
)
from pasqal_tui.core.gc_pause import freeze_startup
from pasqal_tui.core.paths import state_dir
from pasqal_tui.core.secrets import SecretStore
from pasqal_tui.session.launcher import LocalLauncher
from pasqal_tui.tui import command_line, navigation, themes
from pasqal_tui.tui.messages import ConnectionChanged, MutationsChanged, Refused
from pasqal_tui.tui.options import AppOptions
from pasqal_tui.tui.services.cloud_worker import CloudWorker, describe
from pasqal_tui.tui.services.look_back import DigestReady, LookBack
from pasqal_tui.tui.services.refresh import RefreshLoop
from pasqal_tui.tui.services.start_plan import AskLogin, SignIn, plan_start
from pasqal_tui.tui.services.watcher import Watcher, WatchPolled

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Project

__all__ = ["AppOptions", "PasqalApp"]

log = logging.getLogger("pasqal_tui.tui")
#: How long a start-up sign-in may take before the start screen says what it waits for (s).
START_SCREEN_DELAY = 0.25
#: A request running longer than this (s) is shown as "waiting for the cloud".
SLOW_AFTER = 2.0


class PasqalApp(App[None]):
    """Keyboard-driven dashboard for Pasqal Cloud Services."""

    CSS_PATH = "app.tcss"
    TITLE = "pasqal-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("colon", "command_line", "Command", id="app.command_line", show=False),
        Binding("p", "toggle_pause", "Pause", id="app.pause"),
        Binding("R", "refresh_now", "Refresh", id="app.refresh", show=False),
        Binding("L", "login", "Login", id="app.login", show=False),
        Binding("D", "devices", "Devices", id="app.devices", show=False),
        Binding("W", "workloads", "Workloads", id="app.workloads", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
        *navigation.table_bindings(),  # every table and list, while one has the focus
    ]

    connection_problem: reactive[str] = reactive("")
    #: A quiet line while a request takes long ("waiting for the cloud (5 s)"); "" otherwise.
    waiting: reactive[str] = reactive("")

    def __init__(self, options: AppOptions | None = None) -> None:
        self.options = options or AppOptions()
        loaded = load_config(
            self.options.config_path, environments=ENVIRONMENT_NAMES, aliases=ENVIRONMENT_ALIASES
        )
        self.config_problem = loaded.problem
        self.config_path = loaded.path
        self.settings: Config = loaded.config
        interval = max(2.0, self.options.refresh or self.settings.refresh_interval)
        self.clock = self.options.clock
        self.read_only = self.options.read_only
        self.secrets = SecretStore()
        self.cloud = CloudWorker(
            self,
            read_only=self.read_only,
            audit=AuditLog(),
            create_timeout=self.settings.create_timeout,
            clock=self.clock,
        )
        self.refresh_loop = RefreshLoop(self, self.cloud, interval)
        self.watcher = Watcher(self)
        self.look_back = LookBack(self)
        self.refresh_loop.also.append(self.watcher.tick)
        self.launcher = LocalLauncher(self.options.local_url)
        #: The `:` lines run so far (kept under the state dir for the next session too).
        self.command_history = command_line.History.load(state_dir() / "command-history")
        self.profile: Profile | None = None
        self.project_name = ""
        self.session_title = ""
        mouse = self.options.mouse
        if mouse is None:
            mouse = mouse_enabled(self.settings.mouse)
        super().__init__()
        self.mouse = mouse

    # ---- start ------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        palette = self.current_theme.to_color_system().generate()
        return themes.status_defaults(palette)

    def on_mount(self) -> None:
        loaded, problems = themes.load_themes()
        for theme in loaded:
            self.register_theme(theme)
        wanted = self.options.theme or self.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            if themes.DEFAULT_THEME in self.available_themes:
                self.theme = themes.DEFAULT_THEME
            problems.append(f"theme {wanted!r} is not available; using {self.theme}")
        # Subscribed after the start-up choice is published (call_next): only a user's switch
        # is saved, never --theme or the fallback.
        self.call_next(self.theme_changed_signal.subscribe, self, self._remember_theme)
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        for problem in [self.config_problem, *problems]:
            if problem:
                self.notify(
                    problem, title="Configuration", severity="warning", timeout=10, markup=False
                )
        self.refresh_loop.start()
        self.set_interval(1.0, self._show_waiting)
        if not self.is_headless:  # a test's or a bench's app shares its process with others
            self.call_after_refresh(freeze_startup)
        self._start()

    def _remember_theme(self, theme: Theme) -> None:
        """A theme chosen in the command palette is the next start's theme too."""
        if theme.name == self.settings.theme:
            return
        if self.config_problem:  # saving now would replace the user's file with defaults
            self.notify(f"Theme not saved: fix {self.config_path} first", severity="warning")
            return
        try:
            self.settings = self.settings.model_copy(update={"theme": theme.name})
            save_config(self.settings, self.config_path)
        except OSError as exc:
            self.notify(f"Could not save {self.config_path}: {exc.strerror}", severity="warning")

    def _start(self) -> None:
        from pasqal_tui.tui.screens.start import StartScreen

        plan = plan_start(self.settings, self.options, self.launcher, self.secrets)
        if isinstance(plan, AskLogin):
            from pasqal_tui.tui.screens.login import LoginScreen

            self.push_screen(LoginScreen(plan.profile, problem=plan.problem))
            return
        start = self.screen_stack[0]
        if isinstance(start, StartScreen):  # a quick sign-in never flashes "Logging in…"
            start.say_later(START_SCREEN_DELAY, plan.status)
        self._sign_in_at_start(plan)

    def get_default_screen(self) -> Screen[Any]:
        from pasqal_tui.tui.screens.start import StartScreen

        return StartScreen()

    @work(group="launch", exclusive=True, exit_on_error=False)
    async def _sign_in_at_start(self, plan: SignIn) -> None:
        if plan.start_local:
            try:
                await self.launcher.start()
            except Exception as exc:
                self.login_failed(f"The local cloud did not start: {describe(exc)}", None)
                return
        self.login(plan.profile, plan.password, remember=False)

    # ---- login ------------------------------------------------------------------------------

    @work(group="login", exclusive=True, exit_on_error=False)
    async def login(self, profile: Profile, password: str, remember: bool) -> None:
        """Log in, list the projects and enter one; failures end on the login screen."""
        from pasqal_tui.session.login import first_batches_page, tls_verified

        key, fetch = first_batches_page()
        # The token is kept where the password is: only for a remembered password.
        keep = self.secrets if remember or self.secrets.get(profile.name) else None
        opening = self.cloud.sign_in(profile, password, self.launcher, fetch, keep)
        # The batch browser's code loads in a thread while the login is on the wire.
        preload = asyncio.to_thread(importlib.import_module, "pasqal_tui.tui.screens.batches")
        try:
            (projects, early), _ = await asyncio.gather(opening, preload)
        except Exception as exc:
            self.login_failed(describe(exc), profile)
            return
        self.refresh_loop.release()
        if early is not None:
            self.cloud.keep_prefetched(key, early)
            self.look_back.offer_first_page(early)
        self.profile = profile
        if not tls_verified():
            self.notify(
                "PASQAL_SKIP_SSL_VERIFY is set: TLS certificates are NOT checked",
                title="Security",
                severity="warning",
                timeout=15,
            )
        if profile.name != LOCAL_PROFILE:
            if remember and not self.secrets.set(profile.name, password):
                self.notify(self.secrets.problem or "", severity="warning", timeout=8, markup=False)
            elif not remember:
                self.secrets.remember_for_session(profile.name, password)
            self._save_profile(profile)
        self._enter_project(projects)

    def _enter_project(self, projects: list[Project]) -> None:
        """The profile's project when listed, else the only one, else ask; with none, say so."""
        from pasqal_tui.session.login import pick_project
        from pasqal_tui.tui.screens.login import ProjectScreen

        picked = pick_project(projects, self.profile.project_id if self.profile else None)
        if picked is not None:
            self.choose_project(picked.id, picked.name)
            return
        if not projects:
            self.login_failed("This account has no active project.", self.profile)
            return

        def chosen(project_id: str | None) -> None:
            project = next((p for p in projects if p.id == project_id), None)
            if project is not None:
                self.choose_project(project.id, project.name)
            else:
                message = "Choose a project to continue (log in again to see the list)."
                self.login_failed(message, self.profile)

        self.push_screen(ProjectScreen(projects), chosen)

    def login_failed(self, message: str, profile: Profile | None) -> None:
        """Say why on the login screen, opening it over the start screen if that is on top."""
        from pasqal_tui.tui.screens.login import LoginScreen
        from pasqal_tui.tui.screens.start import StartScreen

        screen = self.screen
        shown = profile if profile is not None and profile.name != LOCAL_PROFILE else None
        if isinstance(screen, LoginScreen):
            screen.show_error(message)
        elif isinstance(screen, StartScreen):
            self.push_screen(LoginScreen(shown, error=message))
        else:
            self.notify(message, severity="error", markup=False)

    def _save_profile(self, profile: Profile) -> None:
        try:
            self.settings = self.settings.with_profile(profile)
            save_config(self.settings, self.config_path)
        except OSError as exc:
            self.notify(f"Could not save {self.config_path}: {exc.strerror}", severity="warning")

    def choose_project(self, project_id: str, project_name: str) -> None:
        """Point the client at a project and show its batches."""
        from pasqal_tui.tui.screens.batches import BatchesScreen
        from pasqal_tui.tui.screens.start import StartScreen

        self.cloud.use_project(project_id)
        self.project_name = project_name
        profile = self.profile
        self.watcher.start(profile.name if profile else LOCAL_PROFILE)
        if profile is not None and profile.name != LOCAL_PROFILE:
            self.profile = profile.model_copy(update={"project_id": project_id})
            self._save_profile(self.profile)
        where = profile.name if profile else ""
        # Each screen shows this in its own header (Screen.sub_title): changing the app's
        # sub_title here would race with the header of the login screen being removed.
        self.session_title = f"{where} · {project_name}" + (
            " · read-only" if self.read_only else ""
        )
        if isinstance(self.screen, StartScreen):
            self.push_screen(BatchesScreen())
        else:  # in place of the login (or batch) screen it came from
            self.switch_screen(BatchesScreen())
        self.look_back.start(where or LOCAL_PROFILE)  # "since you last looked", once a start

    # ---- actions ----------------------------------------------------------------------------

    def action_help(self) -> None:
        from pasqal_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_command_line(self) -> None:
        """`:` opens the command line at the bottom (not over a dialog)."""
        from textual.screen import ModalScreen

        from pasqal_tui.tui.screens.dialogs.command import CommandScreen

        if not isinstance(self.screen, ModalScreen):
            self.push_screen(CommandScreen())

    def action_table_move(self, where: str) -> None:
        navigation.move(self.screen.focused, where)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "table_move":  # hidden, and the key passed on, unless a table has focus
            return navigation.movable(self.screen.focused)
        return super().check_action(action, parameters)

    def action_toggle_pause(self) -> None:
        from pasqal_tui.tui.screens.base import TableScreen

        paused = self.refresh_loop.toggle_pause()
        self.notify("Live refresh paused" if paused else "Live refresh resumed", timeout=2)
        for screen in self.screen_stack:  # the pager line says so while paused
            if isinstance(screen, TableScreen) and screen.loaded:
                screen.show_pager()

    def action_refresh_now(self) -> None:
        self.refresh_loop.refresh_now()

    def action_login(self) -> None:
        from pasqal_tui.tui.screens.login import LoginScreen

        self.push_screen(LoginScreen(self.profile))

    def action_devices(self) -> None:
        from pasqal_tui.tui.screens.devices import DevicesScreen

        if not isinstance(self.screen, DevicesScreen):
            self.push_screen(DevicesScreen())

    def action_workloads(self) -> None:
        from pasqal_tui.tui.screens.workloads import WorkloadsScreen

        if self.cloud.client is None:
            self.notify("Log in first (L): workloads live in a project", severity="warning")
        elif not isinstance(self.screen, WorkloadsScreen):
            self.push_screen(WorkloadsScreen())

    def action_errors(self) -> None:
        from pasqal_tui.tui.screens.errors_view import ErrorsScreen

        if self.cloud.client is None:
            self.notify("Log in first (L)", severity="warning")
        elif not isinstance(self.screen, ErrorsScreen):
            self.push_screen(ErrorsScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        # Textual's "Keys" panel would be a second help: ours is the one entry for it.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        yield SystemCommand(
            "Help", "Keys of this screen, grouped, with what each does (?)", self.action_help
        )
        yield SystemCommand("Pause or resume live refresh", "Key p", self.action_toggle_pause)
        yield SystemCommand("Log in", "Choose or create a profile", self.action_login)
        yield SystemCommand(
            "Watched batches", "The batches w watches; x stops watching one", self.action_watched
        )
        yield from self._command_line_entries()

    def action_watched(self) -> None:
        from pasqal_tui.tui.screens.dialogs.watched import WatchedScreen

        self.push_screen(WatchedScreen(self.watcher.watchlist))

    def _command_line_entries(self) -> Any:
        """The `:` commands without an argument, from the command line's one list."""
        from functools import partial

        from pasqal_tui.tui.screens.dialogs.command import run_simple

        for spec in command_line.COMMANDS:
            if not spec.argument and spec.name != "q":
                run = partial(run_simple, self, spec.name)
                yield SystemCommand(f":{spec.name}", spec.help, run)

    # ---- what the cloud worker reports -------------------------------------------------------

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        """The banner says what is wrong and when the next try is; a refused sign-in stops the
        refresh loop and asks for the password (the refused one is never sent again)."""
        if message.state == "ok":
            if self.connection_problem:
                self.notify("Connection restored", timeout=3)
            self.connection_problem = ""
            return
        if message.state == "refused":
            if self.refresh_loop.held:
                return
            self.refresh_loop.hold("sign-in refused")
            self.connection_problem = " ⚠ Sign-in refused: live refresh stopped; log in again (L) "
            self._ask_password(message.detail)
            return
        if message.retry_in:
            self.refresh_loop.rate_limited(message.retry_in)
        where = self.cloud.where or "server"
        wait = max(1.0, self.refresh_loop.next_in())
        if message.retry_in and message.retry_in > self.refresh_loop.interval:
            self.connection_problem = f" ⚠ {where} is rate limiting; next try in {wait:.0f} s "
        else:
            self.connection_problem = (
                f" ⚠ {where} is not answering ({_short(message.detail)}); "
                f"next try in {wait:.0f} s "
            )

    def _show_waiting(self) -> None:
        """Say so when a request hangs (up to the 30 s timeout); nothing is drawn otherwise."""
        waited = self.cloud.waiting_for()
        self.waiting = f" … waiting for the cloud ({waited:.0f} s) " if waited >= SLOW_AFTER else ""

    def _ask_password(self, reason: str) -> None:
        from pasqal_tui.tui.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            return
        profile = self.profile if self.profile and self.profile.name != LOCAL_PROFILE else None
        self.push_screen(LoginScreen(profile, error=f"{reason}. Type the password again."))

    def on_mutations_changed(self, _message: MutationsChanged) -> None:
        self.refresh_bindings()

    def on_digest_ready(self, message: DigestReady) -> None:
        self.look_back.ready(message.digest)

    def on_watch_polled(self, message: WatchPolled) -> None:
        self.watcher.polled(message.polled)

    def on_refused(self, message: Refused) -> None:
        self.notify(message.text, severity="warning", timeout=4, markup=False)

    async def on_unmount(self) -> None:
        self.refresh_loop.stop()
        await self.cloud.close()
        self.launcher.stop()


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
