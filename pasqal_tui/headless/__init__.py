"""Headless commands (`pasqal-tui batches|jobs|job|errors|wait|rebatch|cancel|close`): the
dashboard's queries, plans and triage for scripts and CI, over the same session, ops and audit
log. No Textual here, so a command starts fast and prints nothing but its answer."""
