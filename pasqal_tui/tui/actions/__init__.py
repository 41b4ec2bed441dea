"""Mutating actions: the registry of actions and the controllers the table screens use."""
