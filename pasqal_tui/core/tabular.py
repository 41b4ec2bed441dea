"""Rows as CSV or JSON: the one shape every export has, the commands' ``--csv`` / ``--json`` and
the dashboard's `E` alike. A file is written whole or not at all (a temporary file renamed)."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn, TextIO

__all__ = ["FileFormat", "check_target", "format_of", "write_file", "write_rows"]

FileFormat = Literal["csv", "json"]


def write_rows(
    out: TextIO,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: FileFormat,
    documents: Any = None,
) -> None:
    """CSV: a header row, then ``rows`` flattened; JSON: ``documents`` (default ``rows``)."""
    if fmt == "json":
        json.dump(rows if documents is None else documents, out, indent=2, default=str)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows({c: csv_cell(row.get(c)) for c in columns} for row in rows)


def csv_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return value


def format_of(path: Path) -> FileFormat:
    """The format a file name asks for; ValueError when it is neither .csv nor .json."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    _refuse(f"{path.name}: the name must end in .csv or .json")


def check_target(text: str, cwd: Path | None = None) -> Path:
    """The absolute path ``text`` names, if a file can be written there; else ValueError with
    one line (no name, a folder, a missing folder, no permission). Nothing is created."""
    if not text.strip():
        _refuse("give a file name ending in .csv or .json")
    path = Path(os.path.expanduser(text.strip()))
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    format_of(path)
    if path.is_dir():
        _refuse(f"{path} is a folder: give a file name")
    folder = path.parent
    if not folder.is_dir():
        _refuse(f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _refuse(f"no permission to write in {folder}")
    return path


def write_file(
    path: Path,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    documents: Any = None,
) -> None:
    """Write ``path`` in the format its name says, atomically (readers never see half a file)."""
    fmt = format_of(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write_rows(handle, rows, columns, fmt, documents)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _refuse(text: str) -> NoReturn:
    raise ValueError(text)
