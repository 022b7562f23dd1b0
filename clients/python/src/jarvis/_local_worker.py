"""Python steps on Jarvis's local engine: threads long-poll the worker task API for the tasks of
this worker's activities (the poll names them, so Python and TypeScript workers share a task
queue), run them, and report each outcome."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from typing import Any

from ._worker_settings import WorkerSettings
from .activity_context import (
    Activity,
    ActivityCancelled,
    ActivityContext,
    ActivityLogger,
    ActivityRun,
    error_report,
    log,
)

# How long one poll waits on Jarvis for a task: a stopping worker waits at most this long.
POLL_SECONDS = 2


def call_activity(activity: Activity, input: Any, ctx: ActivityContext) -> Any:
    """Runs a step, ``def`` or ``async def``, to its output (in the calling thread)."""
    output = activity(input, ctx)
    if inspect.isawaitable(output):
        output = asyncio.run(_awaited(output))
    return output


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


class LocalWorker:
    def __init__(self, settings: WorkerSettings) -> None:
        self._connection = settings.connection
        self._task_queue = settings.task_queue
        self._activities = settings.activities
        self._identity = settings.identity
        self._max = settings.max_concurrent
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self._max):
            thread = threading.Thread(target=self._poll, name=f"jarvis-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait(self, timeout: float) -> bool:
        """Whether the worker has stopped, waiting at most ``timeout`` seconds."""
        time.sleep(timeout)
        return not any(t.is_alive() for t in self._threads)

    def stop(self) -> None:
        self._connection.stopping.set()
        for thread in self._threads:
            thread.join(timeout=POLL_SECONDS + 70)

    def _poll(self) -> None:
        names = list(self._activities)
        while not self._connection.stopping.is_set():
            try:
                task = self._connection.call(
                    "poll",
                    {
                        "taskQueue": self._task_queue,
                        "activities": names,
                        "workerId": self._identity,
                        "timeoutMs": POLL_SECONDS * 1000,
                    },
                    retry=False,
                ).get("task")
            except Exception:
                if self._connection.stopping.is_set():
                    return
                time.sleep(0.5)
                continue
            if task:
                self._execute(task)

    def _execute(self, task: dict[str, Any]) -> None:
        connection = self._connection
        token = task["token"]

        def beat(progress: dict[str, Any] | None) -> str | None:
            answer = connection.call("heartbeat", {"token": token, **(progress or {})}, retry=False)
            if isinstance(answer, dict) and answer.get("cancelled"):
                return str(answer.get("reason", "CANCELLED"))
            return None

        ctx = ActivityContext(
            run_id=task["runId"],
            step_id=task["stepId"],
            workflow=task["workflow"],
            attempt=task["attempt"],
            log=ActivityLogger(
                lambda level, message, data: connection.call(
                    "log", {"token": token, "level": level, "message": message, "data": data}
                ),
                token,
            ),
            run=ActivityRun(connection, task["runId"], task.get("experimentRunId")),
            beat=beat,
        )
        # The engine's lease ends without heartbeats; a step busy between progress calls keeps it.
        beating = threading.Event()
        every = min(1.0, (task.get("heartbeatTimeoutMs") or 3000) / 3000)

        def keep_alive() -> None:
            while not beating.wait(every):
                try:
                    reason = beat(None)
                except Exception:
                    continue
                if reason:
                    ctx.stop(reason)

        threading.Thread(target=keep_alive, daemon=True).start()
        try:
            output = call_activity(self._activities[task["activity"]], task.get("input"), ctx)
            beating.set()
            connection.call("complete", {"token": token, "output": output})
        except ActivityCancelled:
            beating.set()  # the engine knows why it stopped the step: nothing to report
        except Exception as error:
            beating.set()
            try:
                connection.call("fail", {"token": token, "error": error_report(error)})
            except Exception:
                log.exception("could not report the failure of %s", token)
        finally:
            beating.set()
