"""The link store: every run, link result, link occurrence and finding, their history, a cache.

``open_store(path)`` gives a :class:`Store` (SQLite today; the interface in ``base`` is all a
caller sees, so a server database can take its place). Typical use by the engine::

    with open_store(default_path(config_file)) as store:
        hits = store.cached(keys, now, max_age=..., failure_max_age=...)
        run = store.begin_run(now, options, pages=len(pages))
        for key, result in results:           # as the crawler delivers them
            store.record_result(run.id, key, result)
        store.record_occurrences(run.id, occurrences)
        store.record_findings(run.id, findings)
        store.finish_run(run.id, datetime.now(UTC))

The store imports only ``checker.model``, ``checker.errors`` and itself.
"""

from __future__ import annotations

from pathlib import Path

from checker.store.base import (
    FLAP_CHANGES,
    FLAP_WINDOW,
    LinkChanges,
    Occurrence,
    RunCounts,
    RunInfo,
    RunOutcome,
    Store,
    StoreBusy,
    StoredFinding,
    StoreError,
    TrendPoint,
    UrlHistory,
)
from checker.store.sqlite import DEFAULT_WAIT, SqliteStore

__all__ = [
    "DEFAULT_WAIT",
    "FLAP_CHANGES",
    "FLAP_WINDOW",
    "STORE_FOLDER",
    "STORE_NAME",
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
    "default_path",
    "open_store",
]

STORE_FOLDER = ".checker"
STORE_NAME = "links.db"


def default_path(config_file: Path | None = None, cwd: Path | None = None) -> Path:
    """Where the store is unless the user says: ``.checker/links.db`` in the folder of the config
    file, else in the working folder (``cwd``, default: the process's).

    That is the run's root, the folder fingerprints are relative to: the history belongs to the
    publication being checked, so two publications on one machine never mix histories, and the
    nightly job that runs in a checkout finds the history of the night before where it left it.
    CI caches (GitHub ``actions/cache``, GitLab ``cache:paths``) take paths inside the workspace,
    which this is. Rejected: the XDG data folder (``~/.local/share``), which one machine's
    checkouts of different publications would share, and which a CI container throws away.
    ``.checker/`` should be in the publication's ``.gitignore``.
    """
    base = config_file.parent if config_file is not None else (cwd if cwd is not None else Path.cwd())
    return base / STORE_FOLDER / STORE_NAME


def open_store(path: Path | str, *, wait: float = DEFAULT_WAIT) -> Store:
    """The store at ``path``: made (with its folder) if missing, migrated if older.

    ``wait``: seconds to wait for another run holding the store before :class:`StoreBusy`.
    Raises :class:`StoreError` for a file that is not a store, is damaged or is newer.
    """
    return SqliteStore(Path(path), wait=wait)
