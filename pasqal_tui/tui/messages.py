"""Typed messages the CloudWorker posts back to the screen that asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Batch, Job, JobResults, Page


class BatchesLoaded(Message):
    def __init__(self, page: Page[Batch], refresh: bool) -> None:
        super().__init__()
        self.page = page
        self.refresh = refresh


class BatchLoaded(Message):
    def __init__(self, batch: Batch, refresh: bool) -> None:
        super().__init__()
        self.batch = batch
        self.refresh = refresh


class JobsLoaded(Message):
    def __init__(self, page: Page[Job], refresh: bool, focus_id: str | None = None) -> None:
        super().__init__()
        self.page = page
        self.refresh = refresh
        self.focus_id = focus_id


class JobLoaded(Message):
    def __init__(self, job: Job, refresh: bool) -> None:
        super().__init__()
        self.job = job
        self.refresh = refresh


class ResultsLoaded(Message):
    def __init__(self, job_id: str, results: JobResults | None) -> None:
        super().__init__()
        self.job_id = job_id
        self.results = results


class Notice(Message):
    """A one-line outcome worth telling the user (e.g. "no ERROR job here")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


@dataclass
class Failure:
    """What failed, in one line a person understands, and whether it was a background refresh."""

    purpose: str
    message: str
    background: bool
    kind: str


class RequestFailed(Message):
    def __init__(self, failure: Failure) -> None:
        super().__init__()
        self.failure = failure
