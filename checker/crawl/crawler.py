"""Crawl a set of URLs: de-duplicate, schedule under limits, detect a dead network.

Each distinct :func:`~checker.model.links.fetch_key` is fetched once, through
one ``aiohttp.ClientSession`` per crawl (see :mod:`.fetch` for the per-URL
logic and :mod:`.limits` for the concurrency and politeness limits).
Non-http(s) URLs are SKIPPED without a request.  When any occurrence of a URL
carries a ``#fragment``, its HTML body is read up to the full size cap so that
its anchors are known.

The URLs come as a list or as an async iterable that yields them while the crawl runs
(the engine feeds each page's links as the page is parsed).  Checks start with the first
URL; at most a bounded number run at once, host by host in turn (:mod:`.schedule`), so a
crawl of 100,000 URLs holds a few hundred coroutines, not 100,000 tasks.  A URL seen first
without a fragment and later with one, after its check without anchors, is checked again
(two requests for that URL); such results wait until the input ends before they are
reported, so that each URL is reported once (see :mod:`.schedule`).

Network-down rule: a failure to reach a host at all (error kinds ``dns``,
``dns-temporary``, ``connect``, ``no-route``, ``connect-timeout``) is a verdict on
the link only when the network demonstrably works (see :mod:`.network`):

* A failed name lookup is confirmed by looking up the well-known names of
  ``CrawlConfig.dns_probes`` (once per crawl).  If one resolves, the link's name
  really does not exist (DEAD, or UNREACHABLE for a lookup that keeps failing); if
  none does, DNS is not working here, the link is UNCHECKED and the crawl reports
  ``network_down``, even when some other (e.g. local) host answered.
* A failed connection is a verdict once some other host at the same kind of address
  (public, or local) has answered over HTTP in this crawl; until then it is held.
  When the crawl ends, held failures are UNCHECKED and the crawl reports
  ``network_down``: nothing showed that the way to those hosts works.
* With ``dns_probes`` empty, failed lookups follow the old heuristic: held until any
  HTTP answer; at the end the network is down when they span more than one host or
  one was a temporary DNS failure, and a single host's NXDOMAIN is just a dead link.

Timeouts after connecting, TLS errors and private addresses are verdicts as they come.

Time budget: with ``CrawlConfig.max_time`` set, the whole crawl (DNS probes, retries and
all) ends when it runs out.  Nothing new starts, what runs is cancelled, and every URL
without a verdict by then is UNCHECKED with error kind ``time-budget``: not checked, never
dead; so is every URL an async input yields after that (the input is still read to its
end, so that every URL it gives has a result).  Failures held back as possible "network
down" are settled as usual.

Requests are counted as aiohttp sends them (:func:`_counting_request`), robots.txt and
retries included.

``on_result`` receives final results only: failures that could still turn out
to be "network down" are held back until something proves the network works
or the crawl ends, so a callback never sees a DEAD that the report later calls
UNCHECKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import ssl
import time
from collections.abc import AsyncIterable, Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.connector import Connection
from aiohttp.resolver import DefaultResolver

from checker.model.links import CrawlReport, ErrorKind, LinkResult, LinkStatus, fetch_target

from .config import CrawlConfig
from .fetch import Fetcher
from .guard import ConnectGuard, GuardResolver
from .limits import RequestGate
from .network import AddressBook, DnsProbe, Reach
from .schedule import Schedule

__all__ = ["crawl", "crawl_sync", "plan"]

OnResult = Callable[[LinkResult], None]
Urls = Iterable[str] | AsyncIterable[str]
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def plan(urls: Iterable[str]) -> dict[str, bool]:
    """Distinct fetch keys, in first-seen order, mapped to "some occurrence has a fragment"."""
    wanted: dict[str, bool] = {}
    for raw in urls:
        key, fragment = fetch_target(raw)
        wanted[key] = wanted.get(key, False) or fragment
    return wanted


def _simple(
    url: str, status: LinkStatus, kind: ErrorKind | None, detail: str, attempts: int = 0
) -> LinkResult:
    return LinkResult(
        url=url,
        status=status,
        status_code=None,
        final_url=url,
        redirects=(),
        permanent_redirect=False,
        error_kind=kind,
        detail=detail,
        elapsed=0.0,
        attempts=attempts,
        content_type=None,
        anchors=None,
        checked_at=datetime.now(UTC),
    )


def _is_http(url: str) -> bool:
    # by prefix, not urlsplit: a malformed http URL must be reported, not skipped
    return url.partition(":")[0].lower() in ("http", "https") and ":" in url


_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)")


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _neutral(result: LinkResult) -> bool:
    """No request was made, so the result says nothing about the network."""
    kind = result.error_kind
    return result.status is LinkStatus.SKIPPED or (
        result.status_code is None and kind is not None and kind.no_request
    )


def _unchecked(result: LinkResult, why: str) -> LinkResult:
    return _simple(result.url, LinkStatus.UNCHECKED, ErrorKind.NETWORK_DOWN, why, result.attempts)


def _out_of_time(url: str, budget: float) -> LinkResult:
    why = f"not checked: the time budget for the whole run ({budget:g} s) ran out first"
    return _simple(url, LinkStatus.UNCHECKED, ErrorKind.TIME_BUDGET, why)


def _old_heuristic_down(held: list[LinkResult]) -> bool:
    """Failed lookups with probing off: down when several hosts failed, or DNS failed "for now"."""
    hosts = {_host(r.url) for r in held}
    return bool(held) and (
        len(hosts) > 1 or any(r.error_kind is not None and r.error_kind.network_hard for r in held)
    )


class _Collector:
    """Stores results and decides which failures to reach a host are verdicts (see module docstring).

    A held failure waits with the kinds of address (:class:`Reach`) that some HTTP answer
    must have come from before the failure counts; an empty set means any answer will do
    (a failed lookup while probing is off).
    """

    def __init__(self, on_result: OnResult | None, book: AddressBook, probes: tuple[str, ...]) -> None:
        self.results: dict[str, LinkResult] = {}
        self._on_result = on_result
        self._book = book
        self._probes = probes
        self._held: list[tuple[LinkResult, frozenset[Reach]]] = []
        self._answered: set[Reach] = set()  # kinds of address that answered over HTTP
        self._reach: dict[str, frozenset[Reach]] = {}  # by authority; see note_resolved
        self._dns_down = False  # a lookup failed and no probe name resolved

    def witness(self, result: LinkResult) -> None:
        """Learn from a result that is not reported yet what it shows about the network."""
        if self._learn(result):
            self._release()

    def pending(self, urls: Iterable[str]) -> list[str]:
        """Those of ``urls`` with no result yet, emitted or held."""
        held = {result.url for result, _needs in self._held}
        return [url for url in urls if url not in self.results and url not in held]

    def _emit(self, result: LinkResult) -> None:
        self.results[result.url] = result
        if self._on_result is not None:
            self._on_result(result)

    def add(self, result: LinkResult, dns_works: bool | None = None) -> None:
        """Take one result; ``dns_works`` is the probes' answer when its lookup failed (None: no probe)."""
        learnt = self._learn(result)
        kind = result.error_kind
        if _neutral(result) or kind is None or not kind.network_level:
            self._emit(result)
        elif kind.dns_level and dns_works is not None:
            self._settle_lookup(result, dns_works)
        else:
            needs = self._needs(result)
            if self._answered and needs <= self._answered:
                self._emit(result)
            else:
                self._held.append((result, needs))
        if learnt:  # only new evidence can release anything: each held result is looked at rarely
            self._release()

    def _learn(self, result: LinkResult) -> bool:
        """Note the kinds of address that answered over HTTP in ``result``; True if one is new.

        Every redirect hop answered, and so did the last host unless the result is a failure
        to get an answer from it.
        """
        answered = [hop.url for hop in result.redirects]
        kind = result.error_kind
        if result.status_code is not None and (kind is None or kind.answered):
            answered.append(result.final_url)
        before = len(self._answered)
        for url in answered:
            reach = self._reach_of(url)
            if len(reach) == 1:  # a host at both kinds of address proves neither
                self._answered |= reach
        return len(self._answered) > before

    def _reach_of(self, url: str) -> frozenset[Reach]:
        """``self._book.reach`` of the host of ``url``, remembered by authority (``host:port``).

        Every answer is looked at, and parsing its URL and host (IP literal? IDNA?) cost more
        than the rest of the bookkeeping; what the book knows changes only when a name is
        looked up, which :meth:`note_resolved` is told of.
        """
        match = _AUTHORITY.match(url)
        if match is None:
            return self._book.reach(_host(url))
        authority = match.group(1)
        reach = self._reach.get(authority)
        if reach is None:
            reach = self._reach[authority] = self._book.reach(_host(url))
        return reach

    def note_resolved(self, host: str, addresses: Iterable[str]) -> None:
        """The guard resolved ``host``: note it in the address book, and forget what changes."""
        self._book.note(host, addresses)
        self._reach.clear()

    def _needs(self, result: LinkResult) -> frozenset[Reach]:
        kind = result.error_kind
        if kind is not None and kind.dns_level:  # probing is off
            return frozenset()
        # where the connection failed; a host never resolved counts as public, the stricter case
        return self._book.reach(_host(result.final_url)) or frozenset({Reach.PUBLIC})

    def _settle_lookup(self, result: LinkResult, dns_works: bool) -> None:
        if dns_works:
            self._emit(result)
            return
        self._dns_down = True
        names = ", ".join(self._probes)
        why = (
            f"not checked: the network was unavailable (DNS is not working here: none of {names} "
            f"could be looked up); {result.detail}"
        )
        self._emit(_unchecked(result, why))

    def _release(self) -> None:
        waiting = []
        for result, needs in self._held:
            if needs <= self._answered:
                self._emit(result)
            else:
                waiting.append((result, needs))
        self._held = waiting

    def finish(self) -> bool:
        """Decide what is still held; return whether the network was down."""
        held, self._held = self._held, []
        results = [result for result, _needs in held]
        down = self._dns_down or any(needs for _result, needs in held) or _old_heuristic_down(results)
        for r in results:
            self._emit(_unchecked(r, f"not checked: the network was unavailable; {r.detail}") if down else r)
        return down


