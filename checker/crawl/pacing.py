"""Adaptive pacing of one host: how many requests at once, and how far apart they start.

A fixed interval is either rude to a host that struggles or slow on one that does not (1,000
links at one every 0.5 s take over eight minutes).  So each host's pace adapts to what the host
says, in the manner of TCP congestion control: additive increase, multiplicative decrease.

* The **window** is how many requests may be in flight at once, between 1 and the ceiling
  (``host_concurrency``).  It starts at half the ceiling and grows by one with each good
  answer until the host first pushes back (TCP's "slow start": a healthy host reaches the
  ceiling after half a ceiling's worth of answers), after that by one per window's worth of
  good answers.
* The **gap** is the least time between two request starts, never below the floor
  (``host_interval``, or the host's ``Crawl-delay``) nor above the cap.  It is the floor (0 by
  default) until the host asks us to slow down.

A **slow-down signal** is a 429 or 503 answer, a ``Retry-After`` on an error, a read timeout, a
connection reset or dropped, or an answer much slower than the host's own recent answers.  It
halves the window and doubles the gap (at least :data:`FIRST_GAP` the first time: ten requests
a second), and a ``Retry-After`` pauses the whole host until then (at most ``pause_cap``).
Only a request started after the last slow-down can cause another one: the requests already
in flight were sent at the old pace, and their answers say nothing about the new one.  After
a slow-down, each good answer to a request sent at the new pace raises the allowed rate by a
sixteenth of the rate the slow-down set (:data:`RECOVERY_STEPS`): speeding up again is slow
and steady, slowing down is at once.

What is not a signal: a refused connection or a failed lookup (the host is down, not busy;
the fetcher gives those verdicts at once), a connect timeout (the host does not answer at all,
and slowing down would only make a dead host slower to report), ordinary errors such as 404
or 500 (the host answered, and answered quickly).

The state is plain data with the clock passed in, so tests drive it with a fake clock;
:class:`~checker.crawl.limits.RequestGate` holds one per host and does the waiting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from checker.model.links import ErrorKind

__all__ = ["FIRST_GAP", "RECOVERY_STEPS", "HostPace"]

#: the gap after the first slow-down of a host with no gap (ten requests a second)
FIRST_GAP = 0.1
#: good answers needed, after a slow-down, to double the rate it set (then it keeps rising)
RECOVERY_STEPS = 16
#: an answer is "much slower" when it takes this many times the host's usual time...
SLOW_FACTOR = 4.0
#: ...and at least this many seconds more (so that a 20 ms host taking 90 ms is no signal)
SLOW_MARGIN = 1.0
#: weight of the newest answer in the host's usual answer time (a moving average)
BASELINE_WEIGHT = 0.1
#: a gap this close to the floor is the floor
_SNAP = 0.001

#: failures that say the host is overwhelmed, not gone
OVERLOAD_ERRORS = frozenset({ErrorKind.TIMEOUT, ErrorKind.RESET, ErrorKind.DISCONNECTED})
#: answers that say "too many requests" or "too busy"
OVERLOAD_STATUSES = frozenset({429, 503})


@dataclass
class HostPace:
    """One host's window, gap and pause; every method takes the time (``time.monotonic``)."""

    ceiling: int
    floor: float = 0.0
    cap: float = 5.0
    pause_cap: float = 30.0

    def __post_init__(self) -> None:
        self.ceiling = max(1, self.ceiling)
        self.window = float(max(1, math.ceil(self.ceiling / 2)))
        self.floor = max(0.0, self.floor)
        self.cap = max(self.cap, self.floor)
        self.gap = self.floor
        self.resume_at = -math.inf  # paused until then (Retry-After)
        self.last_start = -math.inf
        self.last_cut = -math.inf  # when the last slow-down happened
        self.baseline: float | None = None  # the host's usual answer time, in seconds
        self.answers = 0  # answers that went into the baseline
        self.step = 0.0  # requests per second added per good answer while the gap is above the floor
        self.slowdowns = 0

    @property
    def limit(self) -> int:
        """Requests that may be in flight at once now."""
        return max(1, min(self.ceiling, int(self.window)))

    def ready_at(self) -> float:
        """The earliest time the next request may start."""
        return max(self.resume_at, self.last_start + self.gap)

    def started(self, now: float) -> None:
        self.last_start = now

    def set_floor(self, floor: float) -> None:
        """Raise the floor (a ``Crawl-delay``); the gap follows at once."""
        self.floor = max(0.0, floor)
        self.cap = max(self.cap, self.floor)
        self.gap = max(self.gap, self.floor)

    def answered(self, started: float, now: float, status: int, retry_after: float | None) -> str | None:
        """Take an HTTP answer to a request started at ``started``; return why it slowed down, if it did."""
        if status in OVERLOAD_STATUSES or (retry_after is not None and status >= 400):
            return self._slow_down(started, now, f"answered {status}", retry_after)
        latency = max(0.0, now - started)
        usual = self.baseline
        self.answers += 1
        # a plain average of the first answers, then a moving one
        weight = max(BASELINE_WEIGHT, 1 / self.answers)
        self.baseline = latency if usual is None else usual + weight * (latency - usual)
        if usual is not None and latency > max(SLOW_FACTOR * usual, usual + SLOW_MARGIN):
            return self._slow_down(started, now, f"answered in {latency:.1f} s (usually {usual:.2f} s)")
        if status < 500:
            self._speed_up(started)
        return None

    def failed(self, started: float, now: float, kind: ErrorKind | None) -> str | None:
        """Take a failure to get an answer; return why it slowed down, if it did."""
        if kind in OVERLOAD_ERRORS:
            return self._slow_down(started, now, f"failed ({kind})")
        return None

    def _slow_down(
        self, started: float, now: float, why: str, retry_after: float | None = None
    ) -> str | None:
        if retry_after is not None and retry_after > 0:
            self.resume_at = max(self.resume_at, now + min(retry_after, self.pause_cap))
        if started < self.last_cut:
            return None  # sent before the last slow-down, which has already answered for it
        self.last_cut = now
        self.slowdowns += 1
        self.window = max(1.0, self.window / 2)
        self.gap = min(self.cap, max(self.floor, 2 * self.gap, FIRST_GAP))
        self.step = 1 / (self.gap * RECOVERY_STEPS) if self.gap > 0 else 0.0
        return why

    def _speed_up(self, started: float) -> None:
        if started < self.last_cut:
            return  # an answer to the old pace says nothing about the new one
        grow = 1.0 if not self.slowdowns else 1 / self.window  # "slow start" until the first push back
        self.window = min(float(self.ceiling), self.window + grow)
        if self.gap > self.floor and self.step > 0:
            self.gap = 1 / (1 / self.gap + self.step)
            if self.gap <= self.floor + _SNAP:
                self.gap = self.floor
