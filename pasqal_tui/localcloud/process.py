"""Start the local cloud as a subprocess and know where it listens (stdlib only).

Used by the tests and by the dashboard's launcher. The server runs with `--port 0` and
`--exit-with-parent`, prints its ready line with the real port, and dies with its parent.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

READY_RE = re.compile(r"^Local Pasqal Cloud ready at (http://\S+)$")
DEMO_USER = "demo"
STDERR_LINES = 400
DEMO_PASSWORD = "demo"


class LocalCloudError(RuntimeError):
    """The server did not start (or stop) as expected; the message holds its stderr."""


class LocalCloudProcess:
    """One local cloud server process bound to a free loopback port.

    `extra_args` go to `serve` (e.g. `["--demo", "--seed", "1", "--time-scale", "0.01"]`).
    Without `data_dir` a temporary directory is used and removed on `stop()`.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        extra_args: Sequence[str] = (),
        *,
        host: str = "127.0.0.1",
        startup_timeout: float = 90.0,
        env: dict[str, str] | None = None,
        username: str = DEMO_USER,
        password: str = DEMO_PASSWORD,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pasqal-local-cloud-")
            data_dir = self._tmp.name
        self.data_dir = Path(data_dir)
        self.extra_args = list(extra_args)
        self.host = host
        self.startup_timeout = startup_timeout
        self.env = env
        self.username = username
        self.password = password
        self.base_url = ""
        self.stdout_lines: list[str] = []
        # Only the tail is kept: a long-running server must not grow the launcher's memory.
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._proc: subprocess.Popen[str] | None = None
        self._threads: list[threading.Thread] = []

    # -- urls ---------------------------------------------------------------------------------

    @property
    def core_url(self) -> str:
        return f"{self.base_url}/core-fast"

    @property
    def account_url(self) -> str:
        return f"{self.base_url}/account"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth/token"

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise LocalCloudError("the local cloud is not running")
        return self._proc.pid

    @property
    def stderr_text(self) -> str:
        return "".join(self._stderr)

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "pasqal_tui", "local-cloud", "serve",
            "--host", self.host, "--port", "0", "--data-dir", str(self.data_dir),
            "--exit-with-parent", *self.extra_args,
        ]  # fmt: skip

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalCloudProcess:
        if self._proc is not None and self._proc.poll() is None:
            raise LocalCloudError("the local cloud is already running")
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.stdout_lines, self.base_url = [], ""
        self._stderr.clear()
        self._proc = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # Its own process group: `kill()` takes the emulation workers down with it, as a
            # machine crash would, and a Ctrl-C meant for the dashboard does not reach it.
            start_new_session=True,
        )
        ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._read_stdout, args=(ready,), daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not ready.wait(0.05):
            if self._proc.poll() is not None:
                self._join_readers()
                raise LocalCloudError(
                    f"local cloud exited with code {self._proc.returncode} before it was "
                    f"ready:\n{self.stderr_text.strip()}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise LocalCloudError(
                    f"local cloud not ready after {self.startup_timeout:g} s:\n"
                    f"{self.stderr_text.strip()}"
                )
        return self

    def _read_stdout(self, ready: threading.Event) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            if len(self.stdout_lines) < STDERR_LINES:
                self.stdout_lines.append(line.rstrip("\n"))
            match = READY_RE.match(line.strip())
            if match and not ready.is_set():
                self.base_url = match.group(1)
                ready.set()

    def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        for line in self._proc.stderr:
            self._stderr.append(line)

    def _join_readers(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait (SIGKILL if it hangs); returns the exit code."""
        code = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
                try:
                    self._proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            code = self._proc.returncode
            self._join_readers()
        self._cleanup_tmp()
        return code

    def kill(self) -> None:
        """SIGKILL the server and its workers, like a crash: nothing gets to clean up."""
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
        self._join_readers()

    def restart(self) -> LocalCloudProcess:
        """Stop (gracefully, if still running) and start again on the same data dir."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._join_readers()
        return self.start()

    def _cleanup_tmp(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LocalCloudProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
