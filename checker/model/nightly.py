"""The nightly link-rot report: what the store's history says about the latest run.

The engine builds a ``NightlyReport`` from the link store; the report writers
(``checker/output/nightly/``) turn it into ``index.html``, ``report.json`` and
``summary.md``. Everything a writer shows is here, already decided: which links broke
tonight, which are still broken and since when, which came back, which flap, the
content findings (new since the previous run or not), and the trend across runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from checker.model.finding import Finding, Severity
from checker.model.links import ErrorKind, LinkStatus


@dataclass(frozen=True)
class Place:
    """Where a link occurs: page, position, the department whose statement holds it, its text."""

    path: str
    line: int
    column: int
    department: str | None
    text: str


@dataclass(frozen=True)
class LinkEntry:
    """One URL as tonight's run and the history see it."""

    url: str
    status: LinkStatus
    status_code: int | None
    error_kind: ErrorKind | None
    detail: str  # plain English, from the crawler
    final_url: str
    checked_at: datetime | None
    first_seen: datetime
    last_good: datetime | None  # None: never seen working
    failing_since: datetime | None  # start of the current run of failures; None when good
    consecutive_failures: int  # checked runs in a row that failed, this one included
    flapping: bool  # alternated between good and failing lately
    places: tuple[Place, ...]
    rule: str | None = None  # the link rule that flags it tonight (link-dead ...), if any
    severity: Severity | None = None
    fix: str | None = None  # the suggested fix, from that rule

    def days_failing(self, now: datetime) -> float | None:
        """How long it has been failing, in days (None when it is not failing)."""
        if self.failing_since is None:
            return None
        return max(0.0, (now - self.failing_since).total_seconds() / 86400)


@dataclass(frozen=True)
class ContentEntry:
    """A content finding of tonight's run (placeholders, structure, crests ...)."""

    finding: Finding
    new: bool  # its fingerprint was not in the previous complete run


@dataclass(frozen=True)
class RunFacts:
    id: int
    started: datetime
    finished: datetime | None
    complete: bool  # False: interrupted (Ctrl-C, SIGTERM, a crash); what was checked is kept
    pages: int
    urls: int  # distinct URLs checked in this run
    failing: int  # of which failing


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    started: datetime
    failing: int  # URLs failing in that run
    checked: int  # URLs checked in that run


@dataclass(frozen=True)
class NightlyReport:
    generated: datetime
    run: RunFacts
    previous: RunFacts | None  # the run before, if any
    newly_broken: tuple[LinkEntry, ...]  # failing tonight, good (or unseen) before
    still_broken: tuple[LinkEntry, ...]  # failing tonight and in the run before
    recovered: tuple[LinkEntry, ...]  # failing in the run before, good tonight
    flapping: tuple[LinkEntry, ...]  # alternating lately (also listed in the groups above)
    unchecked: int  # URLs not checked tonight (network down, or the run was interrupted)
    content: tuple[ContentEntry, ...]  # tonight's content findings
    trend: tuple[TrendPoint, ...]  # oldest first, tonight last
