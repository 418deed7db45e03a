"""Adaptive per-host pacing and robots.txt (issue 12).

The pacing state is driven with a fake clock; the crawls run against local servers on
127.0.0.1 that record what they saw (request starts, peak requests in flight).  Nothing here
asserts that something was fast: only orders, counts, lower bounds on gaps (a loaded machine
can only make them longer) and generous upper bounds on what must not stall.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from checker.cli import commands as cli
from checker.cli import options
from checker.crawl import CrawlConfig, crawl
from checker.crawl.limits import RequestGate
from checker.crawl.pacing import FIRST_GAP, RECOVERY_STEPS, HostPace
from checker.crawl.robots import MAX_BYTES, crawl_delay, product_token
from checker.engine import links as links_stage
from checker.model.links import ErrorKind, LinkStatus

from .sites import UNKNOWN_HOST, Handler, SiteServer, html, redirect, slow, status

UA = "checker/0.1 (+link checker)"
HOST = "www.dft.gov.uk"


# --- the pacing state, with a fake clock ---------------------------------------------------------


def _good(pace: HostPace, now: float, times: int = 1, latency: float = 0.02) -> float:
    """``times`` requests started one after another from ``now``, each answered 200."""
    for _ in range(times):
        pace.started(now)
        now += latency
        assert pace.answered(now - latency, now, 200, None) is None
    return now


def test_the_window_starts_at_half_the_ceiling_and_grows_to_it() -> None:
    pace = HostPace(ceiling=8)
    assert (pace.limit, pace.gap, pace.ready_at()) == (4, 0.0, -math.inf)
    now = _good(pace, 0.0, times=3)
    assert pace.limit == 7  # one more with each good answer, until the host pushes back
    _good(pace, now, times=100)
    assert pace.limit == 8  # and never more than the ceiling
    assert HostPace(ceiling=1).limit == 1
    assert HostPace(ceiling=3).limit == 2


def test_a_429_halves_the_window_and_doubles_the_gap_up_to_the_cap() -> None:
    pace = HostPace(ceiling=8, cap=1.0)
    now = _good(pace, 0.0, times=40)
    assert pace.limit == 8
    gaps = []
    for _ in range(6):
        pace.started(now)
        assert pace.answered(now, now + 0.01, 429, None) == "answered 429"
        now += 0.01
        gaps.append(pace.gap)
    assert pace.limit == 1
    assert gaps == [FIRST_GAP, 0.2, 0.4, 0.8, 1.0, 1.0]  # the first allows ten a second
    assert pace.ready_at() == pytest.approx(now - 0.01 + 1.0)  # one gap after the last start
    assert pace.slowdowns == 6


Outcome = Callable[[HostPace], str | None]


def test_503_timeouts_and_resets_slow_down_but_a_dead_host_does_not() -> None:
    slowing: list[Outcome] = [
        lambda p: p.answered(0.0, 0.1, 503, None),
        lambda p: p.answered(0.0, 0.1, 500, 2.0),  # an error with Retry-After
        lambda p: p.failed(0.0, 0.1, ErrorKind.TIMEOUT),
        lambda p: p.failed(0.0, 0.1, ErrorKind.RESET),
        lambda p: p.failed(0.0, 0.1, ErrorKind.DISCONNECTED),
    ]
    neutral: list[Outcome] = [
        lambda p: p.answered(0.0, 0.1, 404, None),
        lambda p: p.answered(0.0, 0.1, 500, None),
        lambda p: p.answered(0.0, 0.1, 301, 10.0),  # Retry-After means nothing on a redirect
        lambda p: p.failed(0.0, 0.1, ErrorKind.CONNECT),
        lambda p: p.failed(0.0, 0.1, ErrorKind.CONNECT_TIMEOUT),
        lambda p: p.failed(0.0, 0.1, ErrorKind.DNS),
        lambda p: p.failed(0.0, 0.1, ErrorKind.TLS),
        lambda p: p.failed(0.0, 0.1, None),
    ]
    for outcome in slowing:
        pace = HostPace(ceiling=4)
        assert outcome(pace) is not None
        assert (pace.limit, pace.gap) == (1, FIRST_GAP)
    for outcome in neutral:
        pace = HostPace(ceiling=4)
        assert outcome(pace) is None
        assert (pace.slowdowns, pace.gap, pace.resume_at) == (0, 0.0, -math.inf)
        assert pace.limit >= 2


def test_retry_after_pauses_the_whole_host_up_to_the_cap() -> None:
    pace = HostPace(ceiling=4, pause_cap=30.0)
    pace.started(10.0)
    pace.answered(10.0, 10.5, 429, 3.0)
    assert pace.ready_at() == 13.5  # the pause, not the gap, decides
    pace.started(13.5)
    pace.answered(13.5, 14.0, 503, 3600.0)
    assert pace.ready_at() == 44.0  # capped at 30 s
    pace.answered(13.5, 14.0, 429, 0.0)  # "now" pauses nothing
    assert pace.ready_at() == 44.0


def test_answers_to_requests_sent_before_a_slow_down_do_not_slow_it_down_again() -> None:
    pace = HostPace(ceiling=8)
    now = _good(pace, 0.0, times=40)
    starts = [now + i * 0.001 for i in range(8)]  # eight in flight at once
    for start in starts:
        pace.started(start)
    assert pace.answered(starts[0], now + 0.1, 429, None) is not None
    for start in starts[1:]:  # the other seven were sent at the old pace: no further halving
        assert pace.answered(start, now + 0.1, 429, 1.0) is None
    assert (pace.limit, pace.gap, pace.slowdowns) == (4, FIRST_GAP, 1)
    assert pace.ready_at() == pytest.approx(now + 1.1)  # but their Retry-After still pauses the host
    # and their good answers do not speed it up either
    assert pace.answered(starts[0], now + 0.2, 200, None) is None
    assert (pace.limit, pace.gap) == (4, FIRST_GAP)


def test_speeding_up_again_is_gradual_and_ends_at_the_floor() -> None:
    pace = HostPace(ceiling=8, floor=0.0)
    pace.started(0.0)
    pace.answered(0.0, 0.1, 429, None)
    rate = 1 / pace.gap
    now = _good(pace, 0.2, times=RECOVERY_STEPS)
    assert 1 / pace.gap == pytest.approx(2 * rate)  # sixteen good answers double the rate
    assert pace.limit == 6  # 2, then one more per window's worth of good answers: 2 + 3 + 4 + 5 < 16
    seen = [pace.gap]
    while pace.gap > 0:
        now = _good(pace, now)
        seen.append(pace.gap)
        assert len(seen) < 20_000
    assert seen == sorted(seen, reverse=True)  # never faster by more than a step, never slower
    assert len(seen) > 10 * RECOVERY_STEPS  # slowly: it took hundreds of good answers
    assert pace.limit == 8


def test_slow_answers_compared_with_the_hosts_own_usual_time() -> None:
    pace = HostPace(ceiling=8)
    now = _good(pace, 0.0, times=20, latency=0.02)
    now = _good(pace, now, latency=0.09)  # 20 ms to 90 ms is no signal
    assert (pace.gap, pace.slowdowns) == (0.0, 0)
    before = pace.limit
    pace.started(now)
    assert pace.answered(now, now + 1.5, 200, None) == "answered in 1.5 s (usually 0.03 s)"
    assert (pace.limit, pace.gap) == (before // 2, FIRST_GAP)
    # a host that is always slow is its own baseline
    steady = HostPace(ceiling=8)
    _good(steady, 0.0, times=30, latency=3.0)
    assert (steady.slowdowns, steady.limit) == (0, 8)


def test_a_crawl_delay_is_the_floor() -> None:
    pace = HostPace(ceiling=4, floor=0.0, cap=5.0)
    pace.set_floor(2.0)
    assert pace.gap == 2.0
    pace.started(0.0)
    pace.answered(0.0, 0.1, 429, None)
    assert pace.gap == 4.0
    _good(pace, 1.0, times=500)
    assert pace.gap == 2.0  # back to the floor, never below it
    pace.set_floor(9.0)  # a floor above the cap raises the cap
    assert (pace.gap, pace.cap) == (9.0, 9.0)


# --- robots.txt: reading Crawl-delay -------------------------------------------------------------


def test_product_token() -> None:
    assert product_token(UA) == "checker"
    assert product_token("Checker") == "checker"
    assert product_token("  ") == ""


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("User-agent: *\nCrawl-delay: 10\n", 10.0),
        ("user-agent: *\ncrawl-delay: 0.5 # half a second\n", 0.5),
        ("User-agent: *\r\nDisallow: /private\r\nCrawl-delay: 3\r\n", 3.0),
        # our own group wins over *, even without a Crawl-delay of its own
        ("User-agent: *\nCrawl-delay: 10\n\nUser-agent: Checker/2.0\nCrawl-delay: 1\n", 1.0),
        ("User-agent: *\nCrawl-delay: 10\n\nUser-agent: checker\nDisallow:\n", None),
        # several user agents share one group; a new group starts after a rule
        ("User-agent: googlebot\nUser-agent: checker\nCrawl-delay: 2\nUser-agent: *\nCrawl-delay: 9\n", 2.0),
        ("User-agent: googlebot\nCrawl-delay: 20\n", None),
        ("User-agent: *\nCrawl-delay: 2\nCrawl-delay: 4\n", 4.0),  # the longest
        ("Crawl-delay: 5\nUser-agent: *\n", None),  # a rule before any group belongs to none
        ("User-agent: *\nCrawl-delay: soon\n", None),
        ("User-agent: *\nCrawl-delay: -1\n", None),
        ("User-agent: *\nCrawl-delay: nan\n", None),
        ("User-agent: *\nCrawl-delay: inf\n", None),
        ("", None),
        ("<html><body>Welcome</body></html>", None),
        ("\x00\xff garbage: \ufffd\nUser-agent *\nCrawl-delay 4", None),
    ],
)
def test_crawl_delay(text: str, delay: float | None) -> None:
    assert crawl_delay(text, UA) == delay


# --- against local servers -----------------------------------------------------------------------

BASE = dataclasses.replace(
    CrawlConfig(),
    connect_timeout=1.0,
    read_timeout=2.0,
    total_timeout=30.0,
    backoff_base=0.01,
    backoff_cap=0.05,
    retry_after_cap=2.0,
    robots=False,
    robots_timeout=0.5,
    allow_private=True,
    dns_probes=(),
)


def _pages(site: SiteServer, host: str, count: int, handler: Handler) -> list[str]:
    site.routes[host] = {f"/doc/{i}": handler for i in range(count)}
    site.resolver = site.make_resolver()
    return [f"http://{host}/doc/{i}" for i in range(count)]


def _page_starts(site: _Recording, host: str) -> list[float]:
    """Server-side start times of the requests for pages (not robots.txt) to ``host``."""
    return [t for t, path in zip(site.starts[host], site.paths[host], strict=True) if path != "/robots.txt"]


class _Recording(SiteServer):
    """A :class:`SiteServer` that also keeps the path of each request, in order, per host."""

    def __init__(self) -> None:
        super().__init__(routes={})
        self.paths: dict[str, list[str]] = {}

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.paths.setdefault(self.host_of(request), []).append(request.path)
        return await super()._dispatch(request)


@pytest.fixture
async def recording() -> AsyncIterator[_Recording]:
    server = _Recording()
    async with server:
        yield server


class _RateLimited:
    """Answers 429 (Retry-After: 1) to a request when ``limit`` requests came in the last second."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.recent: deque[float] = deque()
        self.log: list[tuple[float, int]] = []  # (when, status) of each answer

    async def __call__(self, request: web.Request, site: SiteServer) -> web.StreamResponse:
        now = time.monotonic()
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.limit:
            self.log.append((now, 429))
            return web.Response(status=429, text="slow down", headers={"Retry-After": "1"})
        self.recent.append(now)
        await asyncio.sleep(0.005)
        self.log.append((now, 200))
        return web.Response(text="<title>Doc</title>", content_type="text/html")


