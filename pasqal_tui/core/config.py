"""Profiles and settings, stored as YAML under the XDG config dir.

The file never holds a secret (passwords live in the keyring, see
:mod:`pasqal_tui.core.secrets`) and is written with mode 600 all the same, because usernames
and project ids are private too. A bad file must never stop the app: :func:`load_config`
falls back to defaults and says why in one line.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pasqal_tui.core import paths

LOCAL_PROFILE = "local"
MIN_REFRESH = 2.0
DEFAULT_REFRESH = 3.0
#: Seconds a create (batch, jobs, rebatch, workload) may take before its outcome is looked up;
#: longer than reads, since a big batch takes time to upload and commit (the client's default).
DEFAULT_CREATE_TIMEOUT = 120.0

MouseSetting = Literal["auto", "on", "off"]


class Profile(BaseModel):
    """One place to log in: a named environment or custom URLs, plus who logs in."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    environment: str = "prod"
    core_url: str | None = None
    account_url: str | None = None
    token_url: str | None = None
    username: str = ""
    project_id: str | None = None

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str, info: ValidationInfo) -> str:
        """Checked against the names the caller knows (the client's catalogue, passed to
        :func:`load_config`): core does not import the client."""
        context = info.context or {}
        known = context.get("environments")
        if known is None:
            return value
        aliases: Mapping[str, str] = context.get("aliases") or {}
        value = aliases.get(value, value)  # another client's name for one of ours
        allowed = (*known, "custom", LOCAL_PROFILE)
        if value not in allowed:
            also = f" (or {', '.join(aliases)})" if aliases else ""
            raise ValueError(f"must be one of {', '.join(allowed)}{also}")
        return value

    @model_validator(mode="after")
    def _custom_needs_urls(self) -> Profile:
        if self.environment == "custom" and not (self.core_url and self.token_url):
            raise ValueError("a custom environment needs core_url and token_url")
        return self


class Config(BaseModel):
    """The whole config file. Unknown keys are refused so typos are reported, not ignored."""

    model_config = ConfigDict(extra="forbid")

    profiles: list[Profile] = Field(default_factory=list)
    default_profile: str = LOCAL_PROFILE
    theme: str = "pasqal"
    refresh_interval: float = Field(default=DEFAULT_REFRESH, ge=MIN_REFRESH)
    create_timeout: float = Field(default=DEFAULT_CREATE_TIMEOUT, ge=1.0)
    mouse: MouseSetting = "auto"
    #: How a watched batch's end is told outside the app: auto (from the terminal), osc9,
    #: osc777, bell or off.
    notify: Literal["auto", "osc9", "osc777", "bell", "off"] = "auto"
    keymap: dict[str, str] = Field(default_factory=dict)

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def with_profile(self, profile: Profile) -> Config:
        """A copy where ``profile`` replaces the one of the same name (or is added)."""
        others = [p for p in self.profiles if p.name != profile.name]
        return self.model_copy(update={"profiles": [*others, profile]})


class LoadedConfig(BaseModel):
    """The config, where it came from, and the one-line problem if the file was bad."""

    config: Config
    path: Path
    problem: str | None = None


def mouse_enabled(setting: MouseSetting, environ: dict[str, str] | None = None) -> bool:
    """Off over SSH by default: every hover repaint costs kilobytes on a slow link."""
    env = os.environ if environ is None else environ
    if setting == "auto":
        return "SSH_CONNECTION" not in env
    return setting == "on"


def selected_profile_name(config: Config, cli_value: str | None) -> str:
    return cli_value or os.environ.get("PASQAL_TUI_PROFILE") or config.default_profile


def load_config(
    path: Path | None = None,
    *,
    environments: Sequence[str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Read the config; on any problem return defaults and a message naming file, line, field.

    `aliases` maps other names of an environment (the SDK's) to one of `environments`."""
    path = path or paths.config_file()
    if not path.exists():
        return LoadedConfig(config=Config(), path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return _bad(path, f"cannot read it ({exc.strerror or exc})")
    try:
        node = yaml.compose(text)
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return LoadedConfig(config=Config(), path=path, problem=f"{path}{where}: {problem}")
    if raw is None:
        return LoadedConfig(config=Config(), path=path)
    if not isinstance(raw, dict):
        return _bad(path, "the top level must be a mapping")
    try:
        context = {"environments": environments, "aliases": aliases}
        config = Config.model_validate(raw, context=context)
        return LoadedConfig(config=config, path=path)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = _line_of(node, loc)
        field = ".".join(str(p) for p in loc) or "(top level)"
        where = f":{line}" if line else ""
        return LoadedConfig(
            config=Config(), path=path, problem=f"{path}{where}: {field}: {err['msg']}"
        )


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write atomically with mode 600, so a crash never leaves half a file."""
    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = config.model_dump(mode="json", exclude_defaults=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".yaml")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, sort_keys=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _bad(path: Path, why: str) -> LoadedConfig:
    return LoadedConfig(config=Config(), path=path, problem=f"{path}: {why}")


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, as close as the file allows."""
    line: int | None = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
            if node is None:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line
