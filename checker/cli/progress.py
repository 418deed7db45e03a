"""The progress line of a link check, drawn by the CLI on a terminal (stderr) only.

The engine's link stage tells it what happens (``planned``, ``checked``, ``done``);
it draws ``checked/total, failures, rate`` on one line, redrawn at most
``min_interval`` seconds apart. The CLI decides whether it is ``enabled``.

Links are checked while pages are still being parsed, so ``planned`` comes again each time
parsing finds more links: the total grows, and the rate is counted from the first call.
"""

from __future__ import annotations

import time
from typing import TextIO

from checker.model.links import LinkResult

__all__ = ["Progress"]


class Progress:
    """A ``checker.engine.links.LinkProgress`` that draws on ``stream`` when ``enabled``."""

    def __init__(self, stream: TextIO, *, enabled: bool, min_interval: float = 0.1) -> None:
        self.total = 0
        self.checked_count = 0
        self.failures = 0
        self.enabled = enabled
        self._stream = stream
        self._min_interval = min_interval
        self._started = time.monotonic()
        self._last_draw = float("-inf")
        self._width = 0
        self._planned = False

    def planned(self, total: int) -> None:
        """How many links there are to check so far (called again, with more, as pages arrive)."""
        if not self._planned:
            self._planned = True
            self._started = time.monotonic()
        self.total = max(total, self.total)
        self._draw(force=True)

    def checked(self, result: LinkResult) -> None:
        self.checked_count += 1
        if result.status.failing:
            self.failures += 1
        self._draw(force=self.checked_count >= self.total)

    def done(self) -> None:
        """Draw the final state and end the line."""
        if not self.enabled:
            return
        self._draw(force=True)
        self._stream.write("\n")
        self._stream.flush()

    def line(self) -> str:
        """The current progress text (without terminal control characters)."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.checked_count / elapsed
        return f"checked {self.checked_count}/{self.total} links, {self.failures} failing, {rate:.1f}/s"

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < self._min_interval:
            return
        self._last_draw = now
        text = self.line()
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        self._stream.write(f"\r{text}{pad}")
        self._stream.flush()
