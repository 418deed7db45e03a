"""The SQL of the SQLite store, one named statement per thing it does.

Placeholders are ``?`` (or ``:name``); ``{marks}`` is filled with as many ``?`` as there are
values (``marks(n)``), never with values.
"""

from __future__ import annotations

from checker.model.links import LinkStatus
from checker.store.codec import FINDING_COLUMNS, RESULT_COLUMNS

#: SQLite's oldest builds allow 999 host parameters in one statement
CHUNK = 500

_NO_VERDICT = ", ".join(
    f"'{status.value}'" for status in LinkStatus if status is not LinkStatus.OK and not status.failing
)


def marks(count: int) -> str:
    return ", ".join("?" * count)


# runs

INSERT_RUN = (
    "INSERT INTO runs (started, outcome, options, pages, pid, host) VALUES (?, 'running', ?, ?, ?, ?)"
)

FINISH_RUN = "UPDATE runs SET finished = ?, outcome = ?, pages = COALESCE(?, pages) WHERE id = ?"

_LAST_ACTIVITY = "COALESCE((SELECT max(checked_at) FROM checks WHERE checks.run_id = runs.id), started)"

#: every run left running is dead once its lock is free: close it at its last recorded check
CLOSE_ABANDONED = (
    f"UPDATE runs SET outcome = 'interrupted', finished = {_LAST_ACTIVITY} WHERE outcome = 'running'"
)

INTERRUPT_RUN = f"UPDATE runs SET outcome = 'interrupted', finished = {_LAST_ACTIVITY} WHERE id = ?"

RUNNING_RUN = "SELECT started, pid, host FROM runs WHERE outcome = 'running' ORDER BY id DESC LIMIT 1"

RUNS = "SELECT * FROM runs ORDER BY id DESC LIMIT ?"

RUN = "SELECT * FROM runs WHERE id = ?"

NEWEST_RUN = "SELECT max(id) FROM runs"

PREVIOUS_COMPLETE_RUN = "SELECT max(id) FROM runs WHERE id < ? AND outcome = 'complete'"

CHECK_COUNTS = (
    "SELECT run_id, status, count(*) AS n FROM checks WHERE run_id IN ({marks}) GROUP BY run_id, status"
)

#: URLs found on a run's pages that the run recorded no result for
UNRECORDED_COUNTS = """
    SELECT o.run_id, count(DISTINCT o.url_id) AS n FROM occurrences o
    WHERE o.run_id IN ({marks})
      AND NOT EXISTS (SELECT 1 FROM checks c WHERE c.run_id = o.run_id AND c.url_id = o.url_id)
    GROUP BY o.run_id"""

FINDING_COUNTS = "SELECT run_id, count(*) AS n FROM findings WHERE run_id IN ({marks}) GROUP BY run_id"

# recording

ADD_URL = "INSERT OR IGNORE INTO urls (key, first_seen) VALUES (?, ?)"

URL_ID = "SELECT id FROM urls WHERE key = ?"

INSERT_CHECK = (
    f"INSERT OR REPLACE INTO checks (run_id, url_id, {', '.join(RESULT_COLUMNS)}, from_cache)"
    f" VALUES (?, ?, {marks(len(RESULT_COLUMNS))}, ?)"
)

