"""Crawl a set of URLs: de-duplicate, schedule under limits, detect a dead network.

Each distinct :func:`~checker.model.links.fetch_key` is fetched once, through
one ``aiohttp.ClientSession`` per crawl (see :mod:`.fetch` for the per-URL
logic and :mod:`.limits` for the concurrency and politeness limits).
Non-http(s) URLs are SKIPPED without a request.  When any occurrence of a URL
carries a ``#fragment``, its HTML body is read up to the full size cap so that
its anchors are known.

Network-down rule: the crawl reports ``network_down=True`` when at least one
http(s) URL was tried, no request got any HTTP answer, every fetched URL failed
at DNS or connect level (error kinds ``dns``, ``dns-temporary``, ``connect``,
``no-route``; timeouts, TLS errors and private addresses do not count) and
either more than one host was tried, or a failure was a *temporary* DNS failure
(no nameserver reachable) or "network unreachable".  A single host with an
NXDOMAIN or a refused connection is just a dead link.  When the network is
down every http(s) result becomes UNCHECKED instead of dead.

``on_result`` receives final results only: failures that could still turn out
to be "network down" are held back until something proves the network works
or the crawl ends, so a callback never sees a DEAD that the report later calls
UNCHECKED.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from checker.model.links import CrawlReport, ErrorKind, LinkResult, LinkStatus, fetch_key

from .config import CrawlConfig
from .fetch import Fetcher
from .guard import GuardResolver
from .limits import RequestGate

__all__ = ["crawl", "crawl_sync", "plan"]

OnResult = Callable[[LinkResult], None]
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def plan(urls: Iterable[str]) -> dict[str, bool]:
    """Distinct fetch keys, in first-seen order, mapped to "some occurrence has a fragment"."""
    wanted: dict[str, bool] = {}
    for raw in urls:
        key = fetch_key(raw)
        fragment = raw.partition("#")[2]
        wanted[key] = wanted.get(key, False) or bool(fragment)
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


class _Collector:
    """Stores results and applies the network-down rule (see module docstring)."""

    def __init__(self, on_result: OnResult | None) -> None:
        self.results: dict[str, LinkResult] = {}
        self._on_result = on_result
        self._held: list[LinkResult] = []
        self._network_up = False

    def _emit(self, result: LinkResult) -> None:
        self.results[result.url] = result
        if self._on_result is not None:
            self._on_result(result)

    def add(self, result: LinkResult) -> None:
        neutral = result.status is LinkStatus.SKIPPED or (
            result.status_code is None and result.error_kind is not None and result.error_kind.no_request
        )
        network_level = (
            result.status_code is None and result.error_kind is not None and result.error_kind.network_level
        )
        if neutral or self._network_up:
            self._emit(result)
        elif network_level:
            self._held.append(result)
        else:
            self._network_up = True
            self._emit(result)
            held, self._held = self._held, []
            for r in held:
                self._emit(r)

    def finish(self) -> bool:
        """Emit what is still held; return whether the network was down."""
        held, self._held = self._held, []
        hosts = {urlsplit(r.url).hostname for r in held}
        down = bool(held) and (
            len(hosts) > 1 or any(r.error_kind is not None and r.error_kind.network_hard for r in held)
        )
        for r in held:
            why = f"not checked: the network was unavailable; {r.detail}"
            self._emit(
                _simple(r.url, LinkStatus.UNCHECKED, ErrorKind.NETWORK_DOWN, why, r.attempts) if down else r
            )
        return down


async def crawl(
    urls: Iterable[str],
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    on_result: OnResult | None = None,
) -> CrawlReport:
    """Check every distinct URL once and return the report (see module docstring).

    ``resolver`` replaces the system resolver (tests map names to 127.0.0.1);
    it is wrapped by the address guard and not closed.  ``ssl_context`` is used
    for every https connection (default: system trust store, verification on).
    """
    started = time.monotonic()
    collector = _Collector(on_result)
    to_fetch: list[tuple[str, bool]] = []
    for key, want_anchors in plan(urls).items():
        if _is_http(key):
            to_fetch.append((key, want_anchors))
        else:
            collector.add(
                _simple(key, LinkStatus.SKIPPED, None, "not a web (http/https) address; not checked")
            )
    sent = SimpleNamespace(count=0)
    if to_fetch:
        await _run(
            to_fetch, config, resolver=resolver, ssl_context=ssl_context, collector=collector, sent=sent
        )
    network_down = collector.finish()
    return CrawlReport(
        results=dict(collector.results),
        network_down=network_down,
        requests=sent.count,
        elapsed=time.monotonic() - started,
    )


async def _run(
    to_fetch: list[tuple[str, bool]],
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None,
    ssl_context: ssl.SSLContext | None,
    collector: _Collector,
    sent: SimpleNamespace,
) -> None:
    async def count_sent(
        _session: aiohttp.ClientSession, _ctx: SimpleNamespace, _params: aiohttp.TraceRequestHeadersSentParams
    ) -> None:
        sent.count += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(count_sent)
    inner = resolver if resolver is not None else DefaultResolver()
    guard = GuardResolver(inner, config, owns_inner=resolver is None)
    try:
        connector = aiohttp.TCPConnector(
            resolver=guard,
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
            trace_configs=[trace],
            max_line_size=16 * 1024,
            max_field_size=32 * 1024,
        )
        async with session:
            fetcher = Fetcher(
                session,
                config,
                RequestGate(config.concurrency, config.host_concurrency, config.host_interval),
                random.Random(),
            )

            async def one(url: str, want_anchors: bool) -> None:
                try:
                    result = await fetcher.check(url, want_anchors)
                except Exception as exc:  # a bug must not lose the other results
                    why = f"the check failed unexpectedly ({type(exc).__name__}: {exc})"
                    result = _simple(url, LinkStatus.ERROR, ErrorKind.INTERNAL, why)
                collector.add(result)

            async with asyncio.TaskGroup() as group:
                for url, want_anchors in to_fetch:
                    group.create_task(one(url, want_anchors))
    finally:
        await guard.close()


def crawl_sync(
    urls: Iterable[str],
    config: CrawlConfig,
    *,
    resolver: AbstractResolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
    on_result: OnResult | None = None,
) -> CrawlReport:
    """Blocking wrapper around :func:`crawl` for the CLI (runs its own event loop)."""
    return asyncio.run(crawl(urls, config, resolver=resolver, ssl_context=ssl_context, on_result=on_result))