async def test_a_host_answering_429_gets_fewer_requests_a_second_and_every_link_is_checked(
    recording: _Recording,
) -> None:
    limited = _RateLimited(limit=20)
    urls = _pages(recording, HOST, 60, limited)
    config = dataclasses.replace(BASE, host_concurrency=8, concurrency=32, retries=4)
    report = await crawl(urls, config, resolver=recording.resolver)

    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert len(report.results) == 60
    first_429 = next(when for when, code in limited.log if code == 429)
    starts = recording.starts[HOST]
    before = [t for t in starts if t < first_429]
    after = [t for t in starts if t > first_429]
    rate_before = len(before) / max(first_429 - starts[0], 1e-3)
    rate_after = len(after) / max(starts[-1] - first_429, 1e-3)
    refused = sum(1 for _when, code in limited.log if code == 429)
    print(
        f"requests a second before the first 429: {rate_before:.0f}, after: {rate_after:.1f}; 429s: {refused}"
    )
    assert len(before) >= 20  # it took the limit's worth of requests to get there
    assert rate_after < rate_before / 2
    assert rate_after < 20  # under the host's limit on the whole, pauses included
    # the host was paused: nothing it had not been sent before the 429 came in the next second
    assert len([t for t in after if t < first_429 + 0.9]) <= config.host_concurrency
    # a few 429s while it adapts, not one for every retry of every link
    assert refused <= 3 * config.host_concurrency, refused