async def crawl(
    urls: Urls,
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    on_result: OnResult | None = None,
) -> CrawlReport:
    """Check every distinct URL once and return the report (see module docstring).

    ``urls`` is a list (or any iterable), or an async iterable that yields URLs while the
    crawl runs (the engine feeds the links of each page as it is parsed): checks start with
    the first URL, and the crawl ends when the input has ended and every URL is checked.  A
    URL first seen without a fragment and later with one is checked again for its anchors
    if the first check, already made, read a page without them (see :mod:`.schedule`).  If
    the async iterable raises, the crawl stops and the exception propagates.  With a time
    budget, URLs that arrive after it ran out are UNCHECKED (``time-budget``) at once.

    ``resolver`` replaces the system resolver (tests map names to 127.0.0.1);
    it is wrapped by the address guard and not closed.  ``ssl_context`` is used
    for every https connection (default: system trust store, verification on).
    """
    started = time.monotonic()
    book = AddressBook()
    collector = _Collector(on_result, book, config.dns_probes)
    intake = _Intake(Schedule(_window(config), config.host_concurrency), collector, config.max_time)
    feeder: asyncio.Task[None] | None = None
    if isinstance(urls, AsyncIterable):
        feeder = asyncio.create_task(intake.feed(urls))
    else:
        for key, want_anchors in plan(urls).items():
            intake.take(key, want_anchors)
        intake.close(None)
    sent = _Sent()
    notes: list[str] = []
    try:
        if not intake.schedule.done:
            budget = config.max_time
            timer = asyncio.timeout_at(_loop_time(started + budget) if budget else None)
            try:
                async with timer:
                    await _run(
                        intake,
                        config,
                        resolver=resolver,
                        ssl_context=ssl_context,
                        on_resolved=collector.note_resolved,
                        sent=sent,
                        notes=notes,
                    )
            except TimeoutError:
                if not budget or not timer.expired():
                    raise
                intake.expired = True
        if feeder is not None:
            await feeder  # after the time budget ran out, the rest of the input is still taken in
        if intake.schedule.error is not None:
            raise intake.schedule.error
    finally:
        if feeder is not None and not feeder.done():
            feeder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feeder
    if intake.expired:
        intake.settle_unfinished()
    network_down = collector.finish()
    return CrawlReport(
        results=dict(collector.results),
        network_down=network_down,
        requests=sent.count,
        elapsed=time.monotonic() - started,
        notes=tuple(notes),
    )


