"""Pipeline steps written in Python: ``Worker(task_queue, activities={...}).run()`` takes the
tasks of its activities from Jarvis's workflow engine, runs them, and reports each outcome. It
polls the same task queue as TypeScript workers may, each taking the activities it has, so one
pipeline can mix steps in both languages.

An activity is ``def step(input, ctx)`` (or ``async def``); ``ctx.progress(0.5, "halfway")``
reports progress and is where a cancelled run stops the step (``ActivityCancelled``)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import httpx

# The same document as the TypeScript worker's, so it is trusted on a trusted-only router.
LOG_METRICS_DOCUMENT = (
    "mutation WorkerLogMetrics($runId: ID!, $metrics: [MetricInput!]) "
    "{ logBatch(runId: $runId, metrics: $metrics) { id } }"
)

log = logging.getLogger("jarvis.worker")

# How long one poll waits on Jarvis for a task: a stopping worker waits at most this long.
POLL_SECONDS = 2


class ActivityCancelled(Exception):
    """The run was cancelled or terminated, or the attempt timed out: the step should stop."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the step was stopped: {reason}")
        self.reason = reason


class _Engine:
    """Jarvis's worker routes (`/workflows/worker/*`); reports are retried until Jarvis answers."""

    def __init__(self, url: str, api_key: str | None) -> None:
        self.url = url.rstrip("/")
        headers = {"content-type": "application/json"}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self.http = httpx.Client(headers=headers, timeout=httpx.Timeout(70.0, connect=10.0))
        self.polls = httpx.Client(headers=headers, timeout=httpx.Timeout(70.0, connect=10.0))
        self.stopping = threading.Event()

    def call(self, path: str, body: dict[str, Any], retry: bool = True) -> Any:
        client = self.polls if path == "poll" else self.http
        wait = 0.25
        while True:
            try:
                response = client.post(f"{self.url}/workflows/worker/{path}", content=json.dumps(body, default=str))
            except (httpx.TransportError, RuntimeError):
                if not retry or self.stopping.is_set():
                    raise
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
                continue
            if response.status_code in (502, 503) and retry and not self.stopping.is_set():
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
                continue
            if response.status_code >= 400:
                try:
                    message = response.json().get("error", response.text)
                except ValueError:
                    message = response.text
                raise RuntimeError(f"Jarvis refused {path} ({response.status_code}): {message}")
            return response.json() if response.content else None

    def graphql(self, query: str, variables: dict[str, Any]) -> Any:
        body = self.http.post(f"{self.url}/graphql", content=json.dumps({"query": query, "variables": variables})).json()
        if body.get("errors"):
            raise RuntimeError("; ".join(e["message"] for e in body["errors"]))
        return body.get("data")


class ActivityRun:
    """The experiment run the workflow run logs into (``start_workflow(..., run=run)``)."""

    def __init__(self, engine: _Engine, run_id: str, known: str | None) -> None:
        self._engine = engine
        self._run_id = run_id
        self._experiment_run = known

    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        if self._experiment_run is None:
            self._experiment_run = self._engine.call("run", {"runId": self._run_id}).get("experimentRunId")
        if not self._experiment_run:
            raise RuntimeError(
                f"workflow run {self._run_id} logs into no experiment run: start it with run= to log metrics"
            )
        self._engine.graphql(
            LOG_METRICS_DOCUMENT,
            {
                "runId": self._experiment_run,
                "metrics": [{"key": k, "value": float(v), "step": step} for k, v in metrics.items()],
            },
        )

    def log_metric(self, key: str, value: float, step: int = 0) -> None:
        self.log_metrics({key: value}, step)


class ActivityLogger:
    """Lines in the workflow run's log (and the worker's own)."""

    def __init__(self, engine: _Engine, token: str) -> None:
        self._engine = engine
        self._token = token

    def _send(self, level: str, message: str, data: Any = None) -> None:
        getattr(log, "warning" if level == "warn" else level)(message)
        try:
            self._engine.call("log", {"token": self._token, "level": level, "message": message, "data": data})
        except Exception:
            log.warning("could not send a log line of %s", self._token)

    def debug(self, message: str, data: Any = None) -> None:
        self._send("debug", message, data)

    def info(self, message: str, data: Any = None) -> None:
        self._send("info", message, data)

    def warn(self, message: str, data: Any = None) -> None:
        self._send("warn", message, data)

    def error(self, message: str, data: Any = None) -> None:
        self._send("error", message, data)


