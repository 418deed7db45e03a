"""The result of one run: what every output format is made from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from checker.errors import CheckerError
from checker.model.finding import Finding, Severity
from checker.model.links import LinkResult


@dataclass(frozen=True)
class RuleInfo:
    """What a formatter may say about a rule: SARIF metadata, ``checker rules``, report legends."""

    id: str
    kind: str
    level: Severity | None  # None: the rule is off in this run's profile
    default_level: Severity  # as its rule file gives it
    description: str
    fix: str | None
    source: str  # the rule file


@dataclass(frozen=True)
class LinkSummary:
    """What the crawler did, for the summary line (None in a report when links were not checked)."""

    urls: int
    requests: int
    elapsed: float
    network_down: bool
    unchecked: int = 0  # URLs not checked (the network was down for them)
    cached: int = 0  # URLs whose stored result stood in for a fetch


@dataclass(frozen=True)
class RuleFailure:
    """A check that raised: reported as an internal error of that rule; other rules still ran."""

    rule: str
    path: str | None  # the page it failed on, when it ran page by page
    error: str  # "ValueError: ..."


@dataclass(frozen=True)
class Report:
    """What a run found: the findings, the pages checked, what went wrong."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # pages checked (display paths)
    errors: tuple[CheckerError, ...] = ()  # pages that could not be read
    links: LinkSummary | None = None
    notes: tuple[str, ...] = field(default=())  # plain-English remarks for the user (e.g. network down)
    rules: tuple[RuleInfo, ...] = ()  # every loaded rule, with its level in this run
    link_results: Mapping[str, LinkResult] = field(default_factory=dict)  # by fetch key
    failures: tuple[RuleFailure, ...] = ()
    hidden: Mapping[str, int] = field(default_factory=dict)  # findings left out, by the reason why
    root: str = ""  # what fingerprint paths are relative to
    started: datetime | None = None
    finished: datetime | None = None
    fail_on: Severity = Severity.ERROR  # the lowest level that fails the run (--fail-on)

    def counts(self) -> Counter[Severity]:
        return Counter(finding.severity for finding in self.findings)

    @property
    def failing(self) -> tuple[Finding, ...]:
        """The findings that fail the run: at ``fail_on`` or above, and not exempt."""
        return tuple(
            finding
            for finding in self.findings
            if finding.severity >= self.fail_on and finding.exempt is None
        )

    @property
    def worst(self) -> Severity | None:
        return max((finding.severity for finding in self.findings), default=None)
