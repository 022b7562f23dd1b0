"""Progress of a transfer: a callback, a tqdm bar when tqdm is installed (the `progress` extra),
or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OnProgress = Callable[[int, int], None]
"""Called with (bytes done, bytes in all) as a transfer goes."""


class Progress:
    def __init__(self, on_progress: OnProgress | None = None, bar: bool = False, label: str = "") -> None:
        self._callback = on_progress
        self._want_bar = bar and on_progress is None
        self._label = label
        self._bar: Any = None
        self.done = 0
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total
        if self._want_bar:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=self._label)

    def set(self, done: int) -> None:
        self.update(done - self.done)

    def update(self, delta: int) -> None:
        if not delta:
            return
        self.done += delta
        if self._bar is not None:
            self._bar.update(delta)
        if self._callback is not None:
            self._callback(self.done, self.total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
