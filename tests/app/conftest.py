"""App and snapshot tests share one definition of their fixtures: support/app_fixtures.py."""

from support.app_fixtures import demo_cloud, memory_keyring, xdg_dirs

__all__ = ["demo_cloud", "memory_keyring", "xdg_dirs"]
