"""The schedule: which URL check starts next, de-duplication as URLs arrive (no network)."""

from __future__ import annotations

from checker.crawl.schedule import Schedule, host_of, lacks_anchors
from checker.model.links import LinkResult, LinkStatus


def _page(
    url: str, *, anchors: frozenset[str] | None = None, code: int = 200, kind: str = "text/html"
) -> LinkResult:
    return LinkResult(url, LinkStatus.OK, code, url, (), False, None, "", 0.0, 1, kind, anchors)


def _queue(schedule: Schedule, *urls: str, fragment: bool = False) -> None:
    for url in urls:
        if schedule.add(url, fragment):
            schedule.enqueue(url)


def _drain(schedule: Schedule) -> list[tuple[str, bool]]:
    started = []
    while (item := schedule.next()) is not None:
        started.append(item)
    return started


def test_host_of_a_fetch_key() -> None:
    assert host_of("https://www.gov.uk/a/b?c") == "www.gov.uk"
    assert host_of("http://127.0.0.1:8089/page/1") == "127.0.0.1:8089"
    assert host_of("http://[::1]:80/") == "[::1]:80"


def test_each_key_once_with_anchors_if_any_occurrence_has_a_fragment() -> None:
    schedule = Schedule(window=10, host_cap=10)
    assert schedule.add("http://a/1", False) is True
    schedule.enqueue("http://a/1")
    assert schedule.add("http://a/1", False) is False
    assert schedule.add("http://a/1", True) is False  # still queued: it will start with anchors
    assert _drain(schedule) == [("http://a/1", True)]
    assert schedule.wanted == {"http://a/1": True}


def test_hosts_take_turns_and_each_is_capped() -> None:
    schedule = Schedule(window=100, host_cap=2)
    _queue(schedule, *[f"http://a/{i}" for i in range(5)], "http://b/0", "http://c/0")
    started = [url for url, _anchors in _drain(schedule)]
    # a's first two, then b and c in turn; a's others wait for a's checks to end
    assert started == ["http://a/0", "http://b/0", "http://c/0", "http://a/1"]
    assert schedule.finished("http://a/0", _page("http://a/0", anchors=frozenset())) is not None
    assert _drain(schedule) == [("http://a/2", False)]
    assert schedule.next() is None


def test_the_window_bounds_checks_running_in_all() -> None:
    schedule = Schedule(window=3, host_cap=10)
    _queue(schedule, *[f"http://h{i}/" for i in range(10)])
    assert len(_drain(schedule)) == 3
    schedule.finished("http://h0/", None)
    assert [url for url, _ in _drain(schedule)] == ["http://h3/"]
    assert schedule.running == 3


def test_done_only_when_closed_and_nothing_waits_or_runs() -> None:
    schedule = Schedule(window=10, host_cap=10)
    _queue(schedule, "http://a/")
    assert not schedule.done
    _drain(schedule)
    schedule.close()
    assert not schedule.done  # still running
    schedule.finished("http://a/", _page("http://a/", code=404))
    assert schedule.done


def test_a_result_without_anchors_is_held_while_more_urls_may_come() -> None:
    schedule = Schedule(window=10, host_cap=10)
    _queue(schedule, "http://a/page", "http://a/pdf", "http://a/gone")
    _drain(schedule)
    page = _page("http://a/page")
    assert lacks_anchors(page)
    assert schedule.finished("http://a/page", page) is None  # a fragment may still come
    pdf = _page("http://a/pdf", kind="application/pdf")
    assert schedule.finished("http://a/pdf", pdf) is pdf  # anchors could never tell more
    gone = _page("http://a/gone", code=404)
    assert schedule.finished("http://a/gone", gone) is gone
    assert schedule.close() == [page]  # the input ended: now it is final


def test_a_late_fragment_checks_a_held_page_again_with_anchors() -> None:
    schedule = Schedule(window=10, host_cap=10)
    _queue(schedule, "http://a/page")
    _drain(schedule)
    first = _page("http://a/page")
    assert schedule.finished("http://a/page", first) is None
    assert schedule.add("http://a/page", True) is False
    assert _drain(schedule) == [("http://a/page", True)]
    assert schedule.fallback("http://a/page") is first  # if the time budget runs out first
    second = _page("http://a/page", anchors=frozenset({"top"}))
    assert schedule.finished("http://a/page", second) is second
    assert schedule.fallback("http://a/page") is None
    assert schedule.close() == []


def test_a_fragment_that_arrives_while_the_check_runs() -> None:
    schedule = Schedule(window=10, host_cap=10)
    _queue(schedule, "http://a/page")
    assert _drain(schedule) == [("http://a/page", False)]
    schedule.add("http://a/page", True)
    assert schedule.next() is None  # nothing to start yet: the check is running
    assert schedule.finished("http://a/page", _page("http://a/page")) is None
    assert _drain(schedule) == [("http://a/page", True)]


def test_after_the_input_ends_nothing_is_held() -> None:
    schedule = Schedule(window=10, host_cap=10)
    _queue(schedule, "http://a/page")
    schedule.close()
    _drain(schedule)
    page = _page("http://a/page")
    assert schedule.finished("http://a/page", page) is page
