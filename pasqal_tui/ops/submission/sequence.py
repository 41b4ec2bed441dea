"""A Pulser sequence file: read, its declared variables, and Pulser's own check.

Everything is checked before a batch is created, so a typo never costs QPU time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pasqal_tui.core.sequence_json import declared_variables
from pasqal_tui.ops.submission.files import JobFileError, read_text_file

__all__ = ["SequenceFile", "check_with_pulser", "load_sequence"]


@dataclass(frozen=True)
class SequenceFile:
    """A sequence as read from disk: its text (sent as is) and its declared variables."""

    path: Path
    text: str
    variables: dict[str, dict[str, Any]]


def load_sequence(path: str | Path) -> SequenceFile:
    """A Pulser abstract-repr JSON file and the variables it declares."""
    target, text = read_text_file(path)
    name = str(path).strip()
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise JobFileError(name, f"not valid JSON ({exc.msg})", line=exc.lineno) from None
    try:
        variables = declared_variables(text)
    except ValueError as exc:
        raise JobFileError(name, str(exc).removeprefix("sequence JSON ")) from None
    return SequenceFile(target, text, variables)


def check_with_pulser(sequence: SequenceFile, where: str) -> bool:
    """Let Pulser itself read the sequence, when it is installed (the `local` extra).

    False when Pulser is absent (the structural checks above still ran). Slow the first time
    (Pulser's import): call it off the UI thread.
    """
    try:
        import pulser
    except ImportError:
        return False
    try:
        pulser.Sequence.from_abstract_repr(sequence.text)
    except Exception as exc:  # Pulser raises schema, value and type errors alike
        path = _schema_path(exc)
        if path is not None:
            raise JobFileError(where, f"not a valid Pulser sequence (at {path})") from None
        first = " ".join(str(exc).split())
        first = first if len(first) <= 120 else first[:119] + "…"
        raise JobFileError(where, f"not a valid Pulser sequence ({first})") from None
    return True


def _schema_path(exc: Exception) -> str | None:
    """Where a JSON-schema error points; for "any of" schemas (2D or 3D registers), the
    alternative that came closest, so the path names the real mistake rather than ``$``."""
    path = getattr(exc, "json_path", None)
    if not isinstance(path, str):
        return None
    context = list(getattr(exc, "context", None) or [])
    if context:
        alternatives: dict[Any, list[Any]] = {}
        for error in context:
            key = error.schema_path[0] if error.schema_path else 0
            alternatives.setdefault(key, []).append(error)
        closest = min(alternatives.values(), key=len)
        path = str(closest[0].json_path)
    return path
