"""The nightly report, made from the link store: what tonight's run says against the history.

``build_report(store, now)`` reads the newest run (or a given one) and decides every
figure the writers show: which links broke, are still broken (and since when), came
back or flap, where each one sits (page, line, department), which link rule flags it and
its fix, tonight's content findings (new since the last complete run or not), and the
trend across the kept runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from checker.errors import CheckerError
from checker.model.finding import Finding
from checker.model.links import fetch_key
from checker.model.nightly import ContentEntry, LinkEntry, NightlyReport, Place, RunFacts, TrendPoint
from checker.store import Occurrence, RunInfo, Store, UrlHistory
from checker.urls import web_target

#: how many runs the trend chart shows at most
TREND_RUNS = 120


def _facts(info: RunInfo) -> RunFacts:
    counts = info.counts
    return RunFacts(
        id=info.id,
        started=info.started,
        finished=info.finished,
        complete=info.complete,
        pages=info.pages,
        urls=counts.checked,
        failing=counts.failing,
    )


def _link_findings(findings: Sequence[Finding], base_url: str | None) -> dict[str, Finding]:
    """Tonight's link-verdict findings by fetch key (the worst one when several rules speak)."""
    by_key: dict[str, Finding] = {}
    for finding in findings:
        if finding.url is None or not finding.fields.get("status"):
            continue  # only the rules that read the crawler's verdict carry a status
        target = web_target(finding.url, base_url)
        if target is None:
            continue
        key = fetch_key(target)
        if key not in by_key or finding.severity > by_key[key].severity:
            by_key[key] = finding
    return by_key


def _entry(history: UrlHistory, places: Sequence[Occurrence], flagged: Mapping[str, Finding]) -> LinkEntry:
    result = history.result
    assert result is not None  # the store's change groups hold URLs with a result in the run
    finding = flagged.get(history.key)
    return LinkEntry(
        url=history.key,
        status=result.status,
        status_code=result.status_code,
        error_kind=result.error_kind,
        detail=result.detail,
        final_url=result.final_url,
        checked_at=result.checked_at,
        first_seen=history.first_seen,
        last_good=history.last_good,
        failing_since=history.failing_since,
        consecutive_failures=history.consecutive_failures,
        flapping=history.flapping,
        places=tuple(
            Place(place.page, place.line, place.column, place.department, place.text) for place in places
        ),
        rule=finding.rule if finding else None,
        severity=finding.severity if finding else None,
        fix=finding.fix if finding else None,
    )


def build_report(store: Store, now: datetime, run_id: int | None = None) -> NightlyReport:
    runs = store.runs()
    if not runs:
        raise CheckerError(store.location, "holds no run yet; run `checker nightly PATH...` first")
    chosen = runs[0] if run_id is None else store.run(run_id)
    if chosen is None:
        raise CheckerError(store.location, f"has no run {run_id} (runs: {runs[-1].id} to {runs[0].id})")
    previous = next((info for info in runs if info.id < chosen.id), None)
    changes = store.changes(chosen.id)
    places: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in store.occurrences(chosen.id):
        places[occurrence.key].append(occurrence)
    stored = store.findings(chosen.id)
    base_url = chosen.options.get("base_url")
    flagged = _link_findings(
        [item.finding for item in stored], base_url if isinstance(base_url, str) else None
    )

    def entries(group: Sequence[UrlHistory]) -> tuple[LinkEntry, ...]:
        made = [_entry(history, places.get(history.key, ()), flagged) for history in group]
        return tuple(sorted(made, key=lambda entry: (entry.failing_since or now, entry.url)))

    link_rules = {finding.rule for finding in flagged.values()}
    content = tuple(
        ContentEntry(item.finding, item.new)
        for item in stored
        if item.finding.rule not in link_rules and not item.finding.fields.get("status")
    )
    trend = tuple(
        TrendPoint(point.run_id, point.started, point.failing, point.checked)
        for point in store.trend(TREND_RUNS)
        if point.run_id <= chosen.id
    )
    return NightlyReport(
        generated=now,
        run=_facts(chosen),
        previous=_facts(previous) if previous else None,
        newly_broken=entries(changes.broken),
        still_broken=entries(changes.still_broken),
        recovered=tuple(sorted(entries(changes.recovered), key=lambda entry: entry.url)),
        flapping=entries(changes.flapping),
        unchecked=chosen.counts.unchecked,
        content=content,
        trend=trend,
    )
