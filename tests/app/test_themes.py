"""Themes: the shipped ones are complete, user themes load, a bad file says where and falls back,
the palette's choice is saved in the config, and an installed wheel carries the themes."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
import yaml
from setuptools import find_packages
from support.app import pick_in_palette, screen_named, wait_for

from pasqal_tui.core.config import load_config
from pasqal_tui.tui import themes
from pasqal_tui.tui.app import AppOptions, PasqalApp

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("pasqal", "pasqal-light", "high-contrast", "ansi-16")
PIP = (sys.executable, "-m", "pip")
STATUS_VARIABLES = [themes.status_variable(s) for s in themes.STATUSES]


def offline_app(**options: object) -> PasqalApp:
    """The app on its login screen: themes need no server."""
    return PasqalApp(AppOptions(start_local=False, **options))  # type: ignore[arg-type]


def messages(app: PasqalApp) -> list[str]:
    return [n.message for n in app._notifications]


def user_theme_dir(xdg: Path) -> Path:
    folder = xdg / "xdg_config_home" / "pasqal-tui" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_shipped_themes_are_complete() -> None:
    loaded, problems = themes.load_themes([themes.bundled_dir()])
    assert problems == []
    by_name = {t.name: t for t in loaded}
    assert set(SHIPPED) <= set(by_name)
    for name in SHIPPED:
        missing = [v for v in STATUS_VARIABLES if v not in by_name[name].variables]
        assert missing == [], f"{name} lacks {missing}"
    ansi = by_name["ansi-16"]
    assert ansi.ansi
    colours = [getattr(ansi, f) for f in themes._COLOURS if getattr(ansi, f)]
    colours += [v for k, v in ansi.variables.items() if not k.endswith("text-style")]
    assert all(c.startswith("ansi_") for c in colours), colours


@pytest.mark.parametrize("name", SHIPPED)
async def test_each_shipped_theme_applies(name: str) -> None:
    app = offline_app(theme=name)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        assert app.theme == name
        assert not [m for m in messages(app) if "theme" in m]
        wanted = themes.load_themes([themes.bundled_dir()])[0]
        expected = next(t for t in wanted if t.name == name).variables["status-error"]
        assert app.theme_variables["status-error"].lower() == expected.lower()


async def test_user_theme_loads_and_bad_one_falls_back(xdg_dirs: Path) -> None:
    folder = user_theme_dir(xdg_dirs)
    good = {"name": "mine", "primary": "#336699", "variables": {"status-done": "#00aa00"}}
    (folder / "mine.yaml").write_text(yaml.safe_dump(good), encoding="utf-8")
    (folder / "broken.yaml").write_text(
        "name: broken\nprimary: '#112233'\nvariables:\n  status-error: not-a-colour\n",
        encoding="utf-8",
    )
    app = offline_app(theme="mine")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        assert app.theme == "mine"
        assert app.theme_variables["status-done"].lower() == "#00aa00"
        [problem] = [m for m in messages(app) if "broken.yaml" in m]
        assert problem == (
            f"theme {folder / 'broken.yaml'}:4: status-error: 'not-a-colour' is not a colour"
        )

    app = offline_app(theme="broken")  # the bad theme asked for: the default, and why
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        assert app.theme == themes.DEFAULT_THEME
        assert "theme 'broken' is not available; using pasqal" in messages(app)


async def test_yaml_error_and_typo_name_the_line(xdg_dirs: Path) -> None:
    folder = user_theme_dir(xdg_dirs)
    (folder / "typo.yaml").write_text("name: typo\nprimary: '#123456'\nbackgrund: '#000'\n")
    (folder / "bad.yaml").write_text("name: bad\nprimary: [\n")
    loaded, problems = themes.load_themes([folder])
    assert loaded == []
    assert f"theme {folder / 'typo.yaml'}:3: unknown field 'backgrund'" in problems
    assert any(p.startswith(f"theme {folder / 'bad.yaml'}:3: ") for p in problems), problems


async def test_palette_choice_persists_across_restarts(xdg_dirs: Path) -> None:
    config_path = xdg_dirs / "xdg_config_home" / "pasqal-tui" / "config.yaml"
    app = offline_app(theme="pasqal-light")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        await pilot.pause()
        assert not config_path.exists()  # --theme alone is not saved
        app.action_change_theme()
        await pick_in_palette(pilot, "high-contrast", "high-contrast")
        await wait_for(pilot, lambda: app.theme == "high-contrast", what="the theme switch")
        await wait_for(pilot, config_path.exists, what="the saved config")
    assert load_config(config_path).config.theme == "high-contrast"

    app = offline_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        assert app.theme == "high-contrast"


def test_pyproject_lists_every_package() -> None:
    """The package list is explicit (to map themes/ into the wheel): none may be forgotten."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["pasqal_tui*"]))
    assert listed == found | {"pasqal_tui.themes"}
    assert config["tool"]["setuptools"]["package-dir"]["pasqal_tui.themes"] == "themes"


