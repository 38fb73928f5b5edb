"""A progress line for long loads, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts work done and redraws one status line on stderr at most ten times a second."""

    def __init__(self, label: str, *, stream: TextIO | None = None, total: int | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.total = total
        self.done = 0
        self.stage = ""
        self.started = time.monotonic()
        self._drawn = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        self._draw()

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        self._draw(force=True)

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.total:
            filled = int(30 * min(self.done / self.total, 1.0))
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] "
            count = f"{self.done:,}/{self.total:,}"
        else:
            bar, count = "", f"{self.done:,}"
        self.stream.write(f"\r{self.label} {bar}{count} ({rate:,.0f}/s) {self.stage}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stage = ""
            self._draw(force=True)  # the last count, which the throttle may have skipped
            self.stream.write("\n")
            self.stream.flush()
