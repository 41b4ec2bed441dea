"""Submitting work: the files a user gives (sequence, jobs), checked before anything is sent,
and the emulator configuration a form describes. No Textual here: every front end uses it."""

from pasqal_tui.ops.submission.files import MAX_FILE_BYTES, JobFileError, read_text_file
from pasqal_tui.ops.submission.jobs import (
    MAX_JOBS,
    JobEntry,
    load_jobs,
    parse_jobs_text,
    parse_typed_job,
    validate_jobs,
)
from pasqal_tui.ops.submission.sequence import SequenceFile, check_with_pulser, load_sequence

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_JOBS",
    "JobEntry",
    "JobFileError",
    "SequenceFile",
    "check_with_pulser",
    "load_jobs",
    "load_sequence",
    "parse_jobs_text",
    "parse_typed_job",
    "read_text_file",
    "validate_jobs",
]
