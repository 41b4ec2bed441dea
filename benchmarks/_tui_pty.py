"""Run a terminal program in a pseudo-terminal and record what it writes, with timestamps.

Headless Textual (run_test) writes nothing, so byte counts and first-frame times are measured
here, on a real pty of a fixed size, the way an SSH session would see them.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence


class PtyApp:
    """A child process on a pty of ``cols`` x ``rows``; ``chunks`` holds (time, bytes) reads."""

    def __init__(self, argv: Sequence[str], cols: int, rows: int, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, **env, "TERM": "xterm-256color", "COLUMNS": str(cols)}
        full_env["LINES"] = str(rows)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=full_env,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._stop = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.monotonic(), data))

    def text(self) -> bytes:
        with self._lock:
            return b"".join(d for _, d in self.chunks)

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(len(d) for t, d in self.chunks if start <= t < end)

    def bursts(self, start: float, end: float, gap: float = 0.3) -> list[tuple[float, int]]:
        """Writes grouped into bursts separated by ``gap`` seconds of silence."""
        out: list[tuple[float, int]] = []
        last = -1.0
        with self._lock:
            for t, d in self.chunks:
                if not start <= t < end:
                    continue
                if out and t - last <= gap:
                    out[-1] = (out[-1][0], out[-1][1] + len(d))
                else:
                    out.append((t, len(d)))
                last = t
        return out

    def wait_for(self, marker: bytes, timeout: float = 30.0, since: float = 0.0) -> float:
        """Seconds from start until ``marker`` first appears in the output (written at or after
        the monotonic time ``since``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                seen = b""
                for t, d in self.chunks:
                    if t < since:
                        continue
                    seen += d
                    if marker in seen:
                        return t - self.started
            time.sleep(0.01)
        raise TimeoutError(f"{marker!r} not seen after {timeout} s")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.send("\x11")  # ctrl+q
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stop = True
        self._reader.join(2)
        os.close(self.master)
