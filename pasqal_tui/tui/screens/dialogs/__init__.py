"""Modal dialogs: confirmation, tags, rebatch, workload forms."""
