"""One-line progress display for a crawl, on a terminal only.

Usage::

    progress = Progress(total=len(plan(urls)))
    progress.start()
    report = await crawl(urls, config, on_result=progress)
    progress.finish()

It draws ``checked/total, failures, rate`` on one line of ``stream`` (stderr
by default), redrawn at most ``min_interval`` seconds apart.  It stays silent
when the stream is not a TTY or the ``CI`` environment variable is set.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import TextIO

from .result import CrawlResult, LinkStatus

__all__ = ["Progress"]

_FINE = frozenset({LinkStatus.OK, LinkStatus.SKIPPED, LinkStatus.UNCHECKED})


class Progress:
    """Callable progress line; pass the instance as ``on_result``."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        *,
        env: Mapping[str, str] | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self.total = total
        self.checked = 0
        self.failures = 0
        self._stream = stream if stream is not None else sys.stderr
        environ = os.environ if env is None else env
        isatty = getattr(self._stream, "isatty", None)
        self.enabled = bool(isatty is not None and isatty()) and not environ.get("CI")
        self._min_interval = min_interval
        self._started = time.monotonic()
        self._last_draw = float("-inf")
        self._width = 0

    def start(self) -> None:
        self._started = time.monotonic()
        self._draw(force=True)

    def __call__(self, result: CrawlResult) -> None:
        self.checked += 1
        if result.status not in _FINE:
            self.failures += 1
        self._draw(force=self.checked >= self.total)

    def line(self) -> str:
        """The current progress text (without terminal control characters)."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.checked / elapsed
        return f"checked {self.checked}/{self.total} links, {self.failures} failing, {rate:.1f}/s"

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

    def finish(self) -> None:
        """Draw the final state and end the line."""
        if not self.enabled:
            return
        self._draw(force=True)
        self._stream.write("\n")
        self._stream.flush()
