"""The result of one run: what every output format is made from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from checker.errors import CheckerError
from checker.finding import Finding, Severity


@dataclass(frozen=True)
class LinkSummary:
    """What the crawler did, for the summary line (None in a report when links were not checked)."""

    urls: int
    requests: int
    elapsed: float
    network_down: bool


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # pages checked
    errors: tuple[CheckerError, ...] = ()  # pages that could not be read
    links: LinkSummary | None = None
    notes: tuple[str, ...] = field(default=())  # plain-English remarks for the user (e.g. network down)

    def counts(self) -> Counter[Severity]:
        return Counter(finding.severity for finding in self.findings)

    @property
    def worst(self) -> Severity | None:
        return max((finding.severity for finding in self.findings), default=None)
