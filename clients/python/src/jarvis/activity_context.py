"""What a Python activity gets besides its input, the same on the local engine and on Temporal:
progress, heartbeats, cancellation, a logger and the linked experiment run."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from ._worker_connection import WorkerConnection

# The same document as the TypeScript worker's, so it is trusted on a trusted-only router.
LOG_METRICS_DOCUMENT = (
    "mutation WorkerLogMetrics($runId: ID!, $metrics: [MetricInput!]) "
    "{ logBatch(runId: $runId, metrics: $metrics) { id } }"
)

log = logging.getLogger("jarvis.worker")


class ActivityCancelled(Exception):
    """The run was cancelled or terminated, or the attempt timed out: the step should stop."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the step was stopped: {reason}")
        self.reason = reason


class ActivityRun:
    """The experiment run the workflow run logs into (``start_workflow(..., run=run)``)."""

    def __init__(self, connection: WorkerConnection, run_id: str, known: str | None = None) -> None:
        self._connection = connection
        self._run_id = run_id
        self._experiment_run = known

    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        if self._experiment_run is None:
            self._experiment_run = self._connection.call("run", {"runId": self._run_id}).get("experimentRunId") or ""
        if not self._experiment_run:
            raise RuntimeError(
                f"workflow run {self._run_id} logs into no experiment run: start it with run= to log metrics"
            )
        self._connection.graphql(
            LOG_METRICS_DOCUMENT,
            {
                "runId": self._experiment_run,
                "metrics": [{"key": k, "value": float(v), "step": step} for k, v in metrics.items()],
            },
        )

    def log_metric(self, key: str, value: float, step: int = 0) -> None:
        self.log_metrics({key: value}, step)


class ActivityLogger:
    """Lines in the workflow run's log (and the worker's own logger)."""

    def __init__(self, send: Callable[[str, str, Any], None], where: str) -> None:
        self._send_to_jarvis = send
        self._where = where

    def _send(self, level: str, message: str, data: Any = None) -> None:
        getattr(log, "warning" if level == "warn" else level)(message)
        try:
            self._send_to_jarvis(level, message, data)
        except Exception:
            log.warning("could not send a log line of %s", self._where)

    def debug(self, message: str, data: Any = None) -> None:
        self._send("debug", message, data)

    def info(self, message: str, data: Any = None) -> None:
        self._send("info", message, data)

    def warn(self, message: str, data: Any = None) -> None:
        self._send("warn", message, data)

    def error(self, message: str, data: Any = None) -> None:
        self._send("error", message, data)


class ActivityContext:
    """``ctx.progress(0.5, "halfway")`` reports progress and is where a stopped run stops the
    step (``ActivityCancelled``); ``ctx.heartbeat()`` and ``ctx.check()`` are the same without
    news. ``ctx.cancelled`` is a ``threading.Event`` for steps that wait on something else."""

    def __init__(
        self,
        *,
        run_id: str,
        step_id: str,
        workflow: str,
        attempt: int,
        log: ActivityLogger,
        run: ActivityRun,
        beat: Callable[[dict[str, Any] | None], str | None],
    ) -> None:
        self.run_id = run_id
        self.step_id = step_id
        self.workflow = workflow
        self.attempt = attempt
        self.log = log
        self.run = run
        self.cancelled = threading.Event()
        self.reason: str | None = None
        self._beat = beat

    def stop(self, reason: str) -> None:
        """Marks the step stopped (by the engine): its next progress, heartbeat or check raises."""
        if self.reason is None:
            self.reason = reason
        self.cancelled.set()

    def _send(self, progress: dict[str, Any] | None) -> None:
        self.check()  # a stopped step reports nothing more
        try:
            reason = self._beat(progress)
        except Exception:
            reason = None  # Jarvis away for a moment: the next beat follows
        if reason:
            self.stop(reason)
        self.check()

    def heartbeat(self) -> None:
        """Tells the engine the step is alive; raises ActivityCancelled once the run has been stopped."""
        self._send(None)

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Reports progress (0..1) and what the step is doing; subscribers see it within a second."""
        body: dict[str, Any] = {"progress": min(1.0, max(0.0, float(fraction)))}
        if message is not None:
            body["message"] = message
        self._send(body)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise ActivityCancelled(self.reason or "CANCELLED")


Activity = Callable[[Any, ActivityContext], Any]


def error_report(error: BaseException) -> dict[str, Any]:
    """An error as the engine records it: its class name is its type (what nonRetryableErrorTypes
    match) unless it has a ``type``; ``non_retryable = True`` on it ends the step's retries."""
    report: dict[str, Any] = {
        "type": getattr(error, "type", None) or type(error).__name__,
        "message": str(error),
        "stack": "".join(traceback.format_exception(error)),
    }
    if getattr(error, "non_retryable", False):
        report["nonRetryable"] = True
    return report