INSERT_OCCURRENCE = (
    "INSERT OR REPLACE INTO occurrences (run_id, url_id, page, line, col, department, text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)

INSERT_FINDING = (
    f"INSERT OR REPLACE INTO findings (run_id, {', '.join(FINDING_COLUMNS)})"
    f" VALUES (?, {marks(len(FINDING_COLUMNS))})"
)

# the cache

#: for each key, its newest verdict that has a check time (a copy from the cache has the same time)
NEWEST_VERDICTS = f"""
    WITH newest AS (
        SELECT c.url_id, max(c.checked_at) AS checked_at
        FROM checks c JOIN urls u ON u.id = c.url_id
        WHERE u.key IN ({{marks}}) AND c.checked_at IS NOT NULL AND c.status NOT IN ({_NO_VERDICT})
        GROUP BY c.url_id)
    SELECT u.key, c.*
    FROM newest n
    JOIN checks c ON c.url_id = n.url_id AND c.checked_at = n.checked_at AND c.status NOT IN ({_NO_VERDICT})
    JOIN urls u ON u.id = c.url_id"""

# history

_HISTORY = """
    SELECT u.id AS url_id, u.key, u.first_seen, u.pruned_last_good, u.pruned_failing_since,
           u.pruned_failures, u.pruned_recent, c.run_id, c.status, COALESCE(c.checked_at, r.started) AS at
    FROM urls u
    LEFT JOIN checks c ON c.url_id = u.id AND c.run_id <= :run AND c.from_cache = 0
    LEFT JOIN runs r ON r.id = c.run_id
    WHERE u.id IN ({which})
    ORDER BY u.id, c.run_id"""

#: the observations (no cache copies) up to run :run of every URL the run recorded or found
RUN_HISTORY = _HISTORY.format(
    which="SELECT url_id FROM checks WHERE run_id = :run"
    " UNION SELECT url_id FROM occurrences WHERE run_id = :run"
)

#: the same for URL :key, if a run up to :run recorded or found it
URL_HISTORY = _HISTORY.format(
    which="""SELECT id FROM urls WHERE key = :key AND (
        EXISTS (SELECT 1 FROM checks WHERE url_id = urls.id AND run_id <= :run)
        OR EXISTS (SELECT 1 FROM occurrences WHERE url_id = urls.id AND run_id <= :run))"""
)

RUN_RESULTS = "SELECT u.key, c.* FROM checks c JOIN urls u ON u.id = c.url_id WHERE c.run_id = ?"

RUN_RESULT = RUN_RESULTS + " AND u.key = ?"

OCCURRENCES = """
    SELECT u.key, o.page, o.line, o.col, o.department, o.text
    FROM occurrences o JOIN urls u ON u.id = o.url_id
    WHERE o.run_id = ? {and_key}
    ORDER BY u.key, o.page, o.line, o.col"""

RUN_OCCURRENCES = OCCURRENCES.format(and_key="")

URL_OCCURRENCES = OCCURRENCES.format(and_key="AND u.key = ?")

#: a run's findings, and whether the fingerprint is missing from run :previous
FINDINGS = """
    SELECT f.*, p.fingerprint IS NULL AS new
    FROM findings f LEFT JOIN findings p ON p.run_id = :previous AND p.fingerprint = f.fingerprint
    WHERE f.run_id = :run"""

# pruning

#: the newest run beyond the newest ? (skip ? runs, take the next)
OLDEST_KEPT_BOUNDARY = "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?"

NEWEST_STARTED_BEFORE = "SELECT max(id) FROM runs WHERE started < ?"

#: the observations of the runs about to go, by URL, oldest first, with each URL's summary so far
PRUNED_HISTORY = """
    SELECT u.id AS url_id, u.pruned_last_good, u.pruned_failing_since, u.pruned_failures, u.pruned_recent,
           c.status, COALESCE(c.checked_at, r.started) AS at
    FROM checks c JOIN runs r ON r.id = c.run_id JOIN urls u ON u.id = c.url_id
    WHERE c.run_id <= ? AND c.from_cache = 0
    ORDER BY u.id, c.run_id"""

SAVE_PRUNED = """
    UPDATE urls SET pruned_last_good = ?, pruned_failing_since = ?, pruned_failures = ?, pruned_recent = ?
    WHERE id = ?"""

DELETE_RUNS = "DELETE FROM runs WHERE id <= ? AND outcome != 'running'"

DELETE_UNUSED_URLS = """
    DELETE FROM urls
    WHERE NOT EXISTS (SELECT 1 FROM checks WHERE checks.url_id = urls.id)
      AND NOT EXISTS (SELECT 1 FROM occurrences WHERE occurrences.url_id = urls.id)"""
