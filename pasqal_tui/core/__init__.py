"""Textual-free building blocks every layer may use: XDG paths, config, secrets, audit, clock."""
