"""The run lock: one run (or prune) at a time per store, released when its process dies.

The lock is a second, empty SQLite file next to the store (``links.db.lock``) on which the
holder keeps an exclusive transaction open. SQLite takes it with the operating system's file
locks, so it works wherever SQLite does (POSIX and Windows, between threads and processes)
and the OS drops it when the process ends in any way, SIGKILL included: a lock is never left
behind by a dead run, so no pid or heartbeat has to be trusted. Waiting is SQLite's busy
timeout, so the wait is bounded.

Rejected: a lock row in the store (a dead run's row looks alive: needs pids, which are reused
and mean nothing across containers, or heartbeats and a clock); holding a write transaction on
the store itself for the whole run (each result could then not be committed on its own, and
readers such as the report would see nothing until the end).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def acquire(self, wait: float) -> bool:
        """Take the lock, waiting up to ``wait`` seconds; False when another holder kept it."""
        if self._conn is not None:
            return True
        conn = sqlite3.connect(self.path, timeout=wait, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as error:
            conn.close()
            if "locked" in str(error) or "busy" in str(error):
                return False
            raise
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return True

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.execute("ROLLBACK")
            finally:
                conn.close()
