"""Pipeline steps written in Python: ``Worker(task_queue, activities={...}).run()`` runs them on
whichever engine Jarvis runs its workflows on. On the local engine it takes its activities' tasks
from Jarvis's worker task API; on Temporal it is a Temporal worker (the ``temporal`` extra) on the
same task queue, under the same activity names as a TypeScript worker's. Either way one pipeline
can mix steps in both languages.

An activity is ``def step(input, ctx)`` (or ``async def``); see ``ActivityContext`` for ``ctx``."""

from __future__ import annotations

import os
import socket
from typing import Any

from ._local_worker import LocalWorker
from ._worker_connection import WorkerConnection
from ._worker_settings import WorkerSettings
from .activity_context import Activity, ActivityCancelled, ActivityContext

__all__ = ["ActivityCancelled", "ActivityContext", "Worker"]


class Worker:
    """Runs Python activities for Jarvis pipelines' steps on a task queue."""

    def __init__(
        self,
        task_queue: str,
        activities: dict[str, Activity],
        *,
        url: str | None = None,
        api_key: str | None = None,
        max_concurrent: int = 4,
        identity: str | None = None,
    ) -> None:
        if not activities:
            raise ValueError("a worker needs at least one activity")
        self.task_queue = task_queue
        self.activities = dict(activities)
        self.identity = identity or f"{os.getpid()}@{socket.gethostname()} (python)"
        self._connection = WorkerConnection(
            url or os.environ.get("JARVIS_URL") or "http://127.0.0.1:4000",
            api_key if api_key is not None else os.environ.get("JARVIS_API_KEY"),
        )
        settings = WorkerSettings(self._connection, task_queue, self.activities, self.identity, max_concurrent)
        engine = self._connection.call("engine", {}) or {}
        self.engine: str = engine.get("kind", "")
        self._impl: Any
        if self.engine == "local":
            self._impl = LocalWorker(settings)
        elif self.engine == "temporal":
            try:
                from ._temporal_worker import TemporalWorker
            except ImportError as error:
                self._connection.close()
                raise RuntimeError(
                    "Jarvis runs its workflows on Temporal, so this worker needs temporalio: "
                    "pip install 'jarvis-core[temporal]'"
                ) from error
            self._impl = TemporalWorker(settings, address=engine["address"], namespace=engine["namespace"])
        else:
            self._connection.close()
            raise RuntimeError(f"Jarvis names a workflow engine this SDK does not know: {engine!r}; upgrade jarvis-core")
        self._started = False

    def start(self) -> Worker:
        """Takes tasks in the background; ``stop()`` ends it."""
        if not self._started:
            self._impl.start()
            self._started = True
        return self

    def run(self) -> None:
        """Takes tasks until interrupted (Ctrl-C) or stopped."""
        self.start()
        try:
            while not self._impl.wait(0.2):
                pass
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        """Stops taking tasks; the running ones finish and report (on Temporal, within 10 s)."""
        try:
            if self._started:
                self._impl.stop()
        finally:
            self._connection.close()

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
