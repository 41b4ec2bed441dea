"""The debug log under the state dir: details for bug reports, never a secret.

Tracebacks go here instead of the screen. Tokens and passwords are redacted before a record is
written, whatever module logged them.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from pasqal_tui.core import paths

_SECRETS = re.compile(
    r"(?i)(bearer\s+|access_token[\"']?\s*[:=]\s*[\"']?|password[\"']?\s*[:=]\s*[\"']?)"
    r"[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    return _SECRETS.sub(lambda m: m.group(1) + "<redacted>", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup(path: Path | None = None) -> Path | None:
    """Log the app's records to ``debug.log`` (mode 600); None if the state dir is unusable."""
    path = path or paths.state_dir() / "debug.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("pasqal_tui")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return path
