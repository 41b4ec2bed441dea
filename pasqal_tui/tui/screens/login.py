"""Login: choose or create a profile, type the password, pick a project.

Errors are one line under the form and nothing the user typed is cleared.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from pasqal_tui.cloud.environments import ENVIRONMENT_NAMES
from pasqal_tui.cloud.models import Project
from pasqal_tui.core.config import LOCAL_PROFILE, Profile
from pasqal_tui.tui.widgets.checkbox import TextCheckbox
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status_line import StatusLine

NEW = "__new__"
_ENV_CHOICES = [*ENVIRONMENT_NAMES, "custom", LOCAL_PROFILE]


class LoginScreen(Screen[None]):
    """The first screen when there is no embedded cloud, or when asked (L)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="login.back"),
        Binding("ctrl+s", "submit", "Log in", id="login.submit"),
    ]

    def __init__(
        self, profile: Profile | None, *, problem: str | None = None, error: str | None = None
    ) -> None:
        super().__init__()
        self.initial = profile
        self.problem = problem
        self.error = error

    def compose(self) -> ComposeResult:
        from pasqal_tui.tui.app import PasqalApp

        app = self.app
        assert isinstance(app, PasqalApp)
        profiles = [(p.name, p.name) for p in app.settings.profiles if p.name != LOCAL_PROFILE]
        yield StatusLine()
        with Vertical(id="login-box"):
            yield Static("Log in to Pasqal Cloud", id="login-title")
            yield Static("", id="login-status")
            with Grid(id="login-form"):
                yield Label("Profile")
                yield Select(
                    [*profiles, ("New profile", NEW)],
                    value=NEW,
                    id="profile",
                    compact=True,
                    allow_blank=False,
                )
                yield Label("Name")
                yield Input(placeholder="e.g. work", id="name", compact=True)
                yield Label("Environment")
                yield Select(
                    [(e, e) for e in _ENV_CHOICES],
                    value="prod",
                    id="environment",
                    compact=True,
                    allow_blank=False,
                )
                yield Label("Core URL", classes="custom")
                yield Input(
                    placeholder="https://…/core-fast", id="core_url", compact=True, classes="custom"
                )
                yield Label("Token URL", classes="custom")
                yield Input(
                    placeholder="https://…/oauth/token",
                    id="token_url",
                    compact=True,
                    classes="custom",
                )
                yield Label("Username")
                yield Input(id="username", compact=True)
                yield Label("Password")
                yield Input(password=True, id="password", compact=True)
                yield Label("Project id")
                yield Input(
                    placeholder="optional: chosen after login", id="project_id", compact=True
                )
                yield Label("")
                yield TextCheckbox("Remember password in the keyring", id="remember", compact=True)
            yield Button("Log in", id="login", variant="primary", compact=True)
            yield Static("", id="login-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.initial is not None and self.initial.name != LOCAL_PROFILE:
            self._fill(self.initial)
        elif self.initial is not None and self.initial.environment in _ENV_CHOICES:
            self.query_one("#environment", Select).value = self.initial.environment
        if self.problem:
            self.set_status(self.problem)
        if self.error:
            self.show_error(self.error)
        self._show_custom()
        focus_id = "#name"
        if self.initial is not None:
            focus_id = "#password" if self.initial.username else "#username"
        self.query_one(focus_id, Input).focus()

    def set_status(self, text: str) -> None:
        self.query_one("#login-status", Static).update(Text(text))  # not markup: "[local]"

    def show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(Text(message))
        self.set_status("")
        self.query_one("#login", Button).disabled = False

    def _fill(self, profile: Profile) -> None:
        known = self.app.settings.profile(profile.name)  # type: ignore[attr-defined]
        if known is not None:
            self.query_one("#profile", Select).value = profile.name
        self.query_one("#name", Input).value = profile.name
        env = profile.environment if profile.environment in _ENV_CHOICES else "prod"
        self.query_one("#environment", Select).value = env
        self.query_one("#core_url", Input).value = profile.core_url or ""
        self.query_one("#token_url", Input).value = profile.token_url or ""
        self.query_one("#username", Input).value = profile.username
        self.query_one("#project_id", Input).value = profile.project_id or ""

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "profile" and isinstance(event.value, str) and event.value != NEW:
            profile = self.app.settings.profile(event.value)  # type: ignore[attr-defined]
            if profile is not None:
                self._fill(profile)
        self._show_custom()

    def _show_custom(self) -> None:
        custom = self.query_one("#environment", Select).value == "custom"
        for widget in self.query(".custom"):
            widget.display = custom

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self.action_submit()

    def action_submit(self) -> None:
        from pasqal_tui.tui.app import PasqalApp

        app = self.app
        assert isinstance(app, PasqalApp)
        values = {i.id: i.value.strip() for i in self.query(Input) if i.id}
        env = self.query_one("#environment", Select).value
        try:
            profile = Profile(
                name=values["name"] or "default",
                environment=str(env),
                core_url=values["core_url"] or None,
                token_url=values["token_url"] or None,
                username=values["username"],
                project_id=values["project_id"] or None,
            )
        except ValueError as exc:
            self.show_error(_first_error(exc))
            return
        password = self.query_one("#password", Input).value
        if not profile.username or not password:
            self.show_error("Enter a username and a password.")
            return
        self.query_one("#login-error", Static).update("")
        self.set_status(f"Logging in to {profile.environment}…")
        self.query_one("#login", Button).disabled = True
        remember = self.query_one("#remember", Checkbox).value
        app.login(profile, password, remember)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()


class ProjectScreen(ModalScreen[str | None]):
    """The account's active projects; Enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="project.cancel"),
    ]

    def __init__(self, projects: list[Project]) -> None:
        super().__init__()
        self.projects = projects

    def compose(self) -> ComposeResult:
        with Vertical(id="project-box"):
            yield Static("Choose a project", id="project-title")
            yield OptionList(*[Option(f"{p.name}  ({p.id[:8]})", id=p.id) for p in self.projects])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "profile"
        return f"{field}: {first.get('msg', '')}".removeprefix("Value error, ")
    return str(exc)
