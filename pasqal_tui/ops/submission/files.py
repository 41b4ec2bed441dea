"""Read a user's text file safely: a size limit, no folders, no binary files, UTF-8 only.

Errors name the file, the line and the field (:class:`JobFileError`), so every front end can
show one line that says what to fix. No Textual here.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "JobFileError", "read_text_file"]

#: Largest sequence or jobs file read (a 6,000-pulse sequence is about 2 MB).
MAX_FILE_BYTES = 10 * 1024 * 1024
_SNIFF = 8192


class JobFileError(ValueError):
    """A problem in a named file (or editor row); ``str()`` is the one line to show."""

    def __init__(self, where: str, message: str, *, line: int | None = None, fld: str = "") -> None:
        self.where = where
        self.line = line
        self.field = fld
        self.message = message
        parts = [where + (f" line {line}" if line is not None else "")]
        if fld:
            parts.append(fld)
        parts.append(message)
        super().__init__(": ".join(parts))


def read_text_file(path: str | Path, *, limit: int = MAX_FILE_BYTES) -> tuple[Path, str]:
    """The file's UTF-8 text; refuses a missing path, a folder, a huge or a binary file."""
    raw = str(path).strip()
    if not raw:
        raise JobFileError("path", "type the path of a file")
    target = Path(raw).expanduser()
    name = raw
    if not target.exists():
        raise JobFileError(name, "no such file")
    if target.is_dir():
        raise JobFileError(name, "is a folder, not a file")
    try:
        size = target.stat().st_size
        if size > limit:
            raise JobFileError(name, f"is {_size(size)}, more than the {_size(limit)} limit")
        with target.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise JobFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise JobFileError(name, f"is more than the {_size(limit)} limit")
    if b"\x00" in data[:_SNIFF]:
        raise JobFileError(name, "is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise JobFileError(name, "is not UTF-8 text (a binary file?)", line=line) from None
    return target, text


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"
