"""Where a run's time goes (``--timings``): wall seconds by stage, and by rule.

A run given a ``Timings`` records each stage it goes through, in order, and the evaluation
adds the time of every call of every rule (a page rule once per page, a block or link rule once
per page for all its blocks or links, a publication rule once), so that a slow rule, such as a
hand-written pattern that backtracks, shows by name. Without one, nothing is measured: the
stages are entered through ``stage(None, ...)``, which costs nothing.

The figures are wall-clock seconds of this process: stages that overlap (pages parsed while
their links are checked) are one stage, named so.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator


class Timings:
    """Wall seconds by stage, in the order the stages were first entered, and by rule id."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.stages: dict[str, float] = {}
        self.rules: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds

    def add_rule(self, rule: str, seconds: float) -> None:
        self.rules[rule] = self.rules.get(rule, 0.0) + seconds

    def slowest_rules(self, count: int) -> list[tuple[str, float]]:
        """The ``count`` rules that took longest, longest first (ties by id)."""
        return sorted(self.rules.items(), key=lambda item: (-item[1], item[0]))[:count]


@contextlib.contextmanager
def _timed(timings: Timings, name: str) -> Iterator[None]:
    started = timings.clock()
    try:
        yield
    finally:
        timings.add(name, timings.clock() - started)


def stage(timings: Timings | None, name: str) -> contextlib.AbstractContextManager[None]:
    """A context that adds its wall time to ``timings`` under ``name`` (nothing without timings)."""
    return contextlib.nullcontext() if timings is None else _timed(timings, name)