async def test_a_healthy_host_reaches_the_ceiling_and_never_passes_it(recording: _Recording) -> None:
    urls = _pages(recording, HOST, 80, slow(0.02, html("Doc")))
    config = dataclasses.replace(BASE, host_concurrency=6, concurrency=64, robots=True)
    report = await crawl(urls, config, resolver=recording.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert recording.max_inflight[HOST] == 6
    assert recording.hits(HOST, "/robots.txt") == 1
    # the first request went alone, then robots.txt, then the rest
    assert recording.paths[HOST][:2] == ["/doc/0", "/robots.txt"]
    assert report.requests == 81


@pytest.mark.parametrize("ceiling", [1, 3])
async def test_the_ceiling_holds_through_retries_redirects_and_slow_downs(
    recording: _Recording, ceiling: int
) -> None:
    answers: dict[str, Handler] = {}
    for i in range(10):  # good answers first, so that the window reaches the ceiling
        answers[f"/ok/{i}"] = slow(0.01, html("Doc"))
        answers[f"/moved/{i}"] = redirect(f"/ok/{i}")
        answers[f"/gone/{i}"] = status(404)
    for i in range(4):
        answers[f"/busy/{i}"] = _busy_once(f"/busy/{i}")
    answers["/very-slow"] = slow(1.2, html("Doc"))
    recording.routes[HOST] = answers
    recording.resolver = recording.make_resolver()
    urls = [f"http://{HOST}{path}" for path in answers]
    # each busy link slows the host down: a low cap keeps the test short
    config = dataclasses.replace(
        BASE, host_concurrency=ceiling, concurrency=64, robots=True, max_host_interval=0.2
    )
    report = await crawl(urls, config, resolver=recording.resolver)
    statuses: defaultdict[str, set[LinkStatus]] = defaultdict(set)
    for url, result in report.results.items():
        statuses[url.split("/")[3]].add(result.status)
    assert statuses.pop("gone") == {LinkStatus.DEAD}
    assert set(statuses) == {"ok", "moved", "busy", "very-slow"}
    assert all(found == {LinkStatus.OK} for found in statuses.values()), statuses
    assert recording.hits(HOST, "/robots.txt") == 1
    assert recording.max_inflight[HOST] == ceiling


def _busy_once(path: str) -> Handler:
    async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
        if site.hits(HOST, path) == 1:
            return web.Response(status=503, headers={"Retry-After": "0"})
        return web.Response(text="<title>Doc</title>", content_type="text/html")

    return handler


async def test_crawl_delay_is_kept_between_request_starts(recording: _Recording) -> None:
    urls = _pages(recording, HOST, 5, html("Doc"))
    urls += _pages(recording, "www.dh.gov.uk", 5, html("Doc"))
    recording.routes[HOST]["/robots.txt"] = _text("User-agent: *\nCrawl-delay: 0.3\n")
    config = dataclasses.replace(BASE, robots=True)
    report = await crawl(urls, config, resolver=recording.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    gaps = [b - a for a, b in itertools.pairwise(_page_starts(recording, HOST))]
    assert len(gaps) == 4
    assert min(gaps) >= 0.27, gaps  # small tolerance for server-side timing
    assert recording.hits(HOST, "/robots.txt") == 1
    # the other host has no robots.txt (404): no delay, and it did not wait for the first
    other = _page_starts(recording, "www.dh.gov.uk")
    assert other[-1] < _page_starts(recording, HOST)[-1]


async def test_robots_off_means_no_robots_txt(recording: _Recording) -> None:
    urls = _pages(recording, HOST, 3, html("Doc"))
    recording.routes[HOST]["/robots.txt"] = _text("User-agent: *\nCrawl-delay: 30\n")
    report = await crawl(urls, BASE, resolver=recording.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert recording.hits(HOST, "/robots.txt") == 0


def _text(body: str | bytes, status_code: int = 200, headers: dict[str, str] | None = None) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    sent = {"Content-Type": "text/plain", **(headers or {})}

    async def handler(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        return web.Response(status=status_code, body=data, headers=sent)

    return handler


def _huge() -> Handler:
    """2 MiB of comments, then a Crawl-delay past what is read."""
    filler = b"# " + b"x" * 1000 + b"\n"
    body = b"User-agent: *\n" + filler * (2 * 1024 * 1024 // len(filler)) + b"Crawl-delay: 30\n"
    assert len(body) > MAX_BYTES
    return _text(body)


def _endless() -> Handler:
    async def handler(request: web.Request, _site: SiteServer) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        await response.write(b"User-agent: *\n")
        for _ in range(10_000):
            await response.write(b"# more\n" * 1000)
        return response

    return handler


BROKEN = {
    "server-error": _text("User-agent: *\nCrawl-delay: 30\n", 500),
    "missing": status(404),
    "garbage": _text(b"\x00\xff\xfe" * 5000),
    "html": _text("<html><title>Welcome</title></html>", headers={"Content-Type": "text/html"}),
    "huge": _huge(),
    "endless": _endless(),
    "slow": slow(30.0, _text("User-agent: *\nCrawl-delay: 30\n")),
    "redirect-loop": redirect("/robots.txt", 302),
    "gzip-garbage": _text(b"\x1f\x8b\x08garbage", headers={"Content-Encoding": "gzip"}),
}


@pytest.mark.parametrize("kind", list(BROKEN))
async def test_a_broken_robots_txt_does_not_stall_the_crawl(recording: _Recording, kind: str) -> None:
    urls = _pages(recording, HOST, 6, html("Doc"))
    recording.routes[HOST]["/robots.txt"] = BROKEN[kind]
    config = dataclasses.replace(BASE, robots=True)
    started = time.monotonic()
    report = await crawl(urls, config, resolver=recording.resolver)
    took = time.monotonic() - started
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert took < 10.0, took  # the slow one sleeps 30 s; robots_timeout is 0.5 s
    assert 1 <= recording.hits(HOST, "/robots.txt") <= 6  # once, or once per redirect hop
    gaps = [b - a for a, b in itertools.pairwise(_page_starts(recording, HOST))]
    assert len(gaps) == 5 and max(gaps) < 5.0  # no Crawl-delay of 30 s was taken from it


async def test_a_host_that_cannot_be_reached_is_not_asked_for_robots_txt(site: SiteServer) -> None:
    urls = [f"http://{UNKNOWN_HOST}/a", f"http://{UNKNOWN_HOST}/b"]
    config = dataclasses.replace(BASE, robots=True, retries=0)
    report = await crawl(urls, config, resolver=site.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.DEAD}
    # the first link's lookup failed; robots.txt was not looked up, nor the second link
    # (a name without a DNS record is a verdict for the whole host)
    assert site.resolver.lookups.count(UNKNOWN_HOST) == 1
    assert report.requests == 0


async def test_a_crawl_delay_above_the_cap_is_capped_with_a_note(recording: _Recording) -> None:
    recording.routes[HOST] = {"/robots.txt": _text("User-agent: checker\nCrawl-delay: 600\n")}
    recording.resolver = recording.make_resolver()
    config = dataclasses.replace(BASE, robots=True, max_host_interval=1.5)
    gate = RequestGate(4, 4, 0.0)
    connector = aiohttp.TCPConnector(resolver=recording.resolver)
    async with aiohttp.ClientSession(connector=connector, headers={"User-Agent": UA}) as session:
        gate.bind(session, config)
        url = URL(f"http://{HOST}/doc/1")
        async with gate.slot(HOST, url) as ticket:
            ticket.answered(200)
        assert recording.hits(HOST, "/robots.txt") == 0  # read before the second request, not the first
        async with gate.slot(HOST, url) as ticket:
            assert ticket.waited >= 1.4  # the capped delay since the first start
    pace = gate.pace(HOST)
    assert pace is not None and pace.floor == 1.5
    assert recording.hits(HOST, "/robots.txt") == 1
    assert gate.notes == [
        f"{HOST} asks for 600 s between requests (Crawl-delay in its robots.txt); checker kept 1.5 s "
        "between them, the most it waits for one host"
    ]


def test_pacing_settings_reach_the_crawler() -> None:
    def config(*flags: str) -> CrawlConfig:
        args = cli._parser().parse_args(["check", *flags, "x.md"])
        return options.link_options(options.settings_of(args)).config

    default, crawler = config(), CrawlConfig()
    pacing = (default.host_concurrency, default.host_interval, default.robots)
    assert pacing == (crawler.host_concurrency, crawler.host_interval, crawler.robots) == (8, 0.0, True)
    chosen = config("--host-concurrency", "3", "--host-interval", "0.25", "--no-robots")
    assert (chosen.host_concurrency, chosen.host_interval, chosen.robots) == (3, 0.25, False)


async def test_a_capped_crawl_delay_reaches_the_report_and_the_run_notes(recording: _Recording) -> None:
    recording.routes[HOST] = {"/robots.txt": _text("User-agent: checker\nCrawl-delay: 600\n")}
    recording.resolver = recording.make_resolver()
    config = dataclasses.replace(BASE, robots=True, max_host_interval=0.2)
    urls = [f"http://{HOST}/doc/1", f"http://{HOST}/doc/2"]
    report = await crawl(urls, config, resolver=recording.resolver)
    note = (
        f"{HOST} asks for 600 s between requests (Crawl-delay in its robots.txt); checker kept 0.2 s "
        "between them, the most it waits for one host"
    )
    assert report.notes == (note,)
    assert note in links_stage._stage(report, {}, 0, None).notes
