"""Typed messages the CloudWorker posts: answers to the screen that asked, and the connection's
state to the app. Dataclasses, so a message reads as what it carries.

``background`` is True when the request was a live refresh, not something the user asked for:
the screen then keeps its cursor, and a failure is left to the banner. A newer background answer
replaces an older one still queued (``can_replace``), so a slow UI never paints stale pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Batch, Job, JobResults, Page
    from pasqal_tui.cloud.observables import DecodedResults
    from pasqal_tui.ops.outcomes import CreateNotConfirmedError


class _Refreshable(Message):
    """An answer that a newer background answer of the same kind makes obsolete."""

    background: bool

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, _Refreshable)
            and type(message) is type(self)
            and self.background
            and message.background
        )


@dataclass
class BatchesLoaded(_Refreshable):
    page: Page[Batch]
    background: bool
    #: What the page covers when it is not simply the server's filter (said on the pager line).
    note: str = ""
    #: The filters it was asked with: a refresh answered after the filter changed is dropped.
    asked: object = None


@dataclass
class BatchLoaded(_Refreshable):
    batch: Batch
    background: bool


@dataclass
class JobsLoaded(_Refreshable):
    page: Page[Job]
    background: bool
    focus_id: str | None = None
    #: The jobs' batch, read right after the page: its line is painted with the rows.
    batch: Batch | None = None
    #: The filters and order it was asked with (see BatchesLoaded.asked).
    asked: object = None


@dataclass
class JobsAhead(Message):
    """The page after the one shown, read before it is asked for (see JobsScreen)."""

    key: object
    page: Page[Job]
    #: When it came (monotonic), if it came before: a page shown earlier, still fresh.
    came: float | None = None


@dataclass
class JobsKept(Message):
    """A page read while another is shown, kept to show without a request when asked for:
    the last page (`}`), or a batch's first errored jobs (`4`) (JobsScreen)."""

    key: object
    page: Page[Job]
    #: Read for a filter other than the one shown (the errored jobs): kept all the same.
    other_filter: bool = False


@dataclass
class JobLoaded(_Refreshable):
    job: Job
    background: bool


@dataclass
class ResultsLoaded(Message):
    job_id: str
    results: JobResults | None
    observables: DecodedResults | None = None


@dataclass
class Notice(Message):
    """A one-line outcome worth telling the user (e.g. "no ERROR job here")."""

    text: str


@dataclass
class Failure:
    """What failed, in one line a person understands, and whether it was a background refresh.

    ``unconfirmed`` is set when a create's answer was lost and the lookup did not find it: the
    line then says "not created: safe to resend" or "outcome unknown", never "failed".
    """

    purpose: str
    message: str
    background: bool
    kind: str
    unconfirmed: CreateNotConfirmedError | None = None


@dataclass
class RequestFailed(Message):
    failure: Failure


#: What the connection is doing: fine, the cloud not answering, or the sign-in refused.
ConnectionState = Literal["ok", "down", "refused"]


@dataclass
class ConnectionChanged(Message):
    """Posted to the app when the connection's state (or its next retry) changes."""

    state: ConnectionState
    detail: str = ""
    retry_in: float = 0.0


@dataclass
class MutationsChanged(Message):
    """A mutating request started or ended: the keys that depend on it are re-checked."""

    in_flight: frozenset[str]


@dataclass
class Refused(Message):
    """The worker refused to send a mutation (read-only, or the same one in flight)."""

    text: str
