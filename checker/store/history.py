"""Per-URL history as a fold over its verdicts, oldest first; no SQL, no clock.

The same fold reads the kept checks and summarises pruned ones (``Store.prune`` keeps the
summary of what it deletes and the next fold starts from it), so pruning changes no answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from checker.model.links import LinkStatus
from checker.store.base import FLAP_WINDOW

GOOD = "g"
FAILING = "b"


@dataclass(frozen=True)
class Fold:
    """What the verdicts so far say: the last good check, the current run of failures, the
    last FLAP_WINDOW verdicts as a string of GOOD and FAILING (oldest first)."""

    last_good: datetime | None = None
    failing_since: datetime | None = None
    failures: int = 0
    recent: str = ""

    def add(self, status: LinkStatus, at: datetime) -> Fold:
        """The fold after one more check; skipped and unchecked results change nothing."""
        if status is LinkStatus.OK:
            return Fold(at, None, 0, (self.recent + GOOD)[-FLAP_WINDOW:])
        if status.failing:
            return replace(
                self,
                failing_since=self.failing_since or at,
                failures=self.failures + 1,
                recent=(self.recent + FAILING)[-FLAP_WINDOW:],
            )
        return self

    @property
    def last_verdict_good(self) -> bool | None:
        """The newest verdict: True good, False failing, None when there is none."""
        return (self.recent[-1] == GOOD) if self.recent else None

    @property
    def recent_good(self) -> tuple[bool, ...]:
        return tuple(mark == GOOD for mark in self.recent)