def _window(config: CrawlConfig) -> int:
    """How many URL checks may run at once: enough to keep the gate busy when hosts are paced."""
    return max(1024, 8 * config.concurrency)


class _Sent:
    """Requests sent in one crawl."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def _counting_request(sent: _Sent) -> type[aiohttp.ClientRequest]:
    """A request class that counts each request as it is sent.

    Counted where aiohttp writes the request line and headers (a connection was made),
    which is when a trace's ``on_request_headers_sent`` fires; a ``TraceConfig`` would do
    the same but makes aiohttp build a trace context and some ten signal parameters for
    every request.
    """

    class CountingRequest(aiohttp.ClientRequest):
        async def send(self, conn: Connection) -> aiohttp.ClientResponse:
            sent.count += 1
            return await super().send(conn)

    return CountingRequest


class _Intake:
    """URLs in (de-duplicated by :class:`Schedule`), results out to the collector."""

    def __init__(self, schedule: Schedule, collector: _Collector, budget: float | None) -> None:
        self.schedule = schedule
        self._collector = collector
        self._budget = budget
        self.expired = False  # the time budget ran out: nothing more is checked

    def take(self, key: str, fragment: bool) -> None:
        """One occurrence of the fetch key ``key``; ``fragment``: it has a ``#fragment``."""
        if not self.schedule.add(key, fragment):
            return
        if not _is_http(key):
            self._collector.add(
                _simple(key, LinkStatus.SKIPPED, None, "not a web (http/https) address; not checked")
            )
        elif self.expired:
            assert self._budget is not None
            self._collector.add(_out_of_time(key, self._budget))
        else:
            self.schedule.enqueue(key)

    async def feed(self, urls: AsyncIterable[str]) -> None:
        """Take the URLs of ``urls`` as they come; close the schedule at the end (or on an error)."""
        try:
            async for raw in urls:
                self.take(*fetch_target(raw))
        except Exception as exc:  # the input failed: the crawl stops, and crawl() raises it
            self.close(exc)
        else:
            self.close(None)

    def close(self, error: Exception | None) -> None:
        for result in self.schedule.close(error):
            self._collector.add(result)

    def settle(self, key: str, result: LinkResult | None, dns_works: bool | None) -> None:
        """A check of ``key`` ended (``result`` None: it was cancelled)."""
        final = self.schedule.finished(key, result)
        if final is not None:
            self._collector.add(final, dns_works)
        elif result is not None:  # held or checked again: what it shows about the network counts now
            self._collector.witness(result)

    def settle_unfinished(self) -> None:
        """After the time budget ran out: a result for every URL that has none."""
        assert self._budget is not None
        keys = (key for key in self.schedule.wanted if _is_http(key))
        for key in self._collector.pending(keys):
            fallback = self.schedule.fallback(key)
            self._collector.add(fallback if fallback is not None else _out_of_time(key, self._budget))


