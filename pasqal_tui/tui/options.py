"""What the command line (or a test) decides about one run of the app (no Textual here, so
the start plan can be decided and tested without a UI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pasqal_tui.core.clock import Clock, system_clock


@dataclass
class AppOptions:
    """``None`` means "use the config"."""

    profile: str | None = None
    env: str | None = None
    read_only: bool = False
    refresh: float | None = None
    theme: str | None = None
    mouse: bool | None = None
    config_path: Path | None = None
    local_url: str | None = None
    clock: Clock = field(default=system_clock)
    start_local: bool = True
