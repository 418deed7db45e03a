"""What the link store does, independent of where it keeps things.

A *run* is one invocation of checker that records into the store: it begins
(:meth:`Store.begin_run`), records what it finds as it finds it (link results,
where each URL occurs, findings) and ends (:meth:`Store.finish_run`). A run that
never ends (Ctrl-C, SIGTERM, a crash) is closed as *interrupted* by the next run;
what it recorded is kept. The store answers the questions a nightly report asks
(what broke, what is still broken and since when, what came back, what flaps, which
findings are new) and serves recent results as a cache.

Words used throughout:

- a URL is identified by its *key*, :func:`checker.model.links.fetch_key`;
- a *verdict* is a check whose status is OK (*good*) or ``status.failing`` (*failing*);
  ``skipped`` and ``unchecked`` results are no verdict: they neither break a run of
  failures nor count as one;
- a result recorded ``from_cache=True`` is a copy of an earlier check: it is part of its
  run (the run's lists and counts see it) but not a new observation, so the history
  counts the original check once;
- the history of a URL is read *as of* a run: from its checks in that run and before.

Times are timezone-aware ``datetime`` values, always passed in by the caller (``now``)
or taken from the results; the store never reads the clock to decide anything.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

from checker.errors import CheckerError
from checker.model.finding import Finding
from checker.model.links import LinkResult

__all__ = [
    "FLAP_CHANGES",
    "FLAP_WINDOW",
    "LinkChanges",
    "Occurrence",
    "RunCounts",
    "RunInfo",
    "RunOutcome",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoredFinding",
    "TrendPoint",
    "UrlHistory",
]

#: a URL flaps when its last FLAP_WINDOW verdicts change between good and failing at least
#: FLAP_CHANGES times: good, failing, good, failing (it broke again after coming back) is three.
#: Not two: then every link that broke once and was fixed (good, failing, good) would be listed
#: as flapping for the next nights.
FLAP_WINDOW = 5
FLAP_CHANGES = 3


class StoreError(CheckerError):
    """The link store cannot be used: not a store, written by a newer checker, damaged.

    ``path`` is the database; the message says what to do.
    """


class StoreBusy(StoreError):
    """Another checker run holds the store, and did not let go within the wait."""


class RunOutcome(enum.StrEnum):
    RUNNING = "running"  # begun, not finished (or its process died and no run has begun since)
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM, a crash: what was recorded is kept


@dataclass(frozen=True)
class RunCounts:
    """What a run recorded, counted from the records themselves (so interrupted runs count right)."""

    urls: int  # distinct URLs the run checked or found on its pages
    checked: int  # URLs with a verdict (good or failing) in this run
    ok: int
    failing: int
    skipped: int  # not fetched (not http(s))
    unchecked: int  # found on a page, or recorded as unchecked, but no verdict in this run
    findings: int


@dataclass(frozen=True)
class RunInfo:
    id: int  # increases with every run
    started: datetime
    finished: datetime | None  # for an interrupted run: its last recorded check (or its start)
    outcome: RunOutcome
    options: Mapping[str, Any] = field(hash=False)  # as given to begin_run, through JSON
    pages: int  # pages checked, as the engine said
    counts: RunCounts
    pid: int | None  # the process that ran it
    host: str | None

    @property
    def complete(self) -> bool:
        return self.outcome is RunOutcome.COMPLETE


@dataclass(frozen=True)
class Occurrence:
    """Where a URL occurs in a run: the page key (relative to the root, as in fingerprints), the
    1-based line and column of the link, the department whose statement holds it, the link text."""

    key: str  # fetch_key of the URL
    page: str
    line: int
    column: int
    department: str | None
    text: str


@dataclass(frozen=True)
class UrlHistory:
    """One URL as of one run, over that run and the runs before it that are still kept.

    ``result`` is what that run recorded (None when it did not record the URL). Times come
    from the checks (``checked_at``, else the run's start); ``first_seen`` is the start of the
    first run that recorded the URL. A pruned run's checks still count (see ``Store.prune``).
    """

    key: str
    first_seen: datetime
    result: LinkResult | None
    from_cache: bool  # result is a copy of an earlier check
    last_good: datetime | None  # the last good check; None: never seen working
    failing_since: datetime | None  # first check of the current run of failures; None when not failing
    consecutive_failures: int  # failing checks in a row, up to this run (neutral results skipped)
    recent: tuple[bool, ...]  # the last FLAP_WINDOW verdicts, oldest first, True = good

    @property
    def flapping(self) -> bool:
        """At least FLAP_CHANGES changes between good and failing among the last FLAP_WINDOW verdicts."""
        changes = sum(
            1 for before, after in zip(self.recent, self.recent[1:], strict=False) if before != after
        )
        return changes >= FLAP_CHANGES

    @property
    def failing(self) -> bool:
        """This run's result is a verdict against the link."""
        return self.result is not None and self.result.status.failing


@dataclass(frozen=True)
class LinkChanges:
    """How a run's verdicts compare with each URL's previous verdict (in any earlier run); sorted by key.

    A URL with no verdict in the run (skipped, unchecked, not recorded) is in no group.
    """

    run: RunInfo
    broken: tuple[UrlHistory, ...]  # failing now; good before, or no verdict before
    still_broken: tuple[UrlHistory, ...]  # failing now and at its previous verdict
    recovered: tuple[UrlHistory, ...]  # good now, failing at its previous verdict
    flapping: tuple[UrlHistory, ...]  # recorded in this run and flapping (also in a group above)


@dataclass(frozen=True)
class StoredFinding:
    """A finding as a run recorded it. ``finding`` has everything but ``link``; ``new``: its fingerprint
    was not in the previous complete run (True for every finding when there is no such run)."""

    finding: Finding
    new: bool


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    started: datetime
    outcome: RunOutcome
    failing: int  # URLs failing in that run
    checked: int  # URLs with a verdict in that run


class Store(Protocol):
    """The link store: runs, link results, occurrences and findings, their history, a cache.

    Every method may raise :class:`StoreError` (:class:`StoreBusy` for a store held by another
    run). Methods that record take the ``run_id`` of a run this store object began and has not
    finished; anything else is a programming error (``RuntimeError``). Each ``record_*`` call is
    committed before it returns, so a run killed at any point keeps everything recorded before.
    """

    @property
    def location(self) -> str:
        """Where the store is (a file path), for messages."""
        ...

    # recording

    def begin_run(
        self, now: datetime, options: Mapping[str, object] | None = None, *, pages: int = 0
    ) -> RunInfo:
        """Start a run at ``now`` and hold the store for it until ``finish_run`` or ``close``.

        Runs that were never finished are closed as interrupted first. Waits for a run of
        another process to end, up to the store's wait, then raises :class:`StoreBusy`.
        ``options`` (JSON-able; other values are stored as ``str``) say how the run was made.
        """
        ...

    def record_result(self, run_id: int, key: str, result: LinkResult, *, from_cache: bool = False) -> None:
        """The result for URL ``key`` in this run (recording a key again replaces it)."""
        ...

    def record_occurrences(self, run_id: int, occurrences: Iterable[Occurrence]) -> None:
        """Where URLs occur in this run (added to what is already recorded)."""
        ...

    def record_findings(self, run_id: int, findings: Iterable[Finding]) -> None:
        """Findings of this run, by fingerprint (a fingerprint recorded again replaces it)."""
        ...

    def finish_run(
        self,
        run_id: int,
        now: datetime,
        *,
        outcome: RunOutcome = RunOutcome.COMPLETE,
        pages: int | None = None,
    ) -> RunInfo:
        """End the run at ``now`` (complete, or interrupted when the caller caught the interruption)
        and let go of the store."""
        ...

    # the cache

    def cached(
        self, keys: Iterable[str], now: datetime, *, max_age: timedelta, failure_max_age: timedelta
    ) -> dict[str, LinkResult]:
        """The results that may stand in for a fetch at ``now``, by key.

        For each key, its newest verdict with a ``checked_at``: served when younger than
        ``max_age`` if good, than ``failure_max_age`` if failing. Skipped and unchecked
        results are never served, and an older good result never hides a newer failure.
        """
        ...

    # reading

    def runs(self, limit: int | None = None) -> tuple[RunInfo, ...]:
        """The last ``limit`` runs (all when None), newest first."""
        ...

    def run(self, run_id: int) -> RunInfo | None: ...

    def history(self, key: str, *, as_of: int | None = None) -> UrlHistory | None:
        """URL ``key`` as of run ``as_of`` (default: the newest run); None when never recorded by then."""
        ...

    def histories(self, run_id: int) -> dict[str, UrlHistory]:
        """Every URL the run checked or found on its pages, as of that run, by key."""
        ...

    def changes(self, run_id: int) -> LinkChanges:
        """What broke, stayed broken, recovered and flaps in this run."""
        ...

    def occurrences(self, run_id: int, key: str | None = None) -> tuple[Occurrence, ...]:
        """Where URLs (or URL ``key``) occur in the run, by key, page, line and column."""
        ...

    def findings(self, run_id: int) -> tuple[StoredFinding, ...]:
        """The run's findings in ``Finding.sort_key`` order, each marked new or not."""
        ...

    def trend(self, limit: int | None = None) -> tuple[TrendPoint, ...]:
        """Failing and checked URLs per run for the last ``limit`` runs, oldest first."""
        ...

    # upkeep

    def prune(self, *, keep_runs: int | None = None, before: datetime | None = None) -> int:
        """Delete the oldest finished runs: all but the newest ``keep_runs``, and those started
        before ``before``. Returns how many went. Per-URL history (first seen, last good, failing
        since, consecutive failures, flapping) stays as it was; URLs no kept run mentions go."""
        ...

    def close(self) -> None:
        """Let go of the store; a run begun here and not finished is closed as interrupted."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...
