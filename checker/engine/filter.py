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
    """``--min-level``: leaves out the findings below a level."""

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
        for dropped_by in filters:  # the first that leaves it out says why
            if not dropped_by.keep(finding):
                hidden[dropped_by.reason] += 1
                break
        else:
            kept.append(finding)
    return kept, dict(hidden)
