"""Server settings: one frozen object built by the CLI and passed to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOGIN_ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8765
    demo: bool = False
    seed: int | None = None
    clock_origin: datetime | None = None
    fail_rate: float = 0.0
    time_scale: float = 1.0
    token_ttl: float = 3600.0
    open_batch_timeout: float = 600.0
    workers: int | None = None
    # Base seconds a QPU job occupies the machine before `time_scale` stretches it.
    qpu_job_seconds: float = 2.0
    results_link_ttl: float = 3600.0
    max_atoms: int = 12
    # Largest request body, on the wire and again once gzip is inflated (413 beyond).
    max_body_bytes: int = 16 * 1024 * 1024
    # Failed sign-ins per user name within `login_window` seconds before 429; an address gets
    # `LOGIN_ADDRESS_FACTOR` times more, as every local user shares the loopback address.
    login_failures: int = 5
    login_window: float = 60.0
    # Non-loopback binding and webhook targets (`--allow-remote`).
    allow_remote: bool = False
    # Server processes on the one port (`--processes`), and which one this is: the first (0)
    # runs the scheduler, the emulation pool and the webhooks (`processes.py`).
    processes: int = 1
    process_index: int = 0

    @property
    def login_address_failures(self) -> int:
        return self.login_failures * LOGIN_ADDRESS_FACTOR

    @property
    def primary(self) -> bool:
        return self.process_index == 0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "cloud.sqlite3"
