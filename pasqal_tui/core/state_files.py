"""Small per-profile JSON records under ``$XDG_STATE_HOME/pasqal-tui/<kind>/<profile>.json``.

Written atomically (a crash never leaves half a file); a damaged one reads as absent, with a
reason, so a hand-edited file never stops the app or a command.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from pasqal_tui.core import paths

__all__ = ["profile_file", "read_record", "write_record"]


def profile_file(kind: str, profile: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", profile) or "default"
    return paths.state_dir() / kind / f"{safe}.json"


def read_record(path: Path) -> tuple[Any, str | None]:
    """(the JSON value or None, a one-line problem or None)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, f"{path}: unreadable ({exc}); ignored"


def write_record(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
