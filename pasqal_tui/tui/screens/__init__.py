"""Thin screens: they compose widgets, ask the CloudWorker, and render its messages."""
