"""Load Textual themes from YAML files and give every theme the status colours.

Status colours are theme variables (``status-done``...), so no screen hard-codes a colour. A
theme that does not define them (Textual's built-ins) gets values derived from its own palette.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from textual.theme import Theme

from pasqal_tui import paths

STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")
_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
    "variables",
)


def status_variable(status: str) -> str:
    return "status-" + status.lower().replace("_", "-")


def theme_dirs() -> list[Path]:
    """Bundled themes first, then the user's, so a user file can override a bundled one."""
    bundled = Path(__file__).resolve().parents[2] / "themes"
    return [bundled, paths.config_dir() / "themes"]


def theme_from_mapping(data: dict[str, Any]) -> Theme:
    name = data.get("name")
    if not isinstance(name, str) or not name or "primary" not in data:
        raise ValueError("a theme needs a name and a primary colour")
    kwargs = {key: data[key] for key in _FIELDS if key in data}
    variables = kwargs.get("variables") or {}
    kwargs["variables"] = {str(k): str(v) for k, v in variables.items()}
    return Theme(name=name, **kwargs)


def load_themes(dirs: list[Path] | None = None) -> tuple[list[Theme], list[str]]:
    """Every readable theme, and one line per file that could not be used."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in dirs if dirs is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("the file must hold a mapping")
                theme = theme_from_mapping(data)
            except (OSError, yaml.YAMLError, ValueError, TypeError) as exc:
                problems.append(f"theme {path}: {' '.join(str(exc).split())}")
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems


def status_defaults(palette: dict[str, str]) -> dict[str, str]:
    """Status colours taken from a theme's own palette, for themes that lack them."""
    muted = palette.get("foreground-muted", palette.get("foreground", "ansi_default"))
    return {
        "status-pending": palette.get("warning", muted),
        "status-running": palette.get("accent", muted),
        "status-done": palette.get("success", muted),
        "status-error": palette.get("error", muted),
        "status-canceled": muted,
        "status-timed-out": palette.get("secondary", muted),
        "status-paused": palette.get("warning", muted),
        "mark": palette.get("warning", muted),
    }
