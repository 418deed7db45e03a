"""The link store on real SQLite files: schema and migrations, exact records, history over
simulated nights, the cache, interrupted and concurrent runs, pruning, findings, and a run
killed part-way by SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.errors import CheckerError
from checker.model.finding import Finding, Severity
from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus
from checker.model.page import Span
from checker.store import (
    FLAP_WINDOW,
    Occurrence,
    RunOutcome,
    Store,
    StoreBusy,
    StoreError,
    UrlHistory,
    default_path,
    open_store,
)
from checker.store.schema import APPLICATION_ID, MIGRATIONS, Migration, migrate
from checker.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
NIGHT_1 = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
OK = LinkStatus.OK
DEAD = LinkStatus.DEAD
UNCHECKED = LinkStatus.UNCHECKED


def night(number: int) -> datetime:
    return NIGHT_1 + timedelta(days=number - 1)


def result(url: str, status: LinkStatus = OK, checked_at: datetime | None = NIGHT_1) -> LinkResult:
    failing = status.failing
    return LinkResult(
        url=url,
        status=status,
        status_code=404 if failing else (200 if status is OK else None),
        final_url=url,
        redirects=(),
        permanent_redirect=False,
        error_kind=ErrorKind.HTTP_STATUS if failing else None,
        detail="404 Not Found" if failing else "",
        elapsed=0.25,
        attempts=1,
        content_type="text/html",
        anchors=None,
        checked_at=checked_at,
    )


def url(name: str) -> str:
    return f"https://www.gov.uk/{name}"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / ".checker" / "links.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with open_store(db, wait=0.2) as opened:
        yield opened


def nightly(store: Store, number: int, statuses: Mapping[str, LinkStatus]) -> int:
    """One night's run: each URL checked ten minutes in, in key order."""
    run = store.begin_run(night(number), {"night": number})
    for name, status in sorted(statuses.items()):
        store.record_result(
            run.id, url(name), result(url(name), status, night(number) + timedelta(minutes=10))
        )
    store.finish_run(run.id, night(number) + timedelta(hours=1))
    return run.id


def names(histories: tuple[UrlHistory, ...]) -> list[str]:
    return [item.key.rsplit("/", 1)[1] for item in histories]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# the file


def test_creates_schema_and_reopens(db: Path) -> None:
    with open_store(db) as store:
        run = store.begin_run(NIGHT_1, {"profile": "links", "paths": [Path("pages")]}, pages=3)
        assert (run.id, run.outcome, run.pages, run.pid) == (1, RunOutcome.RUNNING, 3, os.getpid())
        store.finish_run(run.id, NIGHT_1 + timedelta(minutes=5))
    conn = sqlite3.connect(db)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"runs", "urls", "checks", "occurrences", "findings"}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1].version
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    with open_store(db) as store:
        [again] = store.runs()
        assert again.outcome is RunOutcome.COMPLETE and again.complete
        assert again.started == NIGHT_1 and again.finished == NIGHT_1 + timedelta(minutes=5)
        assert again.options == {"profile": "links", "paths": ["pages"]}


def test_default_path(tmp_path: Path) -> None:
    assert default_path(tmp_path / "site" / ".checker.yaml") == tmp_path / "site" / ".checker" / "links.db"
    assert default_path(None, tmp_path) == tmp_path / ".checker" / "links.db"


def test_newer_schema_is_refused_untouched(db: Path) -> None:
    open_store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store(db)
    assert isinstance(caught.value, CheckerError)
    assert str(caught.value) == (
        f"{db}: was written by a newer checker (schema 5, this one reads up to {MIGRATIONS[-1].version});"
        " upgrade checker or use another --db"
    )
    assert db.read_bytes() == before


def test_garbage_file_is_refused_untouched(db: Path) -> None:
    db.parent.mkdir()
    db.write_bytes(b"these are not the links you are looking for\n" * 100)
    with pytest.raises(StoreError, match="is not checker's link store \\(not an SQLite database\\)"):
        open_store(db)
    assert db.read_bytes().startswith(b"these are not")


