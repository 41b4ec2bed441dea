"""The status line at the top: where you are (a breadcrumb) and what you are connected to.

The breadcrumb reads "Batches", then the batch's short id, then "job" and the job's short id.
Profile, environment (or the cloud's host:port for custom URLs), user, project, read-only, the
refresh interval and the time since the last answer (or "paused" / "offline"). It fits any width:
the least important parts go first, then leading crumbs become "…". One line, fixed height: an
update repaints the line only, and only when its text changed (once a second at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

    from pasqal_tui.core.config import Profile
    from pasqal_tui.tui.app import PasqalApp

SEPARATOR = " · "
CRUMB = " \u203a "  # a single right-pointing angle quotation mark


@dataclass(frozen=True)
class Status:
    profile: str = ""
    place: str = ""
    user: str = ""
    project: str = ""
    read_only: bool = False
    interval: float = 0.0
    #: "3 s ago", "paused", "offline" or "" (not connected yet).
    age: str = ""

    def parts(self) -> list[tuple[str, str]]:
        """(name, text) in the order shown, left to right; empty ones left out."""
        parts = [
            ("profile", self.profile if self.profile != self.place else ""),
            ("place", self.place),
            ("user", self.user),
            ("project", self.project),
            ("read_only", "read-only" if self.read_only else ""),
            ("interval", f"every {self.interval:g} s" if self.interval and self.project else ""),
            ("age", self.age),
        ]
        return [(name, text) for name, text in parts if text]


def place_of(profile: Profile) -> str:
    """A named environment by its name; custom URLs by the core URL's host:port."""
    if profile.environment == "custom" and profile.core_url:
        return urlsplit(profile.core_url).netloc or profile.core_url
    return profile.environment


def age_text(seconds: float) -> str:
    """Coarse, so that the line changes at most once a second, and rarely after a minute."""
    if seconds < 2:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{int(seconds // 3600)} h ago"


def fit(crumbs: list[str], parts: list[tuple[str, str]], width: int) -> tuple[str, list[str]]:
    """The breadcrumb and the parts' texts that fit ``width`` together (one space apart).

    Dropped in this order until it fits: the interval, profile and user; then leading crumbs
    (the last one says where you are); then the place, the project and the age. Read-only
    always stays."""
    kept = list(parts)
    path = list(crumbs)

    def fits() -> bool:
        right = len(SEPARATOR.join(t for _, t in kept))
        return len(CRUMB.join(path)) + (right + 1 if kept else 0) <= width

    def drop(name: str) -> None:
        nonlocal kept
        if not fits():
            kept = [(n, t) for n, t in kept if n != name]

    for name in ("interval", "profile", "user"):
        drop(name)
    while not fits() and len(path) > 1 and path != ["…", path[-1]]:
        path = ["…", *path[2:]] if path[0] == "…" else ["…", *path[1:]]
    for name in ("place", "project", "age"):
        drop(name)
    crumb = CRUMB.join(path)
    room = width - (len(SEPARATOR.join(t for _, t in kept)) + 1 if kept else 0)
    if len(crumb) > room:
        crumb = crumb[: max(0, room - 1)] + "…" if room > 0 else ""
    return crumb, [t for _, t in kept]


def crumb_of(screen: Screen[object]) -> str:
    """A screen's own word for the breadcrumb (``crumb``), else its class name."""
    crumb = getattr(screen, "crumb", None)
    if isinstance(crumb, str):
        return crumb
    return type(screen).__name__.removesuffix("Screen")


class StatusLine(Widget):
    """The breadcrumb of the screen stack up to this screen, and the connection's state."""

    DEFAULT_CSS = """
    StatusLine { height: 1; dock: top; background: $panel; padding: 0 1; }
    StatusLine > .status-line--crumb { color: $text; text-style: bold; }
    StatusLine > .status-line--part { color: $text-muted; }
    StatusLine > .status-line--alert { color: $warning; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-line--crumb",
        "status-line--part",
        "status-line--alert",
    }

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self._line = Text()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.update_line)
        self.watch(self.app, "connection_problem", lambda _v: self.update_line(), init=False)
        self.call_after_refresh(self.update_line)

    def on_resize(self) -> None:
        self.update_line()

    @property
    def pasqal(self) -> PasqalApp:
        from pasqal_tui.tui.app import PasqalApp

        assert isinstance(self.app, PasqalApp)
        return self.app

    def crumbs(self) -> list[str]:
        """The path to this screen: the full screens under it, without the start screen."""
        from textual.screen import ModalScreen

        from pasqal_tui.tui.screens.start import StartScreen

        stack = self.app.screen_stack
        mine = self.screen
        below = stack[: stack.index(mine) + 1] if mine in stack else [mine]
        return [
            crumb_of(s)
            for s in below
            if not isinstance(s, StartScreen | ModalScreen) and crumb_of(s)
        ]

    def status(self) -> Status:
        app = self.pasqal
        profile = app.profile
        cloud = app.cloud
        if cloud.client is None:
            age = ""
        elif app.connection_problem or cloud.failures or app.refresh_loop.held:
            age = "offline"
        elif app.refresh_loop.paused:
            age = "paused"
        elif cloud.answered_at is not None:
            age = age_text(max(0.0, (app.clock() - cloud.answered_at).total_seconds()))
        else:
            age = ""
        return Status(
            profile=profile.name if profile else "",
            place=place_of(profile) if profile else "",
            user=profile.username if profile else "",
            project=app.project_name if cloud.client is not None else "",
            read_only=app.read_only,
            interval=app.refresh_loop.interval,
            age=age,
        )

    def update_line(self) -> None:
        if not self.is_attached or self.content_size.width <= 0:
            return
        if self.screen is not self.app.screen and self.text:  # hidden: no repaint
            return
        status = self.status()
        crumb, parts = fit(self.crumbs(), status.parts(), self.content_size.width)
        text = f"{crumb}|{'·'.join(parts)}"
        if text == self.text:
            return
        self.text = text
        self._line = self._styled(crumb, parts, status)
        self.refresh(layout=False)

    def _styled(self, crumb: str, parts: list[str], status: Status) -> Text:
        alert = self.get_component_rich_style("status-line--alert")
        plain = self.get_component_rich_style("status-line--part")
        right = Text(no_wrap=True)
        for index, part in enumerate(parts):
            if index:
                right.append(SEPARATOR, style=plain)
            loud = part in ("read-only", "offline", "paused")
            right.append(part, style=alert if loud else plain)
        line = Text(crumb, style=self.get_component_rich_style("status-line--crumb"), no_wrap=True)
        gap = max(1, self.content_size.width - len(crumb) - right.cell_len)
        line.append(" " * gap)
        line.append_text(right)
        return line

    def render(self) -> Text:
        return self._line
