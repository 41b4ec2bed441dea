"""A device's specs, read from Pulser's abstract-repr JSON with plain ``json``.

The dashboard must not import Pulser (slow, and not in the base install), so this module reads
the documented JSON fields itself and turns them into labelled, human units. Unknown or missing
fields show as a dash rather than failing: newer Pulser versions add fields, older ones lack some.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from pasqal_tui.core.deprecations import deprecation_note

DASH = "\u2013"


@dataclass(frozen=True)
class Fact:
    """One comparable line: section, label and the value as the user reads it."""

    section: str
    label: str
    value: str

    @property
    def key(self) -> tuple[str, str]:
        return self.section, self.label


@dataclass(frozen=True)
class ChannelSpec:
    """A channel (or a DMM) with the limits a sequence must respect."""

    id: str
    kind: str  # "channel" or "DMM"
    basis: str
    addressing: str
    max_amp: str
    max_detuning: str
    targets: str
    retarget: str
    durations: str
    mod_bandwidth: str
    eom: str


@dataclass
class DeviceSpec:
    """Everything the screens show about one device, already formatted."""

    device_type: str
    raw: str
    name: str = ""
    problem: str | None = None
    general: list[tuple[str, str]] = field(default_factory=list)
    channels: list[ChannelSpec] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)
    max_atoms: str = DASH
    dimensions: str = DASH

    @property
    def pretty_json(self) -> str:
        try:
            return json.dumps(json.loads(self.raw), indent=2, ensure_ascii=False)
        except ValueError:
            return self.raw

    def facts(self) -> list[Fact]:
        """Flat, ordered lines for a side-by-side comparison."""
        out = [Fact("Device", label, value) for label, value in self.general]
        for ch in self.channels:
            section = f"{ch.kind} {ch.id}"
            out += [
                Fact(section, "Basis", ch.basis),
                Fact(section, "Addressing", ch.addressing),
                Fact(section, "Max amplitude", ch.max_amp),
                Fact(section, "Max |detuning|", ch.max_detuning),
                Fact(section, "Max targets", ch.targets),
                Fact(section, "Min retarget interval", ch.retarget),
                Fact(section, "Pulse duration", ch.durations),
                Fact(section, "Modulation bandwidth", ch.mod_bandwidth),
                Fact(section, "EOM", ch.eom),
            ]
        layouts = ", ".join(self.layouts) if self.layouts else "none"
        out.append(Fact("Layouts", "Pre-calibrated layouts", layouts))
        return out


def parse_device(device_type: str, raw: str) -> DeviceSpec:
    """Read one spec string; a broken one gives a DeviceSpec with ``problem`` set, never raises."""
    spec = DeviceSpec(device_type=device_type, raw=raw)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        spec.problem = f"{device_type}: the specs are not valid JSON ({exc.msg}, line {exc.lineno})"
        return spec
    if not isinstance(data, dict):
        spec.problem = f"{device_type}: the specs are not a JSON object"
        return spec
    spec.name = str(data.get("name") or device_type)
    spec.max_atoms = _int(data.get("max_atom_num"), none="no limit")
    spec.dimensions = f"{data['dimensions']}D" if isinstance(data.get("dimensions"), int) else DASH
    spec.channels = [_channel(c, "Channel") for c in _dicts(data.get("channels"))]
    spec.channels += [_channel(c, "DMM") for c in _dicts(data.get("dmm_objects"))]
    spec.layouts = [_layout(layout) for layout in _dicts(data.get("pre_calibrated_layouts"))]
    spec.general = _general(data, spec)
    note = deprecation_note(device_type)
    if note:
        spec.general.insert(1, ("Deprecated", note))
    return spec


def parse_devices(specs: dict[str, str]) -> list[DeviceSpec]:
    return [parse_device(name, specs[name]) for name in sorted(specs)]


def _general(data: dict[str, Any], spec: DeviceSpec) -> list[tuple[str, str]]:
    bases = sorted({c.basis for c in spec.channels if c.kind == "Channel" and c.basis != DASH})
    slm = "supported" if data.get("supports_slm_mask") else "not supported"
    if data.get("supports_slm_mask") and any(c.kind == "DMM" for c in spec.channels):
        slm += " (via DMM)"
    # The abstract repr leaves out fields at Pulser's defaults for a physical ``Device``.
    traps = _int(data.get("min_layout_traps", 1)), _int(data.get("max_layout_traps"), "no limit")
    return [
        ("Name", spec.name),
        ("Kind", "virtual (editable)" if data.get("is_virtual") else "physical"),
        ("Max atoms", spec.max_atoms),
        ("Min atom distance", _num(data.get("min_atom_distance"), "µm")),
        ("Max radial distance", _num(data.get("max_radial_distance"), "µm", none="no limit")),
        ("Dimensions", spec.dimensions),
        ("Rydberg level", _int(data.get("rydberg_level"))),
        ("Supported bases", ", ".join(bases) or DASH),
        ("SLM mask", slm),
        ("Requires a layout", _yes_no(data.get("requires_layout", not data.get("is_virtual")))),
        ("Accepts new layouts", _yes_no(data.get("accepts_new_layouts", True))),
        ("Layout traps", f"{traps[0]} to {traps[1]}"),
        ("Max layout filling", _ratio(data.get("max_layout_filling"))),
        ("Optimal layout filling", _ratio(data.get("optimal_layout_filling"))),
        ("Max sequence duration", _num(data.get("max_sequence_duration"), "ns", none="no limit")),
        ("Max runs", _int(data.get("max_runs"), none="no limit")),
        ("Reusable channels", _yes_no(data.get("reusable_channels"))),
        ("Pulser version", str(data.get("pulser_version") or DASH)),
    ]


def _channel(data: dict[str, Any], kind: str) -> ChannelSpec:
    if kind == "DMM":
        bottom = data.get("bottom_detuning")
        detuning = _rad(abs(bottom) if isinstance(bottom, (int, float)) else None, "bottom ")
        amp = DASH
    else:
        detuning = _rad(data.get("max_abs_detuning"))
        amp = _rad(data.get("max_amp"))
    low, high = data.get("min_duration"), data.get("max_duration")
    step = _int(data.get("clock_period"))
    durations = f"{_int(low)} to {_int(high, none='∞')} ns, step {step} ns"
    retarget = data.get("min_retarget_interval")
    return ChannelSpec(
        id=str(data.get("id") or "?"),
        kind=kind,
        basis=str(data.get("basis") or DASH),
        addressing=str(data.get("addressing") or DASH),
        max_amp=amp,
        max_detuning=detuning,
        targets=_int(data.get("max_targets"), none="no limit")
        if data.get("addressing") == "Local"
        else "all (global)",
        retarget=_num(retarget, "ns") if retarget is not None else DASH,
        durations=durations,
        mod_bandwidth=_num(data.get("mod_bandwidth"), "MHz", none="ideal"),
        eom=_eom(data.get("eom_config")),
    )


def _eom(config: Any) -> str:
    if not isinstance(config, dict):
        return "no"
    beams = ", ".join(str(b) for b in config.get("controlled_beams") or []) or DASH
    return (
        f"yes: controls {beams}, limiting {config.get('limiting_beam', DASH)} "
        f"≤ {_rad(config.get('max_limiting_amp'))}, "
        f"bandwidth {_num(config.get('mod_bandwidth'), 'MHz')}"
    )


def _layout(data: dict[str, Any]) -> str:
    coords = data.get("coordinates")
    traps = len(coords) if isinstance(coords, list) else 0
    slug = data.get("slug")
    return f"{slug} ({traps} traps)" if slug else f"{traps}-trap layout"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any, none: str = DASH) -> str:
    if value is None:
        return none
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    return f"{int(value):,}"


def _num(value: Any, unit: str, none: str = DASH) -> str:
    if value is None:
        return none
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
    return f"{text} {unit}"


def _rad(value: Any, prefix: str = "") -> str:
    """Pulser stores amplitudes and detunings in rad/µs; people also think in MHz (x / 2π)."""
    if value is None:
        return "no limit"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DASH
    return f"{prefix}{value:.2f} rad/µs ({value / (2 * math.pi):.2f} MHz)"


def _ratio(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.0%}"
    return DASH


def _yes_no(value: Any) -> str:
    if value is None:
        return DASH
    return "yes" if value else "no"


@dataclass(frozen=True)
class Difference:
    """One line of a comparison; ``differs`` drives the highlight."""

    section: str
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left != self.right


def compare(left: DeviceSpec, right: DeviceSpec) -> list[Difference]:
    """Both devices' facts aligned by (section, label); a side that lacks a line shows a dash."""
    a = {f.key: f.value for f in left.facts()}
    b = {f.key: f.value for f in right.facts()}
    rank = {"Device": 0, "Channel": 1, "DMM": 2}
    order = list(a) + [k for k in b if k not in a]
    order.sort(key=lambda key: rank.get(key[0].split(" ")[0], 3))  # stable: keeps each side's order
    rows = []
    for section, label in order:
        if (section, label) == ("Device", "Name"):
            continue  # the column headers already name the devices
        rows.append(
            Difference(section, label, a.get((section, label), DASH), b.get((section, label), DASH))
        )
    return rows
