"""One job: variables, full errors, timestamps, the result histogram, raw samples on demand."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from pasqal_tui.cloud.models import Job, JobResults, JobStatus
from pasqal_tui.cloud.observables import DecodedResults
from pasqal_tui.core.clock import absolute, relative
from pasqal_tui.ops.job_results import job_results
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import JobLoaded, Notice, RequestFailed, ResultsLoaded
from pasqal_tui.tui.navigation import LineScroll, scroll_bindings
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.histogram import histogram_lines
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.observables import observables_text
from pasqal_tui.tui.widgets.status import status_colour, status_text
from pasqal_tui.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    pass

TOP_N = 12
RAW_SHOWN = 200


class JobScreen(LineScroll, AppAccess, Screen[None]):
    """Everything about one job; y copies its id, Y its errors, P opens its parent.

    Only the keys that apply to this job are offered (footer, help); one pressed anyway says
    why it does nothing (:meth:`unavailable`)."""

    SCROLL_ID = "job-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="job.back"),
        *registry.bindings("job"),
        *scroll_bindings("job"),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.results: JobResults | None = None
        self.observables: DecodedResults | None = None
        self.results_loaded = False
        self.show_raw = False
        self.loaded = False
        self._shown: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        with VerticalScroll(id="job-body"):
            yield Static(id="job-head")
            yield Static("Variables", classes="section-title")
            yield Static(id="job-variables", classes="section")
            yield Static("Errors", classes="section-title", id="job-errors-title")
            yield Static(id="job-errors", classes="section")
            yield Static("Results", classes="section-title")
            yield Static(id="job-results", classes="section")
            yield Static(id="job-raw", classes="section")
            # Only for results with Pulser `serialised_results` (EmulationConfig runs).
            yield Static("Observables", classes="section-title", id="job-observables-title")
            yield Static(id="job-observables", classes="section")
        yield KeyFooter()

    @property
    def crumb(self) -> str:
        return f"job {self.job.id[:8]}"

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.render_observables()
        self.query_one("#job-body").focus()
        self.render_job()
        self._load_job(background=False)

    # ---- loading ----------------------------------------------------------------------------

    def _load_job(self, *, background: bool) -> None:
        job_id = self.job.id
        self.pasqal.cloud.request(
            self,
            "job",
            lambda c: c.get_job(job_id),
            lambda j: JobLoaded(j, background),
            background=background,
        )

    def _load_results(self) -> None:
        job_id = self.job.id
        self.pasqal.cloud.request(
            self,
            "results",
            lambda c: job_results(c, job_id),
            lambda r: ResultsLoaded(job_id, r[0], r[1]),
        )

    def on_job_loaded(self, message: JobLoaded) -> None:
        if message.job.id != self.job.id:
            self.app.push_screen(JobScreen(message.job))  # the parent link
            return
        before = self.job.status
        self.job = message.job
        self.loaded = True
        self.refresh_bindings()  # a job that just finished has results, one that failed errors
        if message.background and before != self.job.status:
            self.notify(f"Job {self.job.id[:8]}: {before.value} → {self.job.status.value}")
        self.render_job()
        if self.job.status == JobStatus.DONE and not self.results_loaded:
            self._load_results()

    def on_results_loaded(self, message: ResultsLoaded) -> None:
        self.results = message.results
        self.observables = message.observables
        self.results_loaded = True
        self.render_results()

    def on_request_failed(self, message: RequestFailed) -> None:
        self.say_failure(message.failure)

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, timeout=4, markup=False)

    def refresh_data(self, include_settled: bool) -> None:
        if include_settled or not JobStatus(self.job.status).is_terminal:
            self._load_job(background=True)

    # ---- rendering --------------------------------------------------------------------------

    def render_job(self) -> None:
        job, now = self.job, self.pasqal.clock()
        head = Text()
        head.append(f"Job {job.id}  ", style="bold")
        head.append_text(status_text(self.app, job.status.value))
        head.append(f"  runs {job.runs if job.runs is not None else '-'}\n")
        head.append(f"Batch    {job.batch_id}\n")
        if job.parent_id:
            head.append(f"Parent   {job.parent_id}  (P opens it)\n")
        for label, when in (
            ("Created", job.created_at),
            ("Started", job.start_timestamp),
            ("Ended", job.end_timestamp),
        ):
            ago = relative(when, now) if when else ""
            is_date = len(ago) == 10 and ago[4] == "-"  # old enough to be a plain date
            rel = f"  ({ago})" if ago and not is_date else ""
            head.append(f"{label:<8} {absolute(when)}{rel}\n")
        head.rstrip()
        self._set("#job-head", head)
        variables = job.variables or {}
        lines = [f"{k} = {json.dumps(v)}" for k, v in variables.items()]
        self._set("#job-variables", Text("\n".join(lines)) if lines else Text("none", style="dim"))
        if job.errors:
            colour = status_colour(self.app, "ERROR")
            text = Text()
            for i, error in enumerate(job.errors):
                text.append(("\n" if i else "") + error.strip(), style=colour)
            self._set("#job-errors", text)
        else:
            self._set("#job-errors", Text("none", style="dim"))
        self.render_results()

    def _set(self, selector: str, content: Text) -> None:
        """Update a section only when it changed: a quiet refresh writes nothing."""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content)

    def render_results(self) -> None:
        widget = self.query_one("#job-results", Static)
        raw_widget = self.query_one("#job-raw", Static)
        if self.job.status != JobStatus.DONE:
            widget.update(Text(f"no results: the job is {self.job.status.value}", style="dim"))
            raw_widget.display = False
            return
        if not self.results_loaded:
            widget.update(Text("loading…", style="dim"))
            return
        counter = (self.results.counter if self.results else None) or {}
        colour = status_colour(self.app, "DONE")
        widget.update(histogram_lines(counter, top=TOP_N, width=30, style=colour))
        self.render_observables()
        raw = (self.results.raw if self.results else None) or []
        raw_widget.display = self.show_raw
        if self.show_raw:
            shown = " ".join(raw[:RAW_SHOWN])
            more = f"\n… {len(raw) - RAW_SHOWN:,} more" if len(raw) > RAW_SHOWN else ""
            raw_widget.update(
                Text(f"\nRaw samples ({len(raw):,})\n{shown}{more}" if raw else "\nno raw samples")
            )

    def render_observables(self) -> None:
        """The observables section exists only for results that carry Pulser `Results`."""
        shown = self.job.status == JobStatus.DONE and self.observables is not None
        for selector in ("#job-observables-title", "#job-observables"):
            self.query_one(selector).display = shown
        if shown and self.observables is not None:
            colour = status_colour(self.app, "DONE")
            self._set("#job-observables", observables_text(self.observables, style=colour))

    # ---- which keys apply ---------------------------------------------------------------------

    def unavailable(self, action: str) -> str:
        """Why ``action`` does not apply to this job, in a line; "" when it does."""
        job = self.job
        if action == "raw" and job.status != JobStatus.DONE:
            return f"No raw samples: the job is {job.status.value}; only a DONE job has results"
        if action == "parent" and not job.parent_id:
            return "This job has no parent job: only a job copied by a rebatch has one"
        if action == "copy_error" and not job.errors:
            return "This job has no error to copy"
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.unavailable(action):
            return False  # not offered in the footer or help
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        """A key not offered because it does not apply to this job: say why, not nothing."""
        for namespace, bindings in self._modal_binding_chain:  # with the user's keymap
            if namespace is not self:
                continue
            for binding in bindings.key_to_bindings.get(event.key, ()):
                why = self.unavailable(binding.action)
                if why:
                    event.stop()
                    self.notify(why, timeout=4, markup=False)
                    return

    def _say_unavailable(self, action: str) -> bool:
        why = self.unavailable(action)
        if why:
            self.notify(why, timeout=4, markup=False)
        return bool(why)

    # ---- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.job.id)
        self.notify("Job id copied", timeout=2)

    def action_copy_error(self) -> None:
        if self._say_unavailable("copy_error"):
            return
        self.app.copy_to_clipboard("\n".join(self.job.errors or []))
        self.notify("Error text copied", timeout=2)

    def action_raw(self) -> None:
        if self._say_unavailable("raw"):
            return
        self.show_raw = not self.show_raw
        self.render_results()

    def action_parent(self) -> None:
        parent = self.job.parent_id
        if self._say_unavailable("parent") or not parent:
            return
        self.pasqal.cloud.request(
            self, "parent", lambda c: c.get_job(parent), lambda j: JobLoaded(j, False)
        )
