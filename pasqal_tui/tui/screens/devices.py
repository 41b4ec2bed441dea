"""Device specs: the devices a sequence can target, their limits, raw JSON, and a comparison.

Specs come from the authenticated endpoint when logged in, else from the public one (no token),
so the screen also works from the login screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pasqal_tui.core.device_specs import DeviceSpec, compare, parse_devices
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.navigation import LineScroll, scroll_bindings
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.device_sheet import DeviceSheet, comparison_table
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status import rich_colour
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.table import DiffTable

if TYPE_CHECKING:
    from pasqal_tui.cloud.environments import Environment
    from pasqal_tui.core.config import Profile
    from pasqal_tui.tui.app import PasqalApp

COLUMNS = (("mark", " ", 1), ("device", "Device", 12), ("atoms", "Atoms", 8))
MARK = "◆"


@dataclass
class DeviceSpecsLoaded(Message):
    specs: dict[str, str]
    public: bool


def public_environment(app: PasqalApp) -> Environment | None:
    """Where to ask for public specs before logging in: the profile or local cloud at hand."""
    from pasqal_tui.session.login import environment_for

    candidates: list[Profile | None] = [app.profile]
    if app.launcher.base_url:
        candidates.append(app.launcher.profile())
    candidates.append(app.settings.profile(app.settings.default_profile))
    for profile in candidates:
        if profile is None:
            continue
        try:
            return environment_for(profile, app.launcher)
        except ValueError:
            continue
    return None


class DevicesScreen(AppAccess, Screen[None]):
    """The device list on the left, the highlighted device's sheet on the right."""

    CSS_PATH = "devices.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="devices.back"),
        *registry.bindings("devices"),
        Binding("tab", "app.focus_next", "Sheet/list", id="devices.focus", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.devices: list[DeviceSpec] = []
        self.marked: list[str] = []
        self.public = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        with Horizontal(id="devices-body"):
            table = DiffTable(id="device-list")
            table.setup_columns(COLUMNS)
            yield table
            yield DeviceSheet(id="device-sheet")
        with Horizontal(classes="statusline"):
            yield Static("Loading device specs…", id="devices-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.query_one(DiffTable).focus()
        self.load()

    def load(self) -> None:
        cloud = self.pasqal.cloud
        if cloud.client is not None:
            cloud.request(
                self, "specs", lambda c: c.get_device_specs(), lambda s: DeviceSpecsLoaded(s, False)
            )
            return
        environment = public_environment(self.pasqal)
        if environment is None:
            self._status("Not logged in, and no environment to ask for public specs: log in (L)")
            return
        cloud.request_public(
            self,
            "specs",
            environment,
            lambda c: c.get_public_device_specs(),
            lambda s: DeviceSpecsLoaded(s, True),
        )

    def refresh_data(self, include_settled: bool) -> None:
        """Specs hardly change: reload only when asked (R) or after a connection problem."""
        if include_settled:
            self.load()

    def _status(self, text: str) -> None:
        """Text, not markup: it may quote the server (a "[" in a message is shown as is)."""
        self.query_one("#devices-status", Static).update(Text(text))

    def on_device_specs_loaded(self, message: DeviceSpecsLoaded) -> None:
        self.devices = parse_devices(message.specs)
        self.public = message.public
        self.loaded = True
        known = {d.device_type for d in self.devices}
        self.marked = [m for m in self.marked if m in known]
        self._repaint()
        source = "public specs (not logged in)" if self.public else "specs of your account"
        problems = [d.problem for d in self.devices if d.problem]
        text = f"{len(self.devices)} devices · {source} · space marks two, = compares"
        self._status(problems[0] if problems else text)
        self._show_current()

    def on_request_failed(self, message: RequestFailed) -> None:
        self._status(f"Could not load device specs: {message.failure.message}")

    def _repaint(self) -> None:
        table = self.query_one(DiffTable)
        rows = [
            (
                d.device_type,
                [MARK if d.device_type in self.marked else "", d.device_type, d.max_atoms],
            )
            for d in self.devices
        ]
        table.sync(rows)

    def current(self) -> DeviceSpec | None:
        row_id = self.query_one(DiffTable).current_id()
        return next((d for d in self.devices if d.device_type == row_id), None)

    def _show_current(self) -> None:
        self.query_one(DeviceSheet).show(self.current())

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_current()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.query_one(DeviceSheet).focus()

    # ---- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_raw(self) -> None:
        sheet = self.query_one(DeviceSheet)
        sheet.show_raw(not sheet.raw)

    def action_mark(self) -> None:
        spec = self.current()
        if spec is None:
            return
        name = spec.device_type
        if name in self.marked:
            self.marked.remove(name)
        else:
            self.marked = [*self.marked, name][-2:]
        self._repaint()

    def action_compare(self) -> None:
        """Two marked devices, or the marked one with the highlighted one."""
        current = self.current()
        names = list(self.marked)
        if len(names) == 1 and current is not None and current.device_type not in names:
            names.append(current.device_type)
        if len(names) != 2:
            self.notify("Mark a device with space, then highlight another and press =", timeout=4)
            return
        left, right = (next(d for d in self.devices if d.device_type == n) for n in names)
        self.app.push_screen(DeviceCompareScreen(left, right))


class DeviceCompareScreen(LineScroll, Screen[None]):
    """Two devices side by side; differing lines are marked ≠ and highlighted."""

    CSS_PATH = "devices.tcss"
    SCROLL_ID = "compare-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="compare.back"),
        *registry.bindings("compare"),
        *scroll_bindings("compare"),
    ]

    def __init__(self, left: DeviceSpec, right: DeviceSpec) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.only_differences = False
        self.rows = compare(left, right)

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Static("", id="compare-title", classes="section-title")
        with VerticalScroll(id="compare-body"):
            yield Static("", id="compare-table")
        yield KeyFooter()

    crumb = "compare"

    def on_mount(self) -> None:
        self.sub_title = getattr(self.app, "session_title", "")
        self.query_one("#compare-body").focus()
        self._paint()

    def _paint(self) -> None:
        differing = sum(1 for r in self.rows if r.differs)
        shown = "only differences" if self.only_differences else "all lines"
        self.query_one("#compare-title", Static).update(
            Text(
                f"{self.left.device_type} vs {self.right.device_type}: "
                f"{differing} of {len(self.rows)} lines differ ({shown})"
            )
        )
        colour = rich_colour(self.app.theme_variables.get("warning", ""))
        table = comparison_table(
            self.left.device_type,
            self.right.device_type,
            self.rows,
            colour,
            only_differences=self.only_differences,
        )
        self.query_one("#compare-table", Static).update(table)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_only_differences(self) -> None:
        self.only_differences = not self.only_differences
        self._paint()

    def action_swap(self) -> None:
        self.left, self.right = self.right, self.left
        self.rows = compare(self.left, self.right)
        self._paint()
