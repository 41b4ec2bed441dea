"""Core tests touch the keyring and XDG dirs: the same private ones as the app tests."""

from support.app_fixtures import memory_keyring, xdg_dirs

__all__ = ["memory_keyring", "xdg_dirs"]