def test_another_programs_database_is_refused(db: Path) -> None:
    db.parent.mkdir()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="SQLite database of another program"):
        open_store(db)


def test_damaged_file_is_a_clear_error(db: Path) -> None:
    with open_store(db) as store:
        nightly(store, 1, {f"page-{n}": OK for n in range(200)})
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page but the first (the header and schema)
    db.write_bytes(bytes(data))
    with (
        pytest.raises(StoreError, match=r"is damaged \(.*malformed\); restore it from a backup"),
        open_store(db) as store,
    ):
        store.runs()


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_empty_file_becomes_a_store(db: Path) -> None:
    db.parent.mkdir()
    db.touch()
    with open_store(db) as store:
        assert store.runs() == ()


# migrations


#: a later version, as a test stand-in: a column and a data step
def _note(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE runs SET note = 'from v1'")


V2 = Migration(2, "runs get a note", ("ALTER TABLE runs ADD COLUMN note TEXT",), _note)


def _failing(conn: sqlite3.Connection) -> None:
    raise RuntimeError("step 3 broke")


def test_migrates_an_older_file_in_one_transaction(db: Path) -> None:
    with open_store(db) as store:
        nightly(store, 1, {"a": OK, "b": DEAD})
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="step 3 broke"):
            migrate(conn, str(db), (*MIGRATIONS, V2, Migration(3, "breaks", (), _failing)))
        # all or nothing: not even step 2 stayed
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "note" not in {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
        assert migrate(conn, str(db), (*MIGRATIONS, V2)) == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT note FROM runs").fetchall() == [("from v1",)]
    finally:
        conn.close()
    # the new version reads the old data
    with SqliteStore(db, migrations=(*MIGRATIONS, V2)) as store:
        assert store.history(url("b")) is not None
        assert [run.counts.failing for run in store.runs()] == [1]
    # and this version refuses the file now
    with pytest.raises(StoreError, match="schema 2, this one reads up to 1"):
        open_store(db)


def test_migrates_from_nothing(db: Path) -> None:
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        assert migrate(conn, str(db)) == 0
        assert migrate(conn, str(db)) == 1  # nothing left to do
    finally:
        conn.close()


# recording


def test_results_read_back_exactly(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    full = LinkResult(
        url="http://Example.gov.uk/old#part",
        status=LinkStatus.SOFT_404,
        status_code=200,
        final_url="https://www.example.gov.uk/search?q=old",
        redirects=(
            Hop("http://Example.gov.uk/old#part", 301, "https://www.example.gov.uk/old"),
            Hop("https://www.example.gov.uk/old", 302, "https://www.example.gov.uk/search?q=old"),
        ),
        permanent_redirect=True,
        error_kind=ErrorKind.REDIRECT_SEARCH,
        detail="redirected to a search page — “old” ✓",
        elapsed=1.2345678901234,
        attempts=3,
        content_type="text/html; charset=utf-8",
        anchors=frozenset({"top", "contents", "é"}),
        truncated=True,
        checked_at=datetime(2024, 5, 1, 4, 3, 2, 123456, tzinfo=paris),
    )
    bare = LinkResult(
        url="mailto:someone@example.gov.uk",
        status=LinkStatus.SKIPPED,
        status_code=None,
        final_url="mailto:someone@example.gov.uk",
        redirects=(),
        permanent_redirect=False,
        error_kind=None,
        detail="",
        elapsed=0.0,
        attempts=0,
        content_type=None,
        anchors=None,
    )
    run = store.begin_run(NIGHT_1)
    store.record_result(run.id, "http://example.gov.uk/old", result("http://example.gov.uk/old", DEAD))
    store.record_result(run.id, "http://example.gov.uk/old", full)  # again: replaces
    store.record_result(run.id, bare.url, bare)
    found = store.histories(run.id)
    assert found["http://example.gov.uk/old"].result == full
    assert found[bare.url].result == bare
    assert found["http://example.gov.uk/old"].result.checked_at.utcoffset() == timedelta(0)  # type: ignore[union-attr]
    store.finish_run(run.id, NIGHT_1)
    assert store.runs()[0].counts.urls == 2


def test_values_from_a_newer_checker(db: Path) -> None:
    with open_store(db) as store:
        nightly(store, 1, {"a": DEAD, "b": DEAD})
    conn = sqlite3.connect(db)
    conn.execute("UPDATE checks SET error_kind = 'quantum-decoherence'")
    conn.commit()
    conn.close()
    with open_store(db) as store:
        found = store.history(url("a"))
        assert found is not None and found.result is not None
        assert found.result.error_kind is None and found.result.detail == "404 Not Found"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE checks SET status = 'haunted' WHERE url LIKE '%/b'")
    conn.commit()
    conn.close()
    with open_store(db) as store, pytest.raises(StoreError, match="holds a link status 'haunted', which"):
        store.changes(1)


def test_occurrences_and_counts(store: Store) -> None:
    run = store.begin_run(NIGHT_1, pages=2)
    store.record_result(run.id, url("a"), result(url("a")))
    store.record_result(run.id, url("b"), result(url("b"), DEAD))
    store.record_result(run.id, url("c"), result(url("c"), UNCHECKED))
    store.record_occurrences(
        run.id,
        [
            Occurrence(url("a"), "action01.md", 12, 5, "Cabinet Office", "Read more »"),
            Occurrence(url("a"), "action02.md", 3, 1, None, "the guidance"),
            Occurrence(url("b"), "action01.md", 20, 9, "HM Treasury", "report"),
            Occurrence(url("d"), "action02.md", 8, 2, "Home Office", "never checked"),
        ],
    )
    assert store.occurrences(run.id, url("a")) == (
        Occurrence(url("a"), "action01.md", 12, 5, "Cabinet Office", "Read more »"),
        Occurrence(url("a"), "action02.md", 3, 1, None, "the guidance"),
    )
    assert [item.key for item in store.occurrences(run.id)] == [url("a"), url("a"), url("b"), url("d")]
    finished = store.finish_run(run.id, NIGHT_1 + timedelta(hours=1), pages=3)
    counts = finished.counts
    assert (counts.urls, counts.checked, counts.ok, counts.failing) == (4, 2, 1, 1)
    assert (counts.unchecked, counts.skipped, counts.findings, finished.pages) == (2, 0, 0, 3)
    assert store.history(url("d")) is not None and store.history(url("d")).result is None  # type: ignore[union-attr]


def test_recording_needs_a_run_in_progress(store: Store) -> None:
    run = store.begin_run(NIGHT_1)
    with pytest.raises(RuntimeError, match="still in progress"):
        store.begin_run(NIGHT_1)
    store.finish_run(run.id, NIGHT_1)
    with pytest.raises(RuntimeError, match="not in progress"):
        store.record_result(run.id, url("a"), result(url("a")))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.begin_run(datetime(2024, 5, 1, 2, 0))


# history


def test_history_over_nights(store: Store) -> None:
    nights = [
        {"steady": OK, "breaks": OK, "flaps": OK, "down": OK, "patchy": OK},
        {"steady": OK, "breaks": DEAD, "flaps": DEAD, "down": DEAD, "patchy": DEAD},
        {"steady": OK, "breaks": OK, "flaps": OK, "down": LinkStatus.UNREACHABLE, "patchy": UNCHECKED},
        {"steady": OK, "breaks": OK, "flaps": DEAD, "down": DEAD, "patchy": DEAD, "new": DEAD},
    ]
    runs = [nightly(store, number, statuses) for number, statuses in enumerate(nights, 1)]

    two = store.changes(runs[1])
    assert names(two.broken) == ["breaks", "down", "flaps", "patchy"]
    assert (two.still_broken, two.recovered, two.flapping) == ((), (), ())

    three = store.changes(runs[2])
    assert names(three.recovered) == ["breaks", "flaps"]
    assert names(three.still_broken) == ["down"]
    assert three.broken == ()
    assert three.flapping == ()  # good, failing, good: broke once and was fixed

    four = store.changes(runs[3])
    assert names(four.broken) == ["flaps", "new"]
    assert names(four.still_broken) == ["down", "patchy"]  # unchecked did not break the streak
    assert names(four.flapping) == ["flaps"]  # good, failing, good, failing

    down = store.history(url("down"))
    assert down is not None
    assert down.consecutive_failures == 3
    assert down.failing_since == night(2) + timedelta(minutes=10)
    assert down.last_good == night(1) + timedelta(minutes=10)
    assert down.first_seen == night(1)
    assert down.recent == (True, False, False, False) and not down.flapping
    assert down.failing

    patchy = store.history(url("patchy"))
    assert patchy is not None and patchy.consecutive_failures == 2
    assert patchy.failing_since == night(2) + timedelta(minutes=10)
    as_of_three = store.history(url("patchy"), as_of=runs[2])
    assert as_of_three is not None and as_of_three.result is not None
    assert as_of_three.result.status is UNCHECKED and as_of_three.consecutive_failures == 1
    assert not as_of_three.failing  # unchecked is no verdict against it

    breaks = store.history(url("breaks"))
    assert breaks is not None
    assert (breaks.consecutive_failures, breaks.failing_since) == (0, None)
    assert breaks.last_good == night(4) + timedelta(minutes=10)

    new = store.history(url("new"))
    assert new is not None and new.first_seen == night(4) and new.last_good is None
    assert store.history(url("new"), as_of=runs[2]) is None
    assert store.history(url("nowhere")) is None

    assert [(point.run_id, point.checked, point.failing) for point in store.trend()] == [
        (1, 5, 0),
        (2, 5, 4),
        (3, 4, 1),
        (4, 6, 4),
    ]
    assert [point.run_id for point in store.trend(limit=2)] == [3, 4]


@pytest.mark.parametrize(
    ("recent", "flapping"),
    [
        ((True, False, True, False), True),
        ((False, True, False, True, True), True),
        ((True, False, True), False),
        ((True, True, False, False, False), False),
        ((True, False), False),
        ((), False),
    ],
)
def test_flapping_is_three_changes_in_the_last_verdicts(recent: tuple[bool, ...], flapping: bool) -> None:
    item = UrlHistory(url("x"), NIGHT_1, None, False, None, None, 0, recent)
    assert item.flapping is flapping
    assert len(recent) <= FLAP_WINDOW


def test_flapping_looks_only_at_the_last_verdicts(store: Store) -> None:
    pattern = [OK, DEAD, OK, DEAD, DEAD, DEAD, DEAD, DEAD]
    runs = [nightly(store, number, {"x": status}) for number, status in enumerate(pattern, 1)]
    flags = [store.history(url("x"), as_of=run_id).flapping for run_id in runs]  # type: ignore[union-attr]
    assert flags == [False, False, False, True, True, False, False, False]


def test_a_cached_copy_is_not_a_new_failure(store: Store) -> None:
    first = nightly(store, 1, {"x": DEAD})
    run = store.begin_run(night(1) + timedelta(minutes=30))
    store.record_result(
        run.id, url("x"), result(url("x"), DEAD, night(1) + timedelta(minutes=10)), from_cache=True
    )
    store.finish_run(run.id, night(1) + timedelta(minutes=31))
    history = store.history(url("x"))
    assert history is not None and history.from_cache
    assert history.consecutive_failures == 1  # one observation, recorded twice
    assert names(store.changes(run.id).still_broken) == ["x"]
    assert names(store.changes(first).broken) == ["x"]
    assert store.runs()[0].counts.failing == 1


# the cache


def test_cache_serves_fresh_results_failures_briefly(store: Store) -> None:
    checked = night(1) + timedelta(minutes=10)
    nightly(store, 1, {"good": OK, "bad": DEAD, "offline": UNCHECKED, "mail": LinkStatus.SKIPPED})
    run = store.begin_run(night(1) + timedelta(hours=2))
    store.record_result(run.id, url("timeless"), result(url("timeless"), OK, None))
    store.finish_run(run.id, night(1) + timedelta(hours=2))
    keys = [url(name) for name in ("good", "bad", "offline", "mail", "timeless", "unknown")]

    def hits(after: timedelta) -> list[str]:
        found = store.cached(
            keys, checked + after, max_age=timedelta(hours=20), failure_max_age=timedelta(hours=1)
        )
        return sorted(key.rsplit("/", 1)[1] for key in found)

    assert hits(timedelta(minutes=30)) == ["bad", "good"]
    assert hits(timedelta(hours=2)) == ["good"]
    assert hits(timedelta(hours=21)) == []
    assert hits(-timedelta(minutes=1)) == []  # checked "after now": a clock is wrong somewhere
    found = store.cached([url("good")], checked, max_age=timedelta(hours=1), failure_max_age=timedelta(0))
    assert found == {url("good"): result(url("good"), OK, checked)}
    with pytest.raises(TypeError, match="for one key pass"):
        store.cached(url("good"), checked, max_age=timedelta(hours=1), failure_max_age=timedelta(0))


def test_cache_never_serves_an_older_success_over_a_newer_failure(store: Store) -> None:
    nightly(store, 1, {"x": OK})
    nightly(store, 2, {"x": DEAD})
    nightly(store, 3, {"x": UNCHECKED})  # the network was down: no verdict
    later = night(2) + timedelta(hours=3)
    assert (
        store.cached([url("x")], later, max_age=timedelta(days=7), failure_max_age=timedelta(hours=1)) == {}
    )
    soon = night(2) + timedelta(minutes=20)
    hit = store.cached([url("x")], soon, max_age=timedelta(days=7), failure_max_age=timedelta(hours=1))
    assert hit[url("x")].status is DEAD


def test_cache_looks_up_many_keys(store: Store) -> None:
    nightly(store, 1, {f"page-{n}": OK for n in range(1200)})
    keys = [url(f"page-{n}") for n in range(0, 1300)]
    found = store.cached(
        keys, night(1) + timedelta(hours=1), max_age=timedelta(days=1), failure_max_age=timedelta(0)
    )
    assert len(found) == 1200


# runs that do not finish, and runs at the same time


def test_unfinished_run_is_closed_as_interrupted_by_the_next(db: Path) -> None:
    with open_store(db) as store:
        first = nightly(store, 1, {"a": OK, "b": DEAD})
    conn = sqlite3.connect(db)  # as if its process had died before finishing
    conn.execute("UPDATE runs SET outcome = 'running', finished = NULL")
    conn.commit()
    conn.close()
    with open_store(db) as store:
        assert store.runs()[0].outcome is RunOutcome.RUNNING
        second = store.begin_run(night(2))
        closed = store.run(first)
        assert closed is not None and closed.outcome is RunOutcome.INTERRUPTED
        assert closed.finished == night(1) + timedelta(minutes=10)  # its last recorded check
        assert closed.counts.checked == 2  # what it checked is kept
        assert store.run(second.id).outcome is RunOutcome.RUNNING  # type: ignore[union-attr]


def test_closing_a_store_mid_run_marks_it_interrupted(db: Path) -> None:
    with open_store(db) as store:
        run = store.begin_run(NIGHT_1)
        store.record_result(run.id, url("a"), result(url("a"), OK, NIGHT_1 + timedelta(minutes=3)))
    with open_store(db) as store:
        [closed] = store.runs()
        assert closed.outcome is RunOutcome.INTERRUPTED
        assert closed.finished == NIGHT_1 + timedelta(minutes=3)
        explicit = store.begin_run(night(2))
        store.finish_run(explicit.id, night(2), outcome=RunOutcome.INTERRUPTED)
        assert store.runs()[0].outcome is RunOutcome.INTERRUPTED


def test_a_second_run_is_refused_while_one_runs(db: Path) -> None:
    with open_store(db) as first, open_store(db, wait=0.3) as second:
        run = first.begin_run(NIGHT_1)
        first.record_result(run.id, url("a"), result(url("a")))
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught:
            second.begin_run(NIGHT_1)
        waited = time.monotonic() - started
        assert 0.2 <= waited < 3
        assert str(caught.value) == (
            f"{db}: another checker run holds it (started 2024-05-01 02:00:00 UTC, pid {os.getpid()}"
            f" on {run.host}) and did not finish within 0.3 s; wait for it, or use another --db"
        )
        with pytest.raises(StoreBusy):
            second.prune(keep_runs=1)
        assert second.runs()[0].counts.checked == 1  # reading goes on meanwhile
        first.record_result(run.id, url("b"), result(url("b")))  # and so does the run
        first.finish_run(run.id, NIGHT_1 + timedelta(minutes=5))
        later = second.begin_run(night(2))  # free now
        assert later.id == run.id + 1
        assert first.run(run.id).outcome is RunOutcome.COMPLETE  # type: ignore[union-attr]


def test_a_second_run_waits_for_the_first_to_finish(db: Path) -> None:
    with open_store(db) as first:
        run = first.begin_run(NIGHT_1)
        waiting = threading.Event()
        began: list[float] = []
        errors: list[BaseException] = []

        def second_run() -> None:
            try:
                with open_store(db, wait=5) as second:
                    waiting.set()
                    later = second.begin_run(night(2))
                    began.append(time.monotonic())
                    second.finish_run(later.id, night(2))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
                waiting.set()

        thread = threading.Thread(target=second_run)
        thread.start()
        assert waiting.wait(timeout=5)
        time.sleep(0.2)
        for n in range(20):  # the first goes on recording while the second waits
            first.record_result(run.id, url(f"p{n}"), result(url(f"p{n}")))
        finishing = time.monotonic()
        first.finish_run(run.id, NIGHT_1 + timedelta(minutes=5))
        thread.join(timeout=10)
        assert not thread.is_alive()
        assert not errors, errors
        assert len(began) == 1 and began[0] >= finishing  # it got in only when the first let go
        assert [info.outcome for info in first.runs()] == [RunOutcome.COMPLETE, RunOutcome.COMPLETE]
        assert first.run(run.id).counts.checked == 20  # type: ignore[union-attr]
    assert integrity(db) == "ok"


CHILD = """
import sys, time
from datetime import UTC, datetime, timedelta
from checker.model.links import LinkResult, LinkStatus
from checker.store import open_store

store = open_store(sys.argv[1])
start = datetime(2024, 5, 1, 2, 0, tzinfo=UTC)
run = store.begin_run(start, {"child": True})
for n in range(100000):
    key = f"https://www.gov.uk/page-{n}"
    status = LinkStatus.DEAD if n % 3 == 0 else LinkStatus.OK
    at = start + timedelta(seconds=n)
    store.record_result(run.id, key, LinkResult(key, status, 200, key, (), False, None, "", 0.1, 1,
                                                 "text/html", None, checked_at=at))
    print(n, flush=True)
    time.sleep(0.002)
"""


def test_a_run_killed_mid_way_keeps_every_committed_result(db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert child.stdout is not None
    reported: list[int] = []
    deadline = time.monotonic() + 20
    try:
        while len(reported) < 25 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            reported.append(int(line))
    finally:
        os.kill(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
        reported += [int(line) for line in child.stdout.read().split()]
        child.stdout.close()
    assert child.returncode == -signal.SIGTERM
    assert len(reported) >= 25, "the child did not get going"
    assert integrity(db) == "ok"
    with open_store(db) as store:
        [run] = store.runs()
        assert run.outcome is RunOutcome.RUNNING and run.options == {"child": True}
        recorded = sorted(int(key.rsplit("-", 1)[1]) for key in store.histories(run.id))
        # every result reported as recorded is there; at most one more was committed unreported
        assert recorded == list(range(len(recorded)))
        assert set(reported) <= set(recorded) and len(recorded) - len(reported) <= 1
        store.begin_run(night(2))
        closed = store.run(run.id)
        assert closed is not None and closed.outcome is RunOutcome.INTERRUPTED
        assert closed.finished == NIGHT_1 + timedelta(seconds=recorded[-1])


# pruning


def _snapshot(store: Store, run_id: int) -> tuple[object, ...]:
    changes = store.changes(run_id)
    return (
        store.histories(run_id),
        [
            names(group)
            for group in (changes.broken, changes.still_broken, changes.recovered, changes.flapping)
        ],
    )


def test_prune_keeps_history(store: Store) -> None:
    patterns: dict[str, list[LinkStatus | None]] = {
        "steady": [OK] * 6,
        "flaps": [OK, DEAD, OK, DEAD, OK, DEAD],
        "down": [OK, DEAD, DEAD, DEAD, UNCHECKED, DEAD],
        "gone": [OK, OK, None, None, None, None],  # removed from the pages after night 2
        "late": [None, None, None, None, DEAD, DEAD],
    }
    runs = [
        nightly(
            store,
            number,
            {name: status for name, row in patterns.items() if (status := row[number - 1]) is not None},
        )
        for number in range(1, 7)
    ]
    latest = runs[-1]
    before = _snapshot(store, latest)
    down = store.history(url("down"))
    assert down is not None and down.consecutive_failures == 4 and down.first_seen == night(1)

    assert store.prune(keep_runs=2) == 4
    assert [info.id for info in store.runs()] == runs[:-3:-1]
    assert _snapshot(store, latest) == before
    assert store.history(url("gone")) is None  # no kept run mentions it
    assert store.history(url("flaps")).flapping  # type: ignore[union-attr]

    assert store.prune(before=night(6)) == 1  # again, from the kept summary
    assert [info.id for info in store.runs()] == [latest]
    assert _snapshot(store, latest) == before
    assert store.prune(keep_runs=1) == 0

    nightly(store, 7, {"down": OK, "flaps": OK, "steady": OK})
    seven = store.changes(runs[-1] + 1)
    assert names(seven.recovered) == ["down", "flaps"]
    assert store.history(url("down")).last_good == night(7) + timedelta(minutes=10)  # type: ignore[union-attr]


def test_prune_never_takes_the_run_in_progress(store: Store) -> None:
    nightly(store, 1, {"a": OK})
    run = store.begin_run(night(2))
    store.record_result(run.id, url("a"), result(url("a"), DEAD, night(2)))
    assert store.prune(keep_runs=1, before=night(3)) == 1
    store.finish_run(run.id, night(2))
    assert [info.id for info in store.runs()] == [run.id]
    assert store.history(url("a")).last_good == NIGHT_1 + timedelta(minutes=10)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="at least 1"):
        store.prune(keep_runs=0)


# findings


def finding(rule: str, fingerprint: str, line: int = 4) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        path="pages/action01.md",
        span=Span.of(line, 3, line, 17),
        message=f"{rule} at line {line}",
        fix="Write the statement.",
        department="Cabinet Office",
        url=None,
        subject="[placeholder]",
        fields={"count": 2, "ratio": 0.5, "name": "x", "none": None},
        fingerprint=fingerprint,
    )


def test_findings_new_since_the_previous_complete_run(store: Store) -> None:
    first = store.begin_run(night(1))
    store.record_findings(first.id, [finding("placeholder", "aaa"), finding("crest", "bbb", line=9)])
    store.finish_run(first.id, night(1))
    assert [item.new for item in store.findings(first.id)] == [True, True]  # nothing before

    cut_short = store.begin_run(night(2))  # interrupted before its findings were recorded
    store.finish_run(cut_short.id, night(2), outcome=RunOutcome.INTERRUPTED)

    third = store.begin_run(night(3))
    moved = finding("crest", "bbb", line=30)  # lines moved: same fingerprint, not new
    store.record_findings(third.id, [moved, finding("structure-unclosed", "ccc", line=1)])
    store.finish_run(third.id, night(3))
    stored = store.findings(third.id)
    assert [(item.finding.fingerprint, item.new) for item in stored] == [("ccc", True), ("bbb", False)]
    assert stored[1].finding == moved
    assert stored[1].finding.fields == moved.fields
    assert store.runs()[0].counts.findings == 2
    with pytest.raises(ValueError, match="without a fingerprint"):
        store.record_findings(third.id, [finding("crest", "")])
