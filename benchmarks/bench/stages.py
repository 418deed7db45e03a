"""checker's own account of where a run's time went (``--timings``, on its stderr), read back
so that the table can say, beside each workload, which stage a ratio comes from."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from pathlib import Path

HEADING = "checker: timings (wall clock, seconds):"
_STAGE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+)$")
_RULE = re.compile(r"^    (\S+)\s+(\d+\.\d+)\s+\S+$")


def read(stderr: Path) -> tuple[dict[str, float], dict[str, float]]:
    """The stages (``total`` last) and the rules of the table in ``stderr``; empty without one."""
    try:
        lines = stderr.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}, {}
    if HEADING not in lines:
        return {}, {}
    stages: dict[str, float] = {}
    rules: dict[str, float] = {}
    for line in lines[lines.index(HEADING) + 1 :]:
        if found := _RULE.match(line):
            rules[found[1]] = float(found[2])
        elif found := _STAGE.match(line):
            stages[found[1]] = float(found[2])
        elif not line.startswith("  "):
            break
    return stages, rules


def medians(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Each name's median over the runs that have it, in the order first seen."""
    names = list(dict.fromkeys(name for run in runs for name in run))
    return {name: statistics.median(run[name] for run in runs if name in run) for name in names}


def summary(stages: dict[str, float], rules: dict[str, float], top: int = 3) -> str:
    """One line: the stages with their share of the total, then the slowest rules."""
    total = stages.get("total")
    if not total:
        return ""
    parts = [
        f"{name} {seconds:.2f} s ({seconds / total:.0%})"
        for name, seconds in stages.items()
        if name != "total" and seconds / total >= 0.02
    ]
    text = "; ".join(parts) + f"; total {total:.2f} s"
    slowest = sorted(rules.items(), key=lambda item: (-item[1], item[0]))[:top]
    if slowest:
        text += "; slowest rules: " + ", ".join(f"{rule} {seconds:.2f} s" for rule, seconds in slowest)
    return text
