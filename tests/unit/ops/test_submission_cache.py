"""ParsedFiles: one parse per version of a file (path, mtime, size), in a thread, shared by
everyone asking meanwhile; a JobFileError is kept like a value, any other failure is not."""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from pathlib import Path

import pytest

from pasqal_tui.ops.submission import JobFileError
from pasqal_tui.ops.submission.cache import FileVersion, ParsedFiles, file_version


def test_a_version_is_the_path_as_typed_with_mtime_and_size(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    assert file_version(f" {path} ") == FileVersion(str(path))
    path.write_text("abc")
    first = file_version(f" {path} ")
    assert first.path == str(path) and first.size == 3 and first.mtime_ns is not None
    os.utime(path, ns=(0, 1_000_000_000))
    assert file_version(str(path)) != first


async def test_one_parse_in_a_thread_shared_by_callers(tmp_path: Path) -> None:
    path = tmp_path / "seq.json"
    path.write_text("x")
    threads: list[threading.Thread] = []
    release = threading.Event()

    def parse() -> str:
        threads.append(threading.current_thread())
        assert release.wait(timeout=30)
        return path.read_text()

    files: ParsedFiles[str] = ParsedFiles()
    key = files.key(str(path))
    first = asyncio.ensure_future(files.read(key, parse))
    second = asyncio.ensure_future(files.read(key, parse))

    async def started() -> None:
        while not threads:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(started(), 10)  # a deadline, not a pause
    assert files.ready(key) is None  # still parsing
    first.cancel()  # a caller that gives up leaves the parse to the others
    release.set()
    assert await second == "x" and files.ready(key) == "x"
    assert threads[0] is not threading.main_thread() and len(threads) == 1

    path.write_text("yz")  # a new version: parsed again
    assert files.ready(files.key(str(path))) is None
    assert await files.read(files.key(str(path)), parse) == "yz" and len(threads) == 2


async def test_a_bad_file_is_kept_other_failures_are_not(tmp_path: Path) -> None:
    calls: list[str] = []

    def bad() -> str:
        calls.append("bad")
        raise JobFileError("j.yaml", "not valid YAML", line=2)

    def broken() -> str:
        calls.append("broken")
        raise RecursionError("too deep")

    files: ParsedFiles[str] = ParsedFiles()
    key = files.key(str(tmp_path / "j.yaml"))
    with pytest.raises(JobFileError, match=r"j\.yaml line 2"):
        await files.read(key, bad)
    with pytest.raises(JobFileError):
        files.ready(key)  # the same message again, without parsing again
    with pytest.raises(JobFileError):
        await files.read(key, bad)
    assert calls == ["bad"]

    other = files.key(str(tmp_path / "k.yaml"))
    with pytest.raises(RecursionError):
        await files.read(other, broken)
    assert files.ready(other) is None  # not kept: the next read tries again
    with pytest.raises(RecursionError):
        await files.read(other, broken)
    assert calls == ["bad", "broken", "broken"]


async def test_only_the_last_few_versions_are_kept(tmp_path: Path) -> None:
    files: ParsedFiles[int] = ParsedFiles(keep=2)
    keys = [files.key(str(tmp_path / f"{i}.yaml")) for i in range(3)]
    for i, key in enumerate(keys):
        assert await files.read(key, functools.partial(int, i)) == i
    assert files.ready(keys[0]) is None and files.ready(keys[2]) == 2