class ActivityContext:
    """What an activity gets besides its input: the same on every engine."""

    def __init__(self, engine: _Engine, task: dict[str, Any]) -> None:
        self._engine = engine
        self._token: str = task["token"]
        self.run_id: str = task["runId"]
        self.step_id: str = task["stepId"]
        self.workflow: str = task["workflow"]
        self.attempt: int = task["attempt"]
        self.cancelled = threading.Event()
        self.reason: str | None = None
        self.log = ActivityLogger(engine, self._token)
        self.run = ActivityRun(engine, self.run_id, task.get("experimentRunId"))

    def _answer(self, answer: Any) -> None:
        if isinstance(answer, dict) and answer.get("cancelled"):
            self.reason = str(answer.get("reason", "CANCELLED"))
            self.cancelled.set()

    def heartbeat(self) -> None:
        """Tells Jarvis the step is alive; raises ActivityCancelled once the run has been stopped."""
        try:
            self._answer(self._engine.call("heartbeat", {"token": self._token}, retry=False))
        except Exception:
            pass  # Jarvis away for a moment: the next beat follows
        self.check()

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Reports progress (0..1) and what the step is doing; subscribers see it within a second."""
        body: dict[str, Any] = {"token": self._token, "progress": min(1.0, max(0.0, float(fraction)))}
        if message is not None:
            body["message"] = message
        try:
            self._answer(self._engine.call("heartbeat", body, retry=False))
        except Exception:
            pass
        self.check()

    def check(self) -> None:
        if self.cancelled.is_set():
            raise ActivityCancelled(self.reason or "CANCELLED")


Activity = Callable[[Any, ActivityContext], Any]


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
        self._engine = _Engine(
            url or os.environ.get("JARVIS_URL") or "http://127.0.0.1:4000",
            api_key if api_key is not None else os.environ.get("JARVIS_API_KEY"),
        )
        self._max = max_concurrent
        self._threads: list[threading.Thread] = []
        kind = (self._engine.call("engine", {}) or {}).get("kind")
        if kind != "local":
            raise RuntimeError(
                f"Jarvis runs its workflows on {kind}; the Python worker takes tasks from the local engine only so far"
            )
        self.engine = kind

    def start(self) -> Worker:
        """Polls in background threads; ``stop()`` ends them."""
        for n in range(self._max):
            thread = threading.Thread(target=self._poll, name=f"jarvis-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def run(self) -> None:
        """Polls until interrupted (Ctrl-C) or stopped."""
        self.start()
        try:
            while any(t.is_alive() for t in self._threads):
                time.sleep(0.2)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        """Stops taking tasks; the running ones finish and report."""
        self._engine.stopping.set()
        for thread in self._threads:
            thread.join(timeout=POLL_SECONDS + 70)
        self._engine.polls.close()
        self._engine.http.close()

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _poll(self) -> None:
        names = list(self.activities)
        while not self._engine.stopping.is_set():
            try:
                task = self._engine.call(
                    "poll",
                    {"taskQueue": self.task_queue, "activities": names, "workerId": self.identity, "timeoutMs": POLL_SECONDS * 1000},
                    retry=False,
                ).get("task")
            except Exception:
                if self._engine.stopping.is_set():
                    return
                time.sleep(0.5)
                continue
            if task:
                self._execute(task)

    def _execute(self, task: dict[str, Any]) -> None:
        ctx = ActivityContext(self._engine, task)
        beating = threading.Event()
        every = min(1.0, (task.get("heartbeatTimeoutMs") or 3000) / 3000)

        def beat() -> None:
            while not beating.wait(every):
                try:
                    ctx._answer(self._engine.call("heartbeat", {"token": ctx._token}, retry=False))
                except Exception:
                    pass

        beater = threading.Thread(target=beat, daemon=True)
        beater.start()
        try:
            activity = self.activities[task["activity"]]
            output = activity(task.get("input"), ctx)
            if inspect.isawaitable(output):
                output = asyncio.run(_awaited(output))
            beating.set()
            self._engine.call("complete", {"token": ctx._token, "output": output})
        except ActivityCancelled:
            beating.set()  # the engine knows why it stopped the step: nothing to report
        except Exception as error:
            beating.set()
            report = {
                "type": getattr(error, "type", None) or type(error).__name__,
                "message": str(error),
                "stack": "".join(traceback.format_exception(error)),
            }
            if getattr(error, "non_retryable", False):
                report["nonRetryable"] = True
            try:
                self._engine.call("fail", {"token": ctx._token, "error": report})
            except Exception:
                log.exception("could not report the failure of %s", ctx._token)
        finally:
            beating.set()


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
