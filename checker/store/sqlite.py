"""The link store in one SQLite file (stdlib ``sqlite3``, WAL): the embedded default.

Durability: every ``record_*`` call is one transaction, committed before it returns. The
journal is WAL with ``synchronous=NORMAL``: a commit survives the process dying in any way
(Ctrl-C, SIGTERM, SIGKILL, a crash) and the file is never left corrupt; only a power cut or an
OS crash may lose the last commits (never earlier ones). Readers (a report) never block the run.

Concurrency: one run (or prune) at a time, held by :class:`~checker.store.lock.RunLock` from
``begin_run`` to ``finish_run``/``close``; another waits for it up to ``wait`` seconds, then
gets :class:`StoreBusy` naming the run that holds it. Single statements wait for SQLite's own
locks up to the same ``wait``. One ``SqliteStore`` may be used from several threads; its calls
are serialised.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from checker.model.finding import Finding
from checker.model.links import LinkResult
from checker.store import queries as q
from checker.store import reads, upkeep
from checker.store.base import (
    LinkChanges,
    Occurrence,
    RunInfo,
    RunOutcome,
    StoreBusy,
    StoredFinding,
    StoreError,
    TrendPoint,
    UrlHistory,
)
from checker.store.codec import (
    UnknownValue,
    finding_values,
    options_json,
    parse_time,
    result_values,
    time_text,
)
from checker.store.lock import RunLock
from checker.store.schema import MIGRATIONS, Migration, migrate

#: seconds a run waits for another to let go of the store
DEFAULT_WAIT = 10.0

_BUGS = (sqlite3.ProgrammingError, sqlite3.IntegrityError, sqlite3.InterfaceError)


@dataclass(frozen=True)
class _Active:
    run_id: int
    started: str


def _translate(path: str, error: sqlite3.DatabaseError, wait: float) -> StoreError:
    text = str(error)
    if "not a database" in text:
        return StoreError(
            path, "is not checker's link store (not an SQLite database); move it away or use another --db"
        )
    if "malformed" in text or "corrupt" in text:
        return StoreError(
            path,
            f"is damaged ({text}); restore it from a backup, or delete it to start the link history again",
        )
    if "locked" in text or "busy" in text:
        return StoreBusy(
            path, f"stayed locked by another process for {wait:g} s; try again, or use another --db"
        )
    return StoreError(path, f"cannot be used: {text}")


def _connect(path: Path, wait: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=wait, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


class SqliteStore:
    """:class:`~checker.store.base.Store` in the SQLite file ``path`` (made, with its folder, if missing)."""

    def __init__(
        self, path: Path, *, wait: float = DEFAULT_WAIT, migrations: Sequence[Migration] = MIGRATIONS
    ):
        self._path = path
        self._wait = wait
        self._mutex = threading.RLock()
        self._active: _Active | None = None
        self._closed = False
        self._lock = RunLock(path.with_name(path.name + ".lock"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(str(path), f"cannot make its folder: {error.strerror or error}") from error
        if path.is_dir():
            raise StoreError(str(path), "is a folder; give the path of a database file")
        try:
            self._conn = _connect(path, wait)
        except sqlite3.DatabaseError as error:
            raise _translate(str(path), error, wait) from error
        try:
            with self._guard():
                migrate(self._conn, str(path), migrations)
        except BaseException:
            self._conn.close()
            raise

    @property
    def location(self) -> str:
        return str(self._path)

    # plumbing

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Serialise calls; SQLite's errors about the file become ``StoreError``s (bugs stay bugs)."""
        with self._mutex:
            try:
                yield
            except _BUGS:
                raise
            except sqlite3.DatabaseError as error:
                raise _translate(self.location, error, self._wait) from error
            except UnknownValue as error:
                raise StoreError(
                    self.location,
                    f"holds {error}, which this checker does not know (a newer checker wrote it);"
                    " upgrade checker or use another --db",
                ) from error

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _require(self, run_id: int) -> _Active:
        if self._active is None or self._active.run_id != run_id:
            raise RuntimeError(
                f"run {run_id} is not in progress in this store (begin_run gives the run to record)"
            )
        return self._active

    def _busy(self) -> StoreBusy:
        row = self._conn.execute(q.RUNNING_RUN).fetchone()
        if row is None:
            who = "another checker process holds it (a run beginning, or a prune)"
        else:
            started = parse_time(row["started"]).strftime("%Y-%m-%d %H:%M:%S UTC")
            who = f"another checker run holds it (started {started}, pid {row['pid']} on {row['host']})"
        return StoreBusy(
            self.location,
            f"{who} and did not finish within {self._wait:g} s; wait for it, or use another --db",
        )

    def _take_lock(self) -> None:
        if not self._lock.acquire(self._wait):
            raise self._busy()

    def _run_info(self, run_id: int) -> RunInfo:
        info = reads.run(self._conn, run_id)
        assert info is not None  # this store made it
        return info

    def _url_id(self, conn: sqlite3.Connection, key: str, first_seen: str) -> int:
        conn.execute(q.ADD_URL, (key, first_seen))
        return int(conn.execute(q.URL_ID, (key,)).fetchone()[0])

    # recording

    def begin_run(
        self, now: datetime, options: Mapping[str, object] | None = None, *, pages: int = 0
    ) -> RunInfo:
        started = time_text(now)
        with self._guard():
            if self._active is not None:
                raise RuntimeError(
                    f"run {self._active.run_id} is still in progress in this store; finish it first"
                )
            self._take_lock()
            try:
                with self._write() as conn:
                    conn.execute(q.CLOSE_ABANDONED)
                    cursor = conn.execute(
                        q.INSERT_RUN,
                        (started, options_json(options), pages, os.getpid(), socket.gethostname()),
                    )
            except BaseException:
                self._lock.release()
                raise
            run_id = int(cursor.lastrowid or 0)
            self._active = _Active(run_id, started)
            return self._run_info(run_id)

    def record_result(self, run_id: int, key: str, result: LinkResult, *, from_cache: bool = False) -> None:
        values = result_values(result)
        with self._guard():
            active = self._require(run_id)
            with self._write() as conn:
                url_id = self._url_id(conn, key, active.started)
                conn.execute(q.INSERT_CHECK, (run_id, url_id, *values, int(from_cache)))

    def record_occurrences(self, run_id: int, occurrences: Iterable[Occurrence]) -> None:
        items = list(occurrences)
        with self._guard():
            active = self._require(run_id)
            with self._write() as conn:
                ids: dict[str, int] = {}
                for item in items:
                    if item.key not in ids:
                        ids[item.key] = self._url_id(conn, item.key, active.started)
                    conn.execute(
                        q.INSERT_OCCURRENCE,
                        (
                            run_id,
                            ids[item.key],
                            item.page,
                            item.line,
                            item.column,
                            item.department,
                            item.text,
                        ),
                    )

    def record_findings(self, run_id: int, findings: Iterable[Finding]) -> None:
        rows = []
        for finding in findings:
            if not finding.fingerprint:
                raise ValueError(
                    f"finding without a fingerprint: {finding.rule} at {finding.path}:{finding.line}"
                )
            rows.append((run_id, *finding_values(finding)))
        with self._guard():
            self._require(run_id)
            with self._write() as conn:
                conn.executemany(q.INSERT_FINDING, rows)

    def finish_run(
        self,
        run_id: int,
        now: datetime,
        *,
        outcome: RunOutcome = RunOutcome.COMPLETE,
        pages: int | None = None,
    ) -> RunInfo:
        if outcome is RunOutcome.RUNNING:
            raise ValueError("a run finishes complete or interrupted")
        finished = time_text(now)
        with self._guard():
            self._require(run_id)
            with self._write() as conn:
                conn.execute(q.FINISH_RUN, (finished, outcome.value, pages, run_id))
            self._active = None
            self._lock.release()
            return self._run_info(run_id)

    # the cache

    def cached(
        self, keys: Iterable[str], now: datetime, *, max_age: timedelta, failure_max_age: timedelta
    ) -> dict[str, LinkResult]:
        if isinstance(keys, str):
            raise TypeError("cached() takes a collection of keys; for one key pass [key]")
        wanted = list(dict.fromkeys(keys))
        with self._guard():
            return reads.cached(self._conn, wanted, now, max_age, failure_max_age)

    # reading

    def runs(self, limit: int | None = None) -> tuple[RunInfo, ...]:
        with self._guard():
            return reads.runs(self._conn, limit)

    def run(self, run_id: int) -> RunInfo | None:
        with self._guard():
            return reads.run(self._conn, run_id)

    def history(self, key: str, *, as_of: int | None = None) -> UrlHistory | None:
        with self._guard():
            return reads.history(self._conn, key, as_of)

    def histories(self, run_id: int) -> dict[str, UrlHistory]:
        with self._guard():
            return reads.histories(self._conn, run_id)

    def changes(self, run_id: int) -> LinkChanges:
        with self._guard():
            return reads.changes(self._conn, run_id, self.location)

    def occurrences(self, run_id: int, key: str | None = None) -> tuple[Occurrence, ...]:
        with self._guard():
            return reads.occurrences(self._conn, run_id, key)

    def findings(self, run_id: int) -> tuple[StoredFinding, ...]:
        with self._guard():
            return reads.findings(self._conn, run_id)

    def trend(self, limit: int | None = None) -> tuple[TrendPoint, ...]:
        with self._guard():
            return reads.trend(self._conn, limit)

    # upkeep

    def prune(self, *, keep_runs: int | None = None, before: datetime | None = None) -> int:
        if keep_runs is not None and keep_runs < 1:
            raise ValueError("keep_runs must be at least 1")
        started_before = None if before is None else time_text(before)
        with self._guard():
            own_lock = self._active is None
            if own_lock:
                self._take_lock()
            try:
                with self._write() as conn:
                    if own_lock:
                        conn.execute(q.CLOSE_ABANDONED)
                    newest = None if self._active is None else self._active.run_id - 1
                    return upkeep.prune(conn, keep_runs, started_before, newest)
            finally:
                if own_lock:
                    self._lock.release()

    def close(self) -> None:
        with self._mutex:
            if self._closed:
                return
            try:
                if self._active is not None:
                    with self._guard(), self._write() as conn:
                        conn.execute(q.INTERRUPT_RUN, (self._active.run_id,))
            finally:
                self._active = None
                self._closed = True
                self._lock.release()
                self._conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
