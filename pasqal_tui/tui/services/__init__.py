"""The app's non-visual parts: the cloud worker, login, the start plan, the local-cloud launcher."""
