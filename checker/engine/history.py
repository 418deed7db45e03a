"""Stage *history*: the link store beside the crawler, for one run.

Before the crawl, results younger than the cache's limits stand in for fetches (and
are recorded in this run as copies); during it, every result is recorded as the
crawler delivers it, so an interrupted run keeps what it checked; after it, the
store says how many runs in a row each URL has failed (for escalation), and the
run's occurrences and findings are recorded by page key and fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from checker.engine.api import LinkSite
from checker.model.finding import Finding
from checker.model.links import LinkResult, fetch_key

if TYPE_CHECKING:  # the store (sqlite3) is imported by whoever opens one, not by an offline run
    from checker.store import RunInfo, Store


@dataclass(frozen=True)
class CachePolicy:
    """How old a stored result may be to stand in for a fetch: working links, failing links."""

    max_age: timedelta = timedelta(hours=1)
    failure_max_age: timedelta = timedelta(minutes=5)


class RunHistory:
    """One run's use of the store: begun once, recorded into as results arrive, finished once."""

    def __init__(self, store: Store, cache: CachePolicy | None, options: Mapping[str, object]) -> None:
        self.store = store
        self.cache = cache  # None: fetch every link
        self.options = dict(options)
        self.run: RunInfo | None = None
        self.from_cache = 0

    @property
    def run_id(self) -> int:
        if self.run is None:
            raise RuntimeError("the run has not begun")
        return self.run.id

    def begin(self, now: datetime, pages: int) -> None:
        self.run = self.store.begin_run(now, self.options, pages=pages)

    def cached(self, keys: Iterable[str], now: datetime) -> dict[str, LinkResult]:
        """Stored results that stand in for fetches now, recorded into this run as copies."""
        if self.cache is None:
            return {}
        hits = self.store.cached(
            keys, now, max_age=self.cache.max_age, failure_max_age=self.cache.failure_max_age
        )
        for key, result in hits.items():
            self.store.record_result(self.run_id, key, result, from_cache=True)
        self.from_cache += len(hits)  # asked once per batch of new keys, as pages are parsed
        return hits

    def record(self, result: LinkResult) -> None:
        """One result as the crawler delivers it (``result.url`` is its fetch key), committed now."""
        self.store.record_result(self.run_id, result.url, result)

    def record_occurrences(self, sites: Iterable[LinkSite], page_keys: Mapping[str, str]) -> None:
        from checker.store import Occurrence  # noqa: PLC0415

        self.store.record_occurrences(
            self.run_id,
            (
                Occurrence(
                    key=fetch_key(site.target),
                    page=page_keys.get(site.page.path, site.page.path),
                    line=site.link.line,
                    column=site.link.column,
                    department=site.department,
                    text=site.link.text,
                )
                for site in sites
                if site.target is not None
            ),
        )

    def failing_runs(self) -> dict[str, int]:
        """For each URL of this run, how many checked runs in a row it has failed, this one included."""
        return {
            key: history.consecutive_failures
            for key, history in self.store.histories(self.run_id).items()
            if history.consecutive_failures
        }

    def record_findings(self, findings: Sequence[Finding], page_keys: Mapping[str, str]) -> None:
        """The run's findings, each under its page key (the same on every machine)."""
        self.store.record_findings(
            self.run_id,
            (replace(finding, path=page_keys.get(finding.path, finding.path)) for finding in findings),
        )

    def finish(self, now: datetime, pages: int, *, complete: bool = True) -> None:
        from checker.store import RunOutcome  # noqa: PLC0415

        outcome = RunOutcome.COMPLETE if complete else RunOutcome.INTERRUPTED
        self.run = self.store.finish_run(self.run_id, now, outcome=outcome, pages=pages)
