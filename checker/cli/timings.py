"""``--timings``: where the time of a ``checker check`` or ``checker nightly`` went, printed on
stderr once the outputs are written (standard output stays the report's alone).

The stages are the engine's (``checker.engine.timing``), framed by what comes before the run
(Python's start and the imports, reading the arguments, loading the rule files) and after it
(writing the outputs). They follow one another, so they add up to the run's wall time.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TextIO

from checker.config.settings import Settings
from checker.engine.timing import Timings

#: how many of the slowest rules are named
SLOWEST = 10

_entered: float | None = None  # time.perf_counter() when the command line was first read


def entered() -> None:
    """Note the moment ``main`` starts: what came before it is Python's start and the imports."""
    global _entered  # noqa: PLW0603 (once per process, by main)
    _entered = time.perf_counter()


def _process_age() -> float | None:
    """Seconds since this process started, to the kernel's clock tick (Linux); None elsewhere."""
    try:
        # the fields after the command name (which may hold spaces and parentheses)
        fields = Path("/proc/self/stat").read_text(encoding="ascii").rpartition(")")[2].split()
        up = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
        return max(0.0, up - int(fields[19]) / os.sysconf("SC_CLK_TCK"))  # field 22: start time
    except (OSError, ValueError, IndexError):
        return None


def begin(settings: Settings) -> Timings | None:
    """A ``Timings`` for the run when ``--timings`` is given, with what came before the run."""
    if not settings.timings:
        return None
    timings = Timings()
    now = timings.clock()
    if _entered is not None:
        age = _process_age()
        if age is not None:
            timings.add("start-up (Python and imports)", max(0.0, age - (now - _entered)))
        timings.add("arguments and settings", now - _entered)
    return timings


def show(timings: Timings, stream: TextIO) -> None:
    """The stages in order with their total, then the rules that took longest (those that took a
    millisecond or so at least)."""
    stages = timings.stages
    width = max((len(name) for name in stages), default=0) + 2
    lines = ["checker: timings (wall clock, seconds):"]
    lines += [f"  {name:<{width}}{seconds:8.3f}" for name, seconds in stages.items()]
    lines.append(f"  {'total':<{width}}{sum(stages.values()):8.3f}")
    in_rules = sum(timings.rules.values())
    # a rule that took under half a millisecond would show as 0.000: it is not among the slow ones
    slowest = [(rule, seconds) for rule, seconds in timings.slowest_rules(SLOWEST) if seconds >= 0.0005]
    if slowest:
        lines.append(f"  the rules that took longest, of {in_rules:.3f} s in rules:")
        name_width = max(len(rule) for rule, _ in slowest) + 2
        for rule, seconds in slowest:
            lines.append(f"    {rule:<{name_width}}{seconds:8.3f}  {seconds / in_rules:5.0%}")
    stream.write("\n".join(lines) + "\n")
    stream.flush()
