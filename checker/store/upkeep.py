"""Pruning old runs without changing any URL's history.

The history of a URL is a fold over its checks, oldest first (``checker.store.history``).
Before the oldest runs go, their checks are folded into the summary each ``urls`` row keeps
(``pruned_*``), starting from the summary already there; reading folds the kept checks on
from it, so every answer is the same as before. Only a prefix of the runs (by id) is ever
deleted, which is what makes that true.
"""

from __future__ import annotations

import sqlite3

from checker.store import queries as q
from checker.store.codec import link_status, optional_time_text, parse_time
from checker.store.history import Fold
from checker.store.reads import fold_from


def cutoff(
    conn: sqlite3.Connection, keep_runs: int | None, started_before: str | None, newest: int | None
) -> int | None:
    """The newest run to delete (every older one goes too), or None: all but the newest
    ``keep_runs``, and every run up to the last one started before ``started_before``, but
    never beyond ``newest`` (the run in progress stays)."""
    found: list[int] = []
    if keep_runs is not None:
        row = conn.execute(q.OLDEST_KEPT_BOUNDARY, (keep_runs,)).fetchone()
        if row is not None:
            found.append(int(row[0]))
    if started_before is not None:
        last = conn.execute(q.NEWEST_STARTED_BEFORE, (started_before,)).fetchone()[0]
        if last is not None:
            found.append(int(last))
    if newest is not None:
        found = [min(run_id, newest) for run_id in found]
    run_id = max(found, default=0)
    return run_id if run_id > 0 else None


def save_pruned(conn: sqlite3.Connection, last: int) -> None:
    """Fold the checks of runs up to ``last`` into each URL's pruned summary."""
    folds: dict[int, Fold] = {}
    for row in conn.execute(q.PRUNED_HISTORY, (last,)).fetchall():
        url_id = row["url_id"]
        fold = folds[url_id] if url_id in folds else fold_from(row)
        folds[url_id] = fold.add(link_status(row["status"]), parse_time(row["at"]))
    conn.executemany(
        q.SAVE_PRUNED,
        [
            (
                optional_time_text(fold.last_good),
                optional_time_text(fold.failing_since),
                fold.failures,
                fold.recent,
                url_id,
            )
            for url_id, fold in folds.items()
        ],
    )


def prune(
    conn: sqlite3.Connection, keep_runs: int | None, started_before: str | None, newest: int | None
) -> int:
    """Delete old runs (see ``cutoff``) in the caller's transaction; returns how many went."""
    last = cutoff(conn, keep_runs, started_before, newest)
    if last is None:
        return 0
    save_pruned(conn, last)
    deleted = conn.execute(q.DELETE_RUNS, (last,)).rowcount
    conn.execute(q.DELETE_UNUSED_URLS)
    return int(deleted)
