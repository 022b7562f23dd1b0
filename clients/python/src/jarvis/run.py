"""An experiment run being logged to. ``log_metrics`` returns at once: points are stamped with
the time they were logged, batched, and sent in the background (a few batches at a time; each
point keeps its step and time), each batch with an idempotency key, so a batch retried after a network error (even one whose answer was lost after
Jarvis stored it) is logged once. ``flush()`` and ``end()`` wait for every point; an error that
retrying cannot fix comes out of the next of them."""

from __future__ import annotations

import asyncio
import math
import sys
import threading
import time
import uuid
from typing import Any

from ._api.enums import RunStatus
from ._api.input_types import KeyValueInput, MetricSeriesInput
from ._connection import Connection, retry_transient

# Points per logMetrics call (Jarvis's limit): columns, one series per key, so a call is cheap
# to build, send and check on both sides.
MAX_BATCH = 10_000
# Batches in flight at once: each point carries its step and time, so arrival order does not matter.
IN_FLIGHT = 4


# JSON has neither NaN nor infinity: NaN goes as a position in nanAt, an infinity as the
# largest double, which is how Jarvis (and MLflow) store it.
_LARGEST = sys.float_info.max


class _Series:
    __slots__ = ("nan_at", "steps", "timestamps", "values")

    def __init__(self) -> None:
        self.values: list[float] = []
        self.steps: list[int] = []
        self.timestamps: list[int] = []
        self.nan_at: list[int] = []


def key_values(values: dict[str, Any]) -> list[KeyValueInput]:
    return [KeyValueInput(key=str(k), value=str(v)) for k, v in values.items()]


class AsyncRun:
    def __init__(
        self,
        conn: Connection,
        loop: asyncio.AbstractEventLoop,
        run: Any,
        experiment_id: str,
        flush_interval: float = 1.0,
        retry_attempts: int = 10,
    ) -> None:
        self.id: str = run.id
        self.name: str = run.name
        self.experiment_id = experiment_id
        self._conn = conn
        self._loop = loop
        self._interval = flush_interval
        self._attempts = retry_attempts
        self._writer = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._pending: dict[str, _Series] = {}
        self._count = 0
        self._batch = 0
        self._sending: set[asyncio.Future[None]] = set()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._woken = False
        self._timer: asyncio.TimerHandle | None = None
        self._failure: BaseException | None = None
        self.ended = False

    # Any thread may log: the points are queued, and the connection's loop sends them.
    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        if self.ended:
            raise RuntimeError(f"run {self.id} has ended; start a new run to log more")
        stamp = int(time.time() * 1000)
        with self._lock:
            for key, value in metrics.items():
                series = self._pending.get(key)
                if series is None:
                    series = self._pending[key] = _Series()
                number = float(value)
                if not math.isfinite(number):
                    if math.isnan(number):
                        series.nan_at.append(len(series.values))
                        number = 0.0
                    else:
                        number = math.copysign(_LARGEST, number)
                series.values.append(number)
                series.steps.append(step)
                series.timestamps.append(stamp)
            self._count += len(metrics)
            full = self._count >= MAX_BATCH
            # The loop is woken once per batch, not once per call: logging stays cheap.
            wake = full or not self._woken
            self._woken = True
        if wake:
            self._loop.call_soon_threadsafe(self._schedule, full)

    def log_metric(self, key: str, value: float, step: int = 0) -> None:
        self.log_metrics({key: value}, step)

    def _schedule(self, now: bool) -> None:
        if now:
            self._cut()
        elif self._timer is None:
            self._timer = self._loop.call_later(self._interval, self._cut)

    def _cut(self) -> None:
        """Takes what is pending as batches (each with its key, kept across retries), sent in order."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            pending, self._pending = self._pending, {}
            self._count = 0
            self._woken = False
        batch: list[MetricSeriesInput] = []
        room = MAX_BATCH
        for key, series in pending.items():
            first = 0
            while first < len(series.values):
                take = min(room, len(series.values) - first)
                end = first + take
                nan_at = [i - first for i in series.nan_at if first <= i < end]
                batch.append(
                    MetricSeriesInput(
                        key=key,
                        values=series.values[first:end],
                        steps=series.steps[first:end],
                        timestamps=series.timestamps[first:end],
                        nan_at=nan_at or None,
                    )
                )
                first, room = end, room - take
                if room == 0:
                    self._send_batch(batch)
                    batch, room = [], MAX_BATCH
        if batch:
            self._send_batch(batch)

    def _send_batch(self, series: list[MetricSeriesInput]) -> None:
        self._batch += 1
        self._enqueue(series, f"sdk-metrics:{self._writer}:{self._batch}")

    def _enqueue(self, series: list[MetricSeriesInput], key: str) -> None:
        async def send() -> None:
            async with self._slots:
                if self._failure is not None:
                    return
                try:
                    await retry_transient(
                        lambda: self._conn.request(
                            lambda api: api.log_metrics(run_id=self.id, series=series, idempotency_key=key)
                        ),
                        attempts=self._attempts,
                    )
                except BaseException as error:  # kept for the next flush() or end()
                    self._failure = error

        task = asyncio.ensure_future(send(), loop=self._loop)
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def flush(self) -> None:
        """Waits until every metric logged so far is stored."""
        await asyncio.sleep(0)  # lets log_metrics calls from this loop's thread land first
        self._cut()
        if self._sending:
            await asyncio.gather(*list(self._sending))
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    async def log_params(self, params: dict[str, Any]) -> None:
        """Logs params now (after queued metrics); a param logged again with another value is BadUserInputError."""
        await self.flush()
        await self._conn.request(lambda api: api.log_batch(run_id=self.id, params=key_values(params)))

    async def set_tags(self, tags: dict[str, Any]) -> None:
        await self.flush()
        await self._conn.request(lambda api: api.log_batch(run_id=self.id, tags=key_values(tags)))

    async def end(self, status: str = "FINISHED") -> None:
        """Flushes, then marks the run FINISHED (or FAILED, KILLED)."""
        if self.ended:
            return
        try:
            await self.flush()
        finally:
            self.ended = True
            await retry_transient(
                lambda: self._conn.request(lambda api: api.end_run(id=self.id, status=RunStatus(status)))
            )

    async def __aenter__(self) -> AsyncRun:
        return self

    async def __aexit__(self, kind: Any, error: Any, tb: Any) -> None:
        await self.end("FAILED" if error is not None else "FINISHED")


class Run:
    """The synchronous face of a run: the same methods, each waiting for its answer."""

    def __init__(self, inner: AsyncRun, run_on: Any) -> None:
        self._inner = inner
        self._run_on = run_on
        self.id = inner.id
        self.name = inner.name
        self.experiment_id = inner.experiment_id

    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        self._inner.log_metrics(metrics, step)

    def log_metric(self, key: str, value: float, step: int = 0) -> None:
        self._inner.log_metric(key, value, step)

    def log_params(self, params: dict[str, Any]) -> None:
        self._run_on(self._inner.log_params(params))

    def set_tags(self, tags: dict[str, Any]) -> None:
        self._run_on(self._inner.set_tags(tags))

    def flush(self) -> None:
        self._run_on(self._inner.flush())

    def end(self, status: str = "FINISHED") -> None:
        self._run_on(self._inner.end(status))

    @property
    def ended(self) -> bool:
        return self._inner.ended

    def __enter__(self) -> Run:
        return self

    def __exit__(self, kind: Any, error: Any, tb: Any) -> None:
        self.end("FAILED" if error is not None else "FINISHED")
