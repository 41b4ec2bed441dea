"""The batch browser in every shipped theme (80x24, fixed demo history).
Look at a new SVG before accepting it (pytest --snapshot-update)."""

from __future__ import annotations

from typing import Any

import pytest
from support.app import make_app
from support.snapshots import history, run

THEMES = ("pasqal", "pasqal-light", "high-contrast", "ansi-16")


@pytest.mark.parametrize("theme", THEMES)
def test_batch_browser_theme(snap_compare: Any, demo_cloud: Any, theme: str) -> None:
    app = make_app(demo_cloud.base_url, theme=theme)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run(history))
