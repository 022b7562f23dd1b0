"""Python steps when Jarvis runs its workflows on Temporal: a real Temporal worker (temporalio)
on the workflow's task queue, each activity registered under its Jarvis name, so the pipeline
workflow schedules Python steps exactly as it schedules TypeScript ones.

The step's run is the workflow id and the step the activity id (the pipeline workflow sets
both). Progress goes out as a heartbeat and as an event to Jarvis; a failure Temporal will retry
is announced as STEP_RETRYING; a later attempt as STEP_STARTED (the workflow announces only the
first); logs as LOG events."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker as TemporalSdkWorker

from ._local_worker import call_activity
from ._loop import LoopThread
from ._worker_connection import WorkerConnection
from ._worker_settings import WorkerSettings
from .activity_context import Activity, ActivityCancelled, ActivityContext, ActivityLogger, ActivityRun, error_report

# How often a running step heartbeats to Temporal: cancellation reaches it only in an answer.
BEAT_SECONDS = 0.5


def _will_retry(info: activity.Info, error_type: str, non_retryable: bool) -> bool:
    policy = info.retry_policy
    if non_retryable or (policy and error_type in (policy.non_retryable_error_types or [])):
        return False
    maximum = policy.maximum_attempts if policy else 0
    return maximum == 0 or info.attempt < maximum


def _next_attempt_at(info: activity.Info) -> str:
    policy = info.retry_policy
    initial = policy.initial_interval.total_seconds() if policy and policy.initial_interval else 1.0
    coefficient = policy.backoff_coefficient if policy else 2.0
    maximum = policy.maximum_interval.total_seconds() if policy and policy.maximum_interval else initial * 100
    delay = min(initial * coefficient ** (info.attempt - 1), maximum)
    at = datetime.now(timezone.utc) + timedelta(seconds=delay)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _stop_reason(
    details: activity.ActivityCancellationDetails | None, connection: WorkerConnection, run_id: str, deadline: float
) -> str:
    """Temporal tells an activity only that it was cancelled, timed out or that its worker is
    going; Jarvis knows why the run stopped (cancel, terminate, timeout, a failed sibling),
    because it records the ending before the news reaches the next heartbeat. So ask it, briefly."""
    if details and details.worker_shutdown:
        return "WORKER_SHUTDOWN"
    if (details and details.timed_out) or time.monotonic() >= deadline:
        return "ATTEMPT_TIMED_OUT"
    until = time.monotonic() + 3
    while time.monotonic() < until:
        try:
            reason = connection.run_info(run_id).get("stopReason")
        except Exception:
            reason = None
        if reason:
            return str(reason)
        time.sleep(0.1)
    # The run goes on without this attempt: Temporal gave it up (its heartbeat timeout).
    return "RUN_CANCELLED" if details and details.cancel_requested else "ATTEMPT_TIMED_OUT"


class TemporalWorker:
    def __init__(self, settings: WorkerSettings, *, address: str, namespace: str) -> None:
        self._connection = settings.connection
        self._task_queue = settings.task_queue
        self._activities = settings.activities
        self._identity = settings.identity
        self._max = max_concurrent = settings.max_concurrent
        self._address = address
        self._namespace = namespace
        # Steps run in threads (a step is plain blocking Python: PyTorch, file IO), the
        # Temporal side of each in the worker's event loop.
        self._steps = concurrent.futures.ThreadPoolExecutor(max_concurrent, thread_name_prefix="jarvis-step")
        self._loop: LoopThread | None = None
        self._worker: TemporalSdkWorker | None = None
        self._done: concurrent.futures.Future[None] | None = None

    def start(self) -> None:
        self._loop = LoopThread()
        try:
            self._worker = self._loop.run(self._create())
        except BaseException:
            self._loop.close()
            raise
        self._done = asyncio.run_coroutine_threadsafe(self._worker.run(), self._loop.loop)

    async def _create(self) -> TemporalSdkWorker:
        try:
            client = await Client.connect(self._address, namespace=self._namespace, identity=self._identity)
        except Exception as error:
            raise RuntimeError(
                f"Jarvis runs its workflows on Temporal at {self._address}, which this worker cannot reach "
                f"({error}): the worker needs that address too"
            ) from error
        return TemporalSdkWorker(
            client,
            task_queue=self._task_queue,
            activities=[self._wrap(name, step) for name, step in self._activities.items()],
            max_concurrent_activities=self._max,
            identity=self._identity,
            default_heartbeat_throttle_interval=timedelta(milliseconds=200),
            max_heartbeat_throttle_interval=timedelta(seconds=1),
            # Running steps get this long to finish before they are cancelled as WORKER_SHUTDOWN.
            graceful_shutdown_timeout=timedelta(seconds=10),
        )

    def wait(self, timeout: float) -> bool:
        assert self._done is not None
        try:
            self._done.result(timeout)
        except concurrent.futures.TimeoutError:
            return False
        return True

    def stop(self) -> None:
        if self._loop is None or self._worker is None or self._done is None:
            return
        if not self._done.done():
            self._loop.run(self._worker.shutdown())
        try:
            self._done.result(30)
        finally:
            self._loop.close()
            self._steps.shutdown(wait=False, cancel_futures=True)

    def _wrap(self, name: str, step: Activity) -> Any:
        connection = self._connection
        steps = self._steps

        @activity.defn(name=name)
        async def run_step(input: Any = None) -> Any:
            info = activity.info()
            run_id = info.workflow_id or ""
            step_id = info.activity_id
            attempt = info.attempt
            loop = asyncio.get_running_loop()
            details: dict[str, Any] = {}

            def report(*events: dict[str, Any]) -> None:
                connection.report(run_id, [{"stepId": step_id, "attempt": attempt, **e} for e in events])

            def beat(progress: dict[str, Any] | None) -> str | None:
                if progress is not None:
                    details.clear()
                    details.update(progress)
                    report({"type": "STEP_PROGRESS", **progress})
                return None  # cancellation comes through the heartbeats below

            ctx = ActivityContext(
                run_id=run_id,
                step_id=step_id,
                workflow=info.workflow_type or "",
                attempt=attempt,
                log=ActivityLogger(
                    lambda level, message, data: report(
                        {"type": "LOG", "message": message, "data": {"level": level, **({"data": data} if data is not None else {})}}
                    ),
                    f"{run_id}/{step_id}",
                ),
                run=ActivityRun(connection, run_id),
                beat=beat,
            )
            # Temporal may close the attempt on its start-to-close timeout before telling us: keep our own clock.
            limit = info.start_to_close_timeout.total_seconds() if info.start_to_close_timeout else None
            deadline = time.monotonic() + (limit or 2**31)
            expiry = threading.Timer(limit, ctx.stop, ("ATTEMPT_TIMED_OUT",)) if limit else None
            if expiry:
                expiry.daemon = True
                expiry.start()
            running: asyncio.Future[Any] | None = None
            try:
                if attempt > 1:
                    await loop.run_in_executor(steps, lambda: report({"type": "STEP_STARTED"}))
                running = loop.run_in_executor(steps, call_activity, step, input, ctx)
                while True:
                    done, _ = await asyncio.wait({running}, timeout=BEAT_SECONDS)
                    if done:
                        return running.result()
                    activity.heartbeat(dict(details))
            except asyncio.CancelledError:
                details = activity.cancellation_details()
                ctx.stop(await loop.run_in_executor(None, _stop_reason, details, connection, run_id, deadline))
                raise
            except ActivityCancelled:
                # Stopped on our own clock: the attempt is Temporal's to retry or fail, already.
                raise
            except Exception as error:
                e = error_report(error)
                if _will_retry(info, e["type"], e.get("nonRetryable", False)):
                    try:
                        await loop.run_in_executor(
                            steps,
                            lambda: report(
                                {
                                    "type": "STEP_RETRYING",
                                    "message": e["message"],
                                    "data": {
                                        "error": {"type": e["type"], "message": e["message"]},
                                        "nextAttemptAt": _next_attempt_at(info),
                                    },
                                }
                            ),
                        )
                    except Exception:
                        pass
                raise ApplicationError(e["message"], type=e["type"], non_retryable=e.get("nonRetryable", False)) from error
            finally:
                if expiry:
                    expiry.cancel()

        return run_step
