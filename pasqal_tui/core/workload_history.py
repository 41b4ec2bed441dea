"""The workloads this app created or opened, remembered per profile.

The API cannot list workloads, so the dashboard keeps the ids itself, in
``$XDG_STATE_HOME/pasqal-tui/workloads/<profile>.json`` (newest first). Writes are atomic, and a
damaged file is set aside (renamed ``.bad``) with a one-line reason instead of stopping the app.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from pasqal_tui.core import paths

MAX_REMEMBERED = 500


@dataclass(frozen=True)
class Remembered:
    """One remembered workload: enough to list it before the server answers."""

    id: str
    workload_type: str = ""
    backend: str = ""
    created_at: str = ""
    origin: str = "created"  # or "opened"


def history_file(profile: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", profile) or "default"
    return paths.state_dir() / "workloads" / f"{safe}.json"


class WorkloadHistory:
    """Load once, change through methods that save at once."""

    def __init__(self, profile: str) -> None:
        self.path = history_file(profile)
        self.items: list[Remembered] = []
        self.problem: str | None = None
        self._load()

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, list):
                raise ValueError("expected a list")
            self.items = [Remembered(**entry) for entry in data]
        except (OSError, ValueError, TypeError) as exc:
            bad = self.path.with_suffix(".json.bad")
            self.problem = f"{self.path}: unreadable ({exc}); kept as {bad.name}, starting afresh"
            self.items = []
            with contextlib.suppress(OSError):
                os.replace(self.path, bad)

    def remember(self, item: Remembered) -> bool:
        """Put ``item`` first; False if it was already there (its entry is kept as it was)."""
        if item.id in self.ids:
            return False
        self.items = [item, *self.items][:MAX_REMEMBERED]
        self.save()
        return True

    def forget(self, workload_id: str) -> None:
        self.items = [i for i in self.items if i.id != workload_id]
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".workloads-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump([asdict(i) for i in self.items], handle, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
