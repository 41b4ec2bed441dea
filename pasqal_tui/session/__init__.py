"""How a front end reaches a cloud: a profile's environment, signing in, and the embedded local
cloud (launched as a subprocess). Shared by the dashboard and the headless commands; no Textual."""
