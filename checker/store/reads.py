"""What the SQLite store answers: functions of a connection, no state and no clock.

``SqliteStore`` calls these under its lock; each takes the connection (rows by name) and the
run or keys asked about.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from checker.model.links import LinkResult, LinkStatus
from checker.store import queries as q
from checker.store.base import (
    LinkChanges,
    Occurrence,
    RunCounts,
    RunInfo,
    RunOutcome,
    StoredFinding,
    TrendPoint,
    UrlHistory,
)
from checker.store.codec import (
    finding_from,
    link_status,
    optional_time,
    options_from,
    parse_time,
    result_from,
)
from checker.store.history import Fold


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), q.CHUNK):
        yield items[start : start + q.CHUNK]


def fold_from(row: sqlite3.Row) -> Fold:
    """The summary of pruned checks kept on a ``urls`` row."""
    return Fold(
        optional_time(row["pruned_last_good"]),
        optional_time(row["pruned_failing_since"]),
        row["pruned_failures"],
        row["pruned_recent"],
    )


# the cache


def cached(
    conn: sqlite3.Connection,
    keys: Sequence[str],
    now: datetime,
    max_age: timedelta,
    failure_max_age: timedelta,
) -> dict[str, LinkResult]:
    hits: dict[str, LinkResult] = {}
    for chunk in _chunks(keys):
        for row in conn.execute(q.NEWEST_VERDICTS.format(marks=q.marks(len(chunk))), chunk):
            result = result_from(row)
            assert result.checked_at is not None  # the query asks for it
            age = now - result.checked_at
            limit = max_age if result.status is LinkStatus.OK else failure_max_age
            if timedelta(0) <= age < limit:
                hits[row["key"]] = result
    return hits


# runs


def _counts(conn: sqlite3.Connection, run_ids: Sequence[int]) -> dict[int, RunCounts]:
    marks = q.marks(len(run_ids))
    statuses: dict[int, dict[LinkStatus, int]] = {run_id: {} for run_id in run_ids}
    for row in conn.execute(q.CHECK_COUNTS.format(marks=marks), run_ids):
        statuses[row["run_id"]][link_status(row["status"])] = row["n"]
    unrecorded = dict(conn.execute(q.UNRECORDED_COUNTS.format(marks=marks), run_ids).fetchall())
    findings = dict(conn.execute(q.FINDING_COUNTS.format(marks=marks), run_ids).fetchall())
    counts = {}
    for run_id, by_status in statuses.items():
        ok = by_status.get(LinkStatus.OK, 0)
        failing = sum(n for status, n in by_status.items() if status.failing)
        missing = unrecorded.get(run_id, 0)
        counts[run_id] = RunCounts(
            urls=sum(by_status.values()) + missing,
            checked=ok + failing,
            ok=ok,
            failing=failing,
            skipped=by_status.get(LinkStatus.SKIPPED, 0),
            unchecked=by_status.get(LinkStatus.UNCHECKED, 0) + missing,
            findings=findings.get(run_id, 0),
        )
    return counts


def _run_infos(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> tuple[RunInfo, ...]:
    counts = _counts(conn, [row["id"] for row in rows]) if rows else {}
    return tuple(
        RunInfo(
            id=row["id"],
            started=parse_time(row["started"]),
            finished=optional_time(row["finished"]),
            outcome=RunOutcome(row["outcome"]),
            options=options_from(row["options"]),
            pages=row["pages"],
            counts=counts[row["id"]],
            pid=row["pid"],
            host=row["host"],
        )
        for row in rows
    )


def runs(conn: sqlite3.Connection, limit: int | None) -> tuple[RunInfo, ...]:
    return _run_infos(conn, conn.execute(q.RUNS, (-1 if limit is None else limit,)).fetchall())


def run(conn: sqlite3.Connection, run_id: int) -> RunInfo | None:
    found = _run_infos(conn, conn.execute(q.RUN, (run_id,)).fetchall())
    return found[0] if found else None


def trend(conn: sqlite3.Connection, limit: int | None) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(info.id, info.started, info.outcome, info.counts.failing, info.counts.checked)
        for info in reversed(runs(conn, limit))
    )


# history


def _history(key: str, first_seen: str, fold: Fold, row: sqlite3.Row | None) -> UrlHistory:
    return UrlHistory(
        key=key,
        first_seen=parse_time(first_seen),
        result=result_from(row) if row is not None else None,
        from_cache=bool(row["from_cache"]) if row is not None else False,
        last_good=fold.last_good,
        failing_since=fold.failing_since,
        consecutive_failures=fold.failures,
        recent=fold.recent_good,
    )


def _folds(
    conn: sqlite3.Connection, sql: str, params: Mapping[str, object], run_id: int
) -> dict[str, tuple[str, Fold, Fold]]:
    """By key: first seen, the fold before run ``run_id``, and the fold up to and with it."""
    out: dict[str, tuple[str, Fold, Fold]] = {}
    for row in conn.execute(sql, params):
        key = row["key"]
        if key not in out:
            start = fold_from(row)
            out[key] = (row["first_seen"], start, start)
        if row["run_id"] is None:
            continue
        first_seen, before, after = out[key]
        status, at = link_status(row["status"]), parse_time(row["at"])
        if row["run_id"] < run_id:
            before = before.add(status, at)
        out[key] = (first_seen, before, after.add(status, at))
    return out


def history(conn: sqlite3.Connection, key: str, as_of: int | None) -> UrlHistory | None:
    if as_of is None:
        as_of = conn.execute(q.NEWEST_RUN).fetchone()[0]
        if as_of is None:
            return None
    folds = _folds(conn, q.URL_HISTORY, {"run": as_of, "key": key}, as_of)
    if key not in folds:
        return None
    first_seen, _, fold = folds[key]
    return _history(key, first_seen, fold, conn.execute(q.RUN_RESULT, (as_of, key)).fetchone())


def _histories(conn: sqlite3.Connection, run_id: int) -> tuple[dict[str, UrlHistory], dict[str, Fold]]:
    """Every URL of the run as of it, and each one's fold before it."""
    folds = _folds(conn, q.RUN_HISTORY, {"run": run_id}, run_id)
    rows = {row["key"]: row for row in conn.execute(q.RUN_RESULTS, (run_id,))}
    histories = {
        key: _history(key, first_seen, after, rows.get(key))
        for key, (first_seen, _, after) in sorted(folds.items())
    }
    return histories, {key: before for key, (_, before, _) in folds.items()}


