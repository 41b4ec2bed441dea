"""pasqal-tui: a keyboard-driven terminal dashboard for Pasqal Cloud Services."""

__version__ = "0.1.0"
