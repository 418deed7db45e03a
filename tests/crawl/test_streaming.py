"""Crawls fed by an async iterable (the engine's pages as they are parsed), and page reading.

Real HTTP on 127.0.0.1 (:class:`SiteServer`); no timed assertions: orderings and counts.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterable

import pytest
from aiohttp import web

from checker.crawl import CrawlConfig, crawl, crawl_sync
from checker.model.links import CrawlReport, ErrorKind, LinkResult, LinkStatus

from .sites import SiteServer, html, slow, status

HOST = "www.example-department.gov.uk"
BASE = f"http://{HOST}"
PAGE = f"{BASE}/page"


def _site() -> SiteServer:
    routes = {
        HOST: {
            "/page": html("Annual report", "<h2 id='summary'>Summary</h2>"),
            "/other": html("Other report", "<p id='x'>x</p>"),
            "/missing": html("Page not found - GOV.UK", "<h1>Page not found</h1>"),
            "/gone": status(404),
            "/slow": slow(0.1, html("Slow", "<p id='s'>s</p>")),
            "/pdf": status(200),
        }
    }
    return SiteServer(routes)


def _signal_requests(site: SiteServer, path: str) -> asyncio.Event:
    """An event set when ``path`` is first requested."""
    requested = asyncio.Event()
    handler = site.routes[HOST][path]

    async def signalling(request: web.Request, server: SiteServer) -> web.StreamResponse:
        requested.set()
        return await handler(request, server)

    site.routes[HOST][path] = signalling
    return requested


async def _feed(urls: Iterable[str], *, before: Callable[[str], object] | None = None) -> AsyncIterator[str]:
    for url in urls:
        if before is not None:
            waited = before(url)
            if asyncio.iscoroutine(waited):
                await waited
        yield url


async def _crawl(site: SiteServer, config: CrawlConfig, urls: object, seen: list[LinkResult]) -> CrawlReport:
    return await crawl(
        urls,  # type: ignore[arg-type]
        config,
        resolver=site.resolver,
        ssl_context=site.client_ssl,
        on_result=seen.append,
    )


def _summary(report: CrawlReport) -> dict[str, tuple[LinkStatus, int | None, frozenset[str] | None]]:
    return {url: (r.status, r.status_code, r.anchors) for url, r in report.results.items()}


async def test_an_async_iterable_gives_the_same_results_as_a_list(config: CrawlConfig) -> None:
    urls = [PAGE, f"{PAGE}#summary", f"{BASE}/missing", f"{BASE}/gone", "mailto:x@example.org", PAGE]
    async with _site() as site:
        listed: list[LinkResult] = []
        from_list = await _crawl(site, config, urls, listed)
        list_requests = sum(site.requests.values())
        site.requests.clear()
        streamed: list[LinkResult] = []
        from_stream = await _crawl(site, config, _feed(urls), streamed)
    assert _summary(from_stream) == _summary(from_list)
    assert from_stream.results[PAGE].anchors == frozenset({"summary"})
    assert from_stream.results[f"{BASE}/missing"].status is LinkStatus.SOFT_404
    assert from_stream.results["mailto:x@example.org"].status is LinkStatus.SKIPPED
    assert from_stream.requests == sum(site.requests.values()) == list_requests == 3
    assert sorted(r.url for r in streamed) == sorted(r.url for r in listed) == sorted(from_list.results)


async def test_checks_start_with_the_first_url(config: CrawlConfig) -> None:
    """The input waits for the first URL's request before giving the next: no deadlock."""
    async with _site() as site:
        requested = _signal_requests(site, "/page")

        async def first_requested(url: str) -> None:
            if url != PAGE:
                await requested.wait()

        seen: list[LinkResult] = []
        stream = _feed([PAGE, f"{BASE}/gone"], before=first_requested)
        report = await asyncio.wait_for(_crawl(site, config, stream, seen), 30)
    assert report.results[f"{BASE}/gone"].status is LinkStatus.DEAD
    assert report.results[PAGE].status is LinkStatus.OK


async def test_a_fragment_given_at_once_costs_no_second_request(config: CrawlConfig) -> None:
    async with _site() as site:
        seen: list[LinkResult] = []
        report = await _crawl(site, config, _feed([PAGE, f"{PAGE}#summary"]), seen)
    assert site.hits(HOST, "/page") == 1
    assert report.results[PAGE].anchors == frozenset({"summary"})
    assert [r.url for r in seen] == [PAGE]


async def test_a_late_fragment_gets_the_anchors_and_the_url_is_reported_once(config: CrawlConfig) -> None:
    """First seen without a fragment and checked; the fragment comes later: checked again."""
    async with _site() as site:
        requested = _signal_requests(site, "/page")

        async def after_the_page_was_requested(url: str) -> None:
            if "#" in url:
                await requested.wait()
                await asyncio.sleep(0.05)

        seen: list[LinkResult] = []
        stream = _feed([PAGE, f"{BASE}/pdf", f"{PAGE}#summary"], before=after_the_page_was_requested)
        report = await _crawl(site, config, stream, seen)
    assert site.hits(HOST, "/page") == 2
    assert report.requests == 3
    assert report.results[PAGE].anchors == frozenset({"summary"})
    assert sorted(r.url for r in seen) == [PAGE, f"{BASE}/pdf"]  # each once, the page with anchors
    assert next(r for r in seen if r.url == PAGE).anchors == frozenset({"summary"})


