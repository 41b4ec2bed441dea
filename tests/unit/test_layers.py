"""The layers hold by import: tui and cli -> ops -> cloud -> core; localcloud -> core only.

Read from the source with ``ast`` (module-level and function-level imports alike), so a
forbidden import anywhere in a module fails here, not in a reviewer's head.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pasqal_tui"

#: What each layer may import from pasqal_tui (besides itself).
ALLOWED = {
    "core": {"core"},
    "cloud": {"core", "cloud"},
    "ops": {"core", "cloud", "ops"},
    "localcloud": {"core", "localcloud"},
    "session": {"core", "cloud", "ops", "session", "localcloud"},
    "tui": {"core", "cloud", "ops", "session", "tui"},
    "headless": {"core", "cloud", "ops", "session", "headless"},
}
#: Third-party packages a layer must not import (the client and ops have no UI).
FORBIDDEN_THIRD_PARTY = {
    "core": {"textual", "httpx"},
    "cloud": {"textual"},
    "ops": {"textual"},
    "session": {"textual"},
    "headless": {"textual"},
}


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module, only for type checking) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in ast.walk(node):
                type_only.add(id(inner))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, id(node) in type_only))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in type_only) for alias in node.names)
    return found


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_go_down_only(layer: str) -> None:
    wrong = []
    for path in modules(layer):
        for module, _ in imports(path):
            parts = module.split(".")
            inner = parts[1] if parts[0] == "pasqal_tui" and len(parts) > 1 else ""
            if inner in ALLOWED and inner not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(PACKAGE)}: {module}")
            if parts[0] in FORBIDDEN_THIRD_PARTY.get(layer, set()):
                wrong.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert wrong == []


def test_only_the_launcher_and_the_entry_point_know_the_local_cloud() -> None:
    users = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "localcloud" not in path.relative_to(PACKAGE).parts
        for module, _ in imports(path)
        if module.startswith("pasqal_tui.localcloud")
    }
    assert users == {"session/launcher.py", "cli.py"}


def test_no_screen_imports_the_client_at_run_time() -> None:
    wrong = [
        str(path.relative_to(PACKAGE))
        for path in modules("tui/screens")
        for module, type_only in imports(path)
        if module == "pasqal_tui.cloud.client" and not type_only
    ]
    assert wrong == []


def test_top_level_holds_only_packages_and_entry_points() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "cli.py"}


def test_the_guard_sees_a_violation(tmp_path: Path) -> None:
    """The checks above can fail: an upward import is found, even inside a function."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pasqal_tui.tui.app import PasqalApp\n")
    assert ("pasqal_tui.tui.app", False) in imports(bad)
