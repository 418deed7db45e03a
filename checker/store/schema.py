"""The SQLite schema, as a list of migration steps, and the check made on every open.

The schema version is ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as
checker's, so another program's SQLite file is refused instead of being written into. Opening
applies every step above the file's version, in order, in one transaction (all or nothing,
``user_version`` included). A file of a newer version is refused, never touched.

To change the schema, append a step: never edit a released one. Tables (version 1):

- ``runs``: one row per run: start, end, outcome (running, complete, interrupted), options
  (JSON), pages, and the process (pid, host) that ran it.
- ``urls``: one row per URL key: when first seen, and the folded history of pruned runs
  (``pruned_*``, see ``checker.store.history``).
- ``checks``: one result per run and URL: every ``LinkResult`` field (redirects and anchors as
  JSON), and whether it was served from the cache.
- ``occurrences``: where each URL occurs in a run: page key, line, column, department, text.
- ``findings``: every finding of a run by fingerprint, with enough to rebuild the ``Finding``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checker.store.base import StoreError

#: "chk1" in ASCII: what PRAGMA application_id says in a checker link store
APPLICATION_ID = 0x63686B31


@dataclass(frozen=True)
class Migration:
    """One step to ``version``: SQL statements run in order, then ``transform`` (for data moves)."""

    version: int
    description: str
    statements: tuple[str, ...] = ()
    transform: Callable[[sqlite3.Connection], None] | None = None


_V1 = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('running', 'complete', 'interrupted')),
        options TEXT NOT NULL DEFAULT '{}',
        pages INTEGER NOT NULL DEFAULT 0,
        pid INTEGER,
        host TEXT
    )""",
    """CREATE TABLE urls (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL,
        pruned_last_good TEXT,
        pruned_failing_since TEXT,
        pruned_failures INTEGER NOT NULL DEFAULT 0,
        pruned_recent TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE checks (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        url_id INTEGER NOT NULL REFERENCES urls (id),
        url TEXT NOT NULL,
        status TEXT NOT NULL,
        status_code INTEGER,
        final_url TEXT NOT NULL,
        redirects TEXT NOT NULL,
        permanent_redirect INTEGER NOT NULL,
        error_kind TEXT,
        detail TEXT NOT NULL,
        elapsed REAL NOT NULL,
        attempts INTEGER NOT NULL,
        content_type TEXT,
        anchors TEXT,
        truncated INTEGER NOT NULL,
        checked_at TEXT,
        from_cache INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, url_id)
    )""",
    "CREATE INDEX checks_by_url ON checks (url_id, run_id)",
    """CREATE TABLE occurrences (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        url_id INTEGER NOT NULL REFERENCES urls (id),
        page TEXT NOT NULL,
        line INTEGER NOT NULL,
        col INTEGER NOT NULL,
        department TEXT,
        text TEXT NOT NULL,
        PRIMARY KEY (run_id, url_id, page, line, col)
    )""",
    "CREATE INDEX occurrences_by_url ON occurrences (url_id, run_id)",
    """CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        page TEXT NOT NULL,
        line INTEGER NOT NULL,
        col INTEGER NOT NULL,
        end_line INTEGER NOT NULL,
        end_col INTEGER NOT NULL,
        message TEXT NOT NULL,
        fix TEXT,
        department TEXT,
        url TEXT,
        subject TEXT NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (run_id, fingerprint)
    )""",
    "CREATE INDEX findings_by_fingerprint ON findings (fingerprint, run_id)",
)

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "runs, urls, checks, occurrences, findings", _V1),)


def latest(migrations: Sequence[Migration]) -> int:
    return migrations[-1].version if migrations else 0


def _version(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """user_version, application_id, and how many tables the file has."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    return int(version), int(app), int(tables)


def _check(path: str, version: int, app: int, tables: int, newest: int) -> None:
    if (version == 0 and tables) or (version and app != APPLICATION_ID):
        raise StoreError(
            path,
            "is an SQLite database of another program, not checker's link store; use another --db",
        )
    if version > newest:
        raise StoreError(
            path,
            f"was written by a newer checker (schema {version}, this one reads up to {newest});"
            " upgrade checker or use another --db",
        )


def migrate(conn: sqlite3.Connection, path: str, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the newest version in ``migrations``; returns the version it had.

    ``conn`` is in autocommit mode (``isolation_level=None``). Raises :class:`StoreError` for
    a file of another program or of a newer version. A step that fails undoes every step.
    """
    newest = latest(migrations)
    found = _version(conn)
    _check(path, *found, newest)
    if found[0] == newest:
        return newest
    conn.execute("BEGIN IMMEDIATE")
    try:
        version, app, tables = _version(conn)  # again: another process may have done it meanwhile
        _check(path, version, app, tables, newest)
        for step in migrations:
            if step.version <= version:
                continue
            for statement in step.statements:
                conn.execute(statement)
            if step.transform is not None:
                step.transform(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {newest}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return version
