"""The create-workload form's rules: type, backend and a YAML config, checked before sending.

Each problem is one line naming the field (and the config line), so the form can show it next to
what the user typed. ``!file PATH`` in the YAML inserts a file's text (e.g. a Pulser sequence's
abstract-repr JSON), since nobody types 50 KB of JSON into a terminal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from pasqal_tui.cloud.payloads import CreateWorkloadRequest
from pasqal_tui.core.user_input import InputError

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TEMPLATE = """\
# The workload's config, in YAML (sent as a JSON object).
# `!file PATH` inserts a file's text, e.g. a Pulser sequence's abstract-repr JSON.
sequence: !file examples/rabi.json
variables: {omega: 6.283185, duration: 500}
runs: 100
"""


class _Loader(yaml.SafeLoader):
    """Safe YAML plus ``!file``, relative to ``base``."""

    base = Path.cwd()


def _file(loader: _Loader, node: yaml.Node) -> str:
    name = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    path = (loader.base / Path(name).expanduser()).resolve()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        line = node.start_mark.line + 1
        raise InputError(f"config: line {line}: cannot read {name} ({exc.strerror})") from None


_Loader.add_constructor("!file", _file)


def parse_config(text: str, base: Path | None = None) -> dict[str, Any]:
    """The YAML text as a JSON-ready mapping, or InputError naming the line."""
    loader_cls = type("Loader", (_Loader,), {"base": base or Path.cwd()})
    try:
        data = yaml.load(text, Loader=loader_cls)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"config: {where}{getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("config: must be a mapping of keys to values (key: value lines)")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise InputError(f"config: not JSON-compatible ({exc}); quote dates and such") from None
    return {str(k): v for k, v in data.items()}


def parse_form(
    workload_type: str, backend: str, config_text: str, base: Path | None = None
) -> CreateWorkloadRequest:
    kind = workload_type.strip()
    if not kind:
        raise InputError("type: required, e.g. pulser_emulation")
    if any(c.isspace() for c in kind):
        raise InputError(f"type: {kind!r} has spaces")
    target = backend.strip().upper()
    if not target:
        raise InputError("backend: required, e.g. EMU_FREE")
    config = parse_config(config_text, base)
    return CreateWorkloadRequest(workload_type=kind, backend=target, config=config)


def parse_id(text: str) -> str:
    wid = text.strip().lower()
    if not UUID.match(wid):
        raise InputError(f"workload id: {text.strip()!r} is not a UUID (36 characters)")
    return wid
