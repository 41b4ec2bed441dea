"""How requests travel: the HTTP session, retries, authentication."""
