"""Helpers shared by the test suites (importable as `support.*` thanks to tests/conftest.py)."""
