"""Stage *filter*: which findings the run reports, after every check has run.

A filter says whether to keep a finding and, for the summary, why it left one out.
The minimum level is the first; changed lines, waivers and a baseline plug in the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from checker.model.finding import Finding, Severity


class FindingFilter(Protocol):
    @property
    def reason(self) -> str:
        """Why a finding left out by this filter is not shown, e.g. "below --min-level warning"."""
        ...

    def keep(self, finding: Finding) -> bool: ...


@dataclass(frozen=True)
class MinLevel:
    level: Severity

    @property
    def reason(self) -> str:
        return f"below --min-level {self.level.label}"

    def keep(self, finding: Finding) -> bool:
        return finding.severity >= self.level


def apply_filters(
    findings: Sequence[Finding], filters: Sequence[FindingFilter]
) -> tuple[list[Finding], dict[str, int]]:
    """The findings every filter keeps, and how many each filter left out (by its reason)."""
    kept: list[Finding] = []
    hidden: Counter[str] = Counter()
    for finding in findings:
        dropped_by = next((f for f in filters if not f.keep(finding)), None)
        if dropped_by is None:
            kept.append(finding)
        else:
            hidden[dropped_by.reason] += 1
    return kept, dict(hidden)
