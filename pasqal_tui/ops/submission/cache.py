"""Parsed submission files, read once per version of a file and never on the caller's loop.

A sequence file may be 10 MB and a jobs file 10,000 jobs: reading and parsing them takes
seconds, so a form must not do it on its event loop, nor again on every submit. A version is
the path as typed with the file's mtime and size; a parse runs in a thread, and whoever asks
for the same version meanwhile awaits that same parse. A :class:`JobFileError` is an outcome
like a value (the same file gives the same message); any other failure is not kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pasqal_tui.ops.submission.files import JobFileError

__all__ = ["FileVersion", "ParsedFiles", "file_version"]

T = TypeVar("T")


@dataclass(frozen=True)
class FileVersion:
    """A file as typed, and what says it changed: its mtime and size (None: not there)."""

    path: str
    mtime_ns: int | None = None
    size: int | None = None


def file_version(path: str) -> FileVersion:
    raw = path.strip()
    try:
        stat = Path(raw).expanduser().stat() if raw else None
    except (OSError, ValueError):  # no such file, or a path the OS refuses
        stat = None
    if stat is None:
        return FileVersion(raw)
    return FileVersion(raw, stat.st_mtime_ns, stat.st_size)


class ParsedFiles(Generic[T]):
    """The last few parses of one kind of file, by version (and whatever else shapes them)."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._parses: dict[Hashable, asyncio.Future[T]] = {}

    @staticmethod
    def key(path: str, shaped_by: Hashable = None) -> Hashable:
        """What a parse is kept by: the file's version and ``shaped_by`` (e.g. the variables a
        jobs file is checked against)."""
        return (file_version(path), shaped_by)

    def ready(self, key: Hashable) -> T | None:
        """The finished parse for ``key`` (raises its JobFileError), or None if there is none."""
        parse = self._parses.get(key)
        if parse is None or not parse.done() or parse.cancelled():
            return None
        return parse.result()

    async def read(self, key: Hashable, parse: Callable[[], T]) -> T:
        """The parse for ``key``, run in a thread the first time; cancelling the caller leaves
        the parse running for the next one who asks."""
        running = self._parses.get(key)
        if running is None:
            running = asyncio.ensure_future(asyncio.to_thread(parse))
            running.add_done_callback(lambda done: self._settle(key, done))
            self._parses[key] = running
            while len(self._parses) > self.keep:
                self._parses.pop(next(iter(self._parses)))
        return await asyncio.shield(running)

    def _settle(self, key: Hashable, done: asyncio.Future[T]) -> None:
        error = None if done.cancelled() else done.exception()  # retrieved: never logged as lost
        kept = not done.cancelled() and (error is None or isinstance(error, JobFileError))
        if not kept and self._parses.get(key) is done:
            del self._parses[key]
