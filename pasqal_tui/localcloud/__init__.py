"""The local Pasqal Cloud: the real REST API, offline, for demos, tests and the dashboard.

Start it with `pasqal-tui local-cloud serve` (or `process.LocalCloudProcess` from Python).
Map: `cli` / `server` (start-up) -> `app` (FastAPI, errors) -> `routes/*` (one per resource)
-> `submission` (input checks) -> `lifecycle` / `queries` / `workload_store` (SQL) -> `store`
(SQLite). `scheduler` dispatches jobs to `executor.EmulationPool`, which runs `emulation`.
`demo` seeds the demo history; `security` hashes passwords, tokens and signs result links.
Importing this package is cheap: nothing heavy is imported here.
"""
