"""The batches a user watches, per profile, so a watch survives a restart of the dashboard."""

from __future__ import annotations

from pasqal_tui.core.state_files import profile_file, read_record, write_record

__all__ = ["Watchlist"]

KIND = "watched"


class Watchlist:
    """Batch ids in the order they were watched; every change is saved at once."""

    def __init__(self, profile: str) -> None:
        self.path = profile_file(KIND, profile)
        value, self.problem = read_record(self.path)
        self.ids: list[str] = (
            [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        )

    def __contains__(self, batch_id: object) -> bool:
        return batch_id in self.ids

    def add(self, batch_id: str) -> bool:
        """False if it was already watched."""
        if batch_id in self.ids:
            return False
        self.ids.append(batch_id)
        write_record(self.path, self.ids)
        return True

    def remove(self, batch_id: str) -> bool:
        if batch_id not in self.ids:
            return False
        self.ids.remove(batch_id)
        write_record(self.path, self.ids)
        return True