@pytest.mark.slow
def test_installed_wheel_carries_the_themes(tmp_path: Path) -> None:
    wheels, target, source = tmp_path / "wheels", tmp_path / "site", tmp_path / "source"
    # Built from a copy: an in-tree build would leave build/ and *.egg-info in the checkout.
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("pasqal_tui", "themes"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [*PIP, "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    [wheel] = wheels.glob("*.whl")
    subprocess.run(
        [*PIP, "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = (
        "from pasqal_tui.tui import themes; d = themes.bundled_dir(); "
        "import json; names = sorted(t.name for t in themes.load_themes([d])[0]); "
        "print(d); print(json.dumps(names))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert out[0] == str(target / "pasqal_tui" / "themes")
    assert set(SHIPPED) <= set(json.loads(out[1]))


def _sgr_params(
    argv: list[str], env: dict[str, str], steps: list[tuple[tuple[bytes, ...], bytes]]
) -> set[str]:
    """Run the app on a pty; once all markers of a step were written after the previous key,
    send the step's key; return every SGR's params."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    full_env = {**os.environ, **env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True
    )
    os.close(slave)
    out = b""
    try:
        for markers, key in steps:
            since = len(out)  # what the previous key led to, not what was there before it
            deadline = time.monotonic() + 30
            while not all(marker in out[since:] for marker in markers):
                assert time.monotonic() < deadline, f"no {markers!r} on screen"
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    out += os.read(master, 65536)
            os.write(master, key)
        deadline = time.monotonic() + 15
        while proc.poll() is None:  # keep reading: a full pty buffer would block its exit
            assert time.monotonic() < deadline, "the app did not quit on ^Q"
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return set(re.findall(rb"\x1b\[([0-9;]*)m", out.replace(b"\x1b[?", b"")))  # type: ignore[arg-type]


@pytest.mark.slow
def test_ansi_16_writes_only_the_terminals_16_colours(demo_cloud, xdg_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    env = {k: str(xdg_dirs / k.lower()) for k in ("XDG_CONFIG_HOME", "XDG_STATE_HOME")}
    argv = [sys.executable, "-m", "pasqal_tui", "--local-url", demo_cloud.base_url]
    steps = [  # the batch rows (statuses), then the devices, then the workloads; \x11: ^Q
        ((b"Demo project", b"DONE"), b"D"),
        ((b"Max atoms",), b"W"),
        ((b"Workload",), b"\x11"),
    ]
    params = _sgr_params([*argv, "--theme", "ansi-16"], env, steps)
    rich = [p for p in params if re.search(rb"(^|;)(38|48);[25];", p)]
    assert rich == [], f"ansi-16 wrote 256/true colours: {sorted(rich)[:5]}"
    codes = {code for p in params for code in p.split(b";")}
    assert {b"31", b"32"} <= codes, sorted(codes)  # ERROR and DONE in the terminal's hues
    # The same run with the default theme does write true colours: the check above can fail.
    params = _sgr_params([*argv, "--theme", "pasqal"], env, steps)
    assert any(re.search(rb"(^|;)38;2;", p) for p in params)


async def test_a_bad_config_is_not_overwritten_by_a_theme_switch(xdg_dirs: Path) -> None:
    config_path = xdg_dirs / "xdg_config_home" / "pasqal-tui" / "config.yaml"
    config_path.parent.mkdir(parents=True)
    config_path.write_text("theme: pasqal\nrefresh_intervl: 5\n", encoding="utf-8")
    app = offline_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: screen_named(app, "LoginScreen"))
        await pilot.pause()
        app.theme = "pasqal-light"  # what the palette's theme picker does
        await wait_for(pilot, lambda: any("Theme not saved" in m for m in messages(app)))
    assert config_path.read_text(encoding="utf-8") == "theme: pasqal\nrefresh_intervl: 5\n"
