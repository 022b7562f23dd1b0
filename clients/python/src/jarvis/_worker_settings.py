"""What every engine's worker is built from (the TypeScript worker's WorkerSettings)."""

from __future__ import annotations

from dataclasses import dataclass

from ._worker_connection import WorkerConnection
from .activity_context import Activity


@dataclass(frozen=True)
class WorkerSettings:
    connection: WorkerConnection
    task_queue: str
    activities: dict[str, Activity]
    identity: str
    max_concurrent: int