async def test_a_page_without_fragments_is_not_parsed_for_anchors(config: CrawlConfig) -> None:
    async with _site() as site:
        seen: list[LinkResult] = []
        report = await _crawl(site, config, [PAGE, f"{BASE}/other#x"], seen)
    assert report.results[PAGE].anchors is None
    assert report.results[PAGE].status is LinkStatus.OK
    assert report.results[f"{BASE}/other"].anchors == frozenset({"x"})


async def test_an_input_that_fails_stops_the_crawl_with_its_error(config: CrawlConfig) -> None:
    async def failing() -> AsyncIterator[str]:
        yield f"{BASE}/slow"
        raise ValueError("the page could not be parsed")

    async with _site() as site:
        with pytest.raises(ValueError, match="could not be parsed"):
            await asyncio.wait_for(_crawl(site, config, failing(), []), 30)


async def test_urls_after_the_time_budget_are_not_checked(config: CrawlConfig) -> None:
    """The budget runs out while a check runs; URLs that come later are not checked either."""
    budget = dataclasses.replace(config, max_time=0.5)
    async with _site() as site:
        site.routes[HOST]["/very-slow"] = slow(10.0, html("Slow", ""))

        async def late(url: str) -> None:
            if url.endswith("/gone"):
                await asyncio.sleep(1.5)  # well after the budget ran out

        seen: list[LinkResult] = []
        urls = [f"{BASE}/very-slow", f"{BASE}/gone", "mailto:x@example.org"]
        report = await _crawl(site, budget, _feed(urls, before=late), seen)
    for url in (f"{BASE}/very-slow", f"{BASE}/gone"):
        assert report.results[url].status is LinkStatus.UNCHECKED
        assert report.results[url].error_kind is ErrorKind.TIME_BUDGET
    assert report.results["mailto:x@example.org"].status is LinkStatus.SKIPPED
    assert site.hits(HOST, "/gone") == 0
    assert sorted(r.url for r in seen) == sorted(report.results)
    assert not report.network_down


def test_crawl_sync_takes_an_async_iterable(config: CrawlConfig) -> None:
    report = crawl_sync(_feed(["mailto:x@example.org", "ftp://example.org/a#b"]), config)
    assert {r.status for r in report.results.values()} == {LinkStatus.SKIPPED}
    assert sorted(report.results) == ["ftp://example.org/a", "mailto:x@example.org"]
    assert report.requests == 0
    assert crawl_sync([], config).results == {}


async def test_links_to_a_slow_host_do_not_hold_up_other_hosts(config: CrawlConfig) -> None:
    """Twenty links to a host that takes one request at a time, then one to another host."""
    one_at_a_time = dataclasses.replace(config, host_concurrency=1)
    async with _site() as site:
        site.routes["www.gov.uk"] = {"/quick": html("Quick", "")}
        seen: list[LinkResult] = []
        urls = [f"{BASE}/slow?n={i}" for i in range(20)] + ["https://www.gov.uk/quick"]
        report = await _crawl(site, one_at_a_time, urls, seen)
    assert report.results["https://www.gov.uk/quick"].status is LinkStatus.OK
    assert [r.url for r in seen].index("https://www.gov.uk/quick") < 5
    assert site.max_inflight[HOST] == 1


async def test_a_title_split_over_many_chunks(config: CrawlConfig) -> None:
    """The body comes in small pieces, the title cut in the middle of a word."""

    async def chunked(request: web.Request, _site: SiteServer) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        for piece in [
            "<html><head><ti",
            "tle>Page not fo",
            "und - GOV",
            ".UK</title></he",
            "ad><body></body>",
        ]:
            await response.write(piece.encode())
            await asyncio.sleep(0.01)
        await response.write_eof()
        return response

    async with _site() as site:
        site.routes[HOST]["/chunked"] = chunked
        report = await _crawl(site, config, [f"{BASE}/chunked"], [])
    result = report.results[f"{BASE}/chunked"]
    assert result.status is LinkStatus.SOFT_404
    assert "Page not found - GOV.UK" in result.detail


async def test_a_large_page_with_anchors_is_read_in_a_worker_thread(config: CrawlConfig) -> None:
    """Above 64 KiB the anchors are parsed off the event loop; the verdict is the same."""
    filler = "<p>" + "text " * 200 + "</p>"
    body = "<h1 id='top'>Report</h1>" + filler * 200 + "<h2 id='end'>End</h2>"
    async with _site() as site:
        site.routes[HOST]["/large"] = html("Large report", body)
        site.routes[HOST]["/large-missing"] = html("Page not found", body)
        report = await _crawl(site, config, [f"{BASE}/large#end", f"{BASE}/large-missing#top"], [])
    large = report.results[f"{BASE}/large"]
    assert large.status is LinkStatus.OK
    assert large.anchors is not None and {"top", "end"} <= large.anchors
    assert report.results[f"{BASE}/large-missing"].status is LinkStatus.SOFT_404


async def test_requests_are_counted_with_redirects_and_retries(config: CrawlConfig) -> None:
    flaky_count = {"n": 0}

    async def flaky(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        flaky_count["n"] += 1
        return web.Response(status=503 if flaky_count["n"] == 1 else 200, text="ok")

    async def moved(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        return web.Response(status=301, headers={"Location": "/page"})

    async with _site() as site:
        site.routes[HOST]["/flaky"] = flaky
        site.routes[HOST]["/moved"] = moved
        report = await _crawl(site, config, [f"{BASE}/flaky", f"{BASE}/moved", f"{BASE}/gone"], [])
    assert report.requests == sum(site.requests.values()) == 5  # 2 + 2 + 1
