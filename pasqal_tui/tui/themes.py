"""Load Textual themes from YAML files and give every theme the status colours.

Status colours are theme variables (``status-done``...), so no screen hard-codes a colour. A
theme that does not define them (Textual's built-ins) gets values derived from its own palette.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

from pasqal_tui.core import paths

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
    "ansi",
)
_COLOURS = _FIELDS[: _FIELDS.index("dark")]
DEFAULT_THEME = "pasqal"


def status_variable(status: str) -> str:
    return "status-" + status.lower().replace("_", "-")


def bundled_dir() -> Path:
    """The shipped themes: inside the package when installed from a wheel (pyproject maps the
    top-level ``themes/`` to ``pasqal_tui/themes``), else the source tree's ``themes/``."""
    packaged = Path(str(resources.files("pasqal_tui") / "themes"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def theme_dirs() -> list[Path]:
    """Bundled themes first, then the user's, so a user file can override a bundled one."""
    return [bundled_dir(), paths.config_dir() / "themes"]


class ThemeError(ValueError):
    """A theme file problem; ``field`` lets the loader point at the line."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def theme_from_mapping(data: dict[str, Any]) -> Theme:
    """Check every field (a typo or a bad colour names the field) and build the Theme."""
    name = data.get("name")
    if not isinstance(name, str) or not name or "primary" not in data:
        raise ThemeError("a theme needs a name and a primary colour")
    unknown = [str(k) for k in data if k not in (*_FIELDS, "name")]
    if unknown:
        raise ThemeError(f"unknown field {unknown[0]!r}", unknown[0])
    kwargs = {key: data[key] for key in _FIELDS if key in data}
    variables = kwargs.get("variables") or {}
    if not isinstance(variables, dict):
        raise ThemeError("variables: must be a mapping of names to values", "variables")
    kwargs["variables"] = {str(k): str(v) for k, v in variables.items()}
    colours = {k: kwargs[k] for k in _COLOURS if k in kwargs}
    colours.update({k: v for k, v in kwargs["variables"].items() if k.startswith("status-")})
    for key, value in colours.items():
        try:
            Color.parse(str(value))
        except ColorParseError:
            raise ThemeError(f"{key}: {value!r} is not a colour", key) from None
    return Theme(name=name, **kwargs)


# libyaml's loader when built in (4 theme files: ~1 ms instead of ~5 ms at start).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_themes(dirs: list[Path] | None = None) -> tuple[list[Theme], list[str]]:
    """Every readable theme, and one line per file that could not be used."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in dirs if dirs is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            text = ""
            try:
                text = path.read_text(encoding="utf-8")
                data = yaml.load(text, Loader=_LOADER)
                if not isinstance(data, dict):
                    raise ThemeError("the file must hold a mapping")
                theme = theme_from_mapping(data)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f":{mark.line + 1}" if mark is not None else ""
                problems.append(f"theme {path}{where}: {getattr(exc, 'problem', None) or exc}")
                continue
            except (OSError, ValueError, TypeError) as exc:
                line = _line_of(text, getattr(exc, "field", None))
                where = f":{line}" if line else ""
                problems.append(f"theme {path}{where}: {' '.join(str(exc).split())}")
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems


def _line_of(text: str, field: str | None) -> int | None:
    """The 1-based line where ``field`` is set (top level or under ``variables``)."""
    if not field or not text:
        return None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None
    nodes = [root] if isinstance(root, yaml.MappingNode) else []
    while nodes:
        node = nodes.pop(0)
        for key, value in node.value:
            if key.value == field:
                return int(key.start_mark.line) + 1
            if isinstance(value, yaml.MappingNode):
                nodes.append(value)
    return None


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