def histories(conn: sqlite3.Connection, run_id: int) -> dict[str, UrlHistory]:
    return _histories(conn, run_id)[0]


def changes(conn: sqlite3.Connection, run_id: int, location: str) -> LinkChanges:
    info = run(conn, run_id)
    if info is None:
        raise ValueError(f"no run {run_id} in {location}")
    now, before = _histories(conn, run_id)
    broken: list[UrlHistory] = []
    still: list[UrlHistory] = []
    recovered: list[UrlHistory] = []
    flapping: list[UrlHistory] = []
    for key, item in now.items():
        if item.result is None:
            continue
        was_good = before[key].last_verdict_good
        if item.result.status.failing:
            (still if was_good is False else broken).append(item)
        elif item.result.status is LinkStatus.OK and was_good is False:
            recovered.append(item)
        if item.flapping:
            flapping.append(item)
    return LinkChanges(info, tuple(broken), tuple(still), tuple(recovered), tuple(flapping))


# occurrences and findings


def occurrences(conn: sqlite3.Connection, run_id: int, key: str | None) -> tuple[Occurrence, ...]:
    if key is None:
        rows = conn.execute(q.RUN_OCCURRENCES, (run_id,)).fetchall()
    else:
        rows = conn.execute(q.URL_OCCURRENCES, (run_id, key)).fetchall()
    return tuple(
        Occurrence(row["key"], row["page"], row["line"], row["col"], row["department"], row["text"])
        for row in rows
    )


def findings(conn: sqlite3.Connection, run_id: int) -> tuple[StoredFinding, ...]:
    previous = conn.execute(q.PREVIOUS_COMPLETE_RUN, (run_id,)).fetchone()[0]
    rows = conn.execute(q.FINDINGS, {"run": run_id, "previous": previous}).fetchall()
    stored = [StoredFinding(finding_from(row), bool(row["new"])) for row in rows]
    return tuple(sorted(stored, key=lambda item: item.finding.sort_key()))
