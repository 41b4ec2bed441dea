"""App tests share their fixtures with the snapshot tests: one definition, in tui/fixtures.py."""

from tui.fixtures import demo_cloud, memory_keyring, xdg_dirs

__all__ = ["demo_cloud", "memory_keyring", "xdg_dirs"]