def _loop_time(deadline: float) -> float:
    """``deadline`` (``time.monotonic``) on the event loop's clock."""
    return asyncio.get_running_loop().time() + (deadline - time.monotonic())


async def _run(
    intake: _Intake,
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None,
    ssl_context: ssl.SSLContext | None,
    on_resolved: Callable[[str, list[str]], None],
    sent: _Sent,
    notes: list[str],
) -> None:
    """Check what ``intake`` schedules; the request gate's notes go into ``notes`` (also when
    the run is cut short)."""
    inner = resolver if resolver is not None else DefaultResolver()
    connect_guard = ConnectGuard(config)
    guard = GuardResolver(
        inner, config, owns_inner=resolver is None, on_resolved=on_resolved, connect_guard=connect_guard
    )
    probe = DnsProbe(guard, config.dns_probes, config.dns_probe_timeout)
    gate = RequestGate(config.concurrency, config.host_concurrency, config.host_interval)
    try:
        connector = aiohttp.TCPConnector(
            resolver=guard,
            socket_factory=connect_guard,  # every address, right before connecting
            ssl=ssl_context if ssl_context is not None else True,
            limit=config.concurrency,
            limit_per_host=0,  # RequestGate enforces host_concurrency
            ttl_dns_cache=300,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # body.read_capped decompresses with a cap
            trust_env=False,  # never route through environment proxies
            headers={
                "User-Agent": config.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": "gzip, deflate",
                "Accept-Language": "en-GB,en;q=0.8",
            },
            request_class=_counting_request(sent),
            max_line_size=16 * 1024,
            max_field_size=32 * 1024,
            max_headers=128,  # an endless stream of headers is a bad response, not a memory leak
        )
        async with session:
            fetcher = Fetcher(session, config, gate, random.Random())

            async def one(url: str, want_anchors: bool) -> None:
                dns_works: bool | None = None
                try:
                    result = await fetcher.check(url, want_anchors)
                    kind = result.error_kind
                    if kind is not None and kind.dns_level and probe.names:
                        dns_works = await probe.works()  # a failed lookup: does DNS work here?
                except Exception as exc:  # a bug must not lose the other results
                    why = f"the check failed unexpectedly ({type(exc).__name__}: {exc})"
                    result = _simple(url, LinkStatus.ERROR, ErrorKind.INTERNAL, why)
                except BaseException:  # cancelled (time budget, Ctrl-C): no result
                    intake.settle(url, None, None)
                    raise
                intake.settle(url, result, dns_works)

            schedule = intake.schedule
            checks: set[asyncio.Task[None]] = set()
            async with asyncio.TaskGroup() as group:
                while schedule.error is None and not schedule.done:
                    while (start := schedule.next()) is not None:
                        check = group.create_task(one(*start))
                        checks.add(check)
                        check.add_done_callback(checks.discard)
                    await schedule.changed()
                for check in checks:  # the input failed: stop what runs (crawl() raises its error)
                    check.cancel()
    finally:
        notes.extend(gate.notes)
        await probe.close()
        await guard.close()


def crawl_sync(
    urls: Urls,
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    on_result: OnResult | None = None,
) -> CrawlReport:
    """Blocking wrapper around :func:`crawl` for the CLI (runs its own event loop)."""
    reports: list[CrawlReport] = []

    async def main() -> None:
        # the report comes out here, not as the main task's result: on its way out, asyncio.run
        # (Python 3.11) formats the main task, result and all, twice (a tenth of a second for
        # 10,000 results)
        report = await crawl(urls, config, resolver=resolver, ssl_context=ssl_context, on_result=on_result)
        reports.append(report)

    asyncio.run(main())
    return reports[0]
