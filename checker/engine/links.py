"""Stage *links*: which URLs the pages link to, and what checking them found.

The crawler is called only when a selected rule reads link results; the stage turns
its report into per-URL results, a summary and plain-English notes, and tells a
``LinkProgress`` (the CLI's progress line) what happens, without drawing anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from checker.model import Link, Page
from checker.model.links import CrawlReport, ErrorKind, LinkResult, LinkStatus, fetch_target
from checker.model.report import LinkSummary
from checker.urls import UrlPolicy, url_problem, web_target

if TYPE_CHECKING:  # the crawler (and aiohttp) is imported only when links are checked
    import ssl

    from aiohttp.abc import AbstractResolver

    from checker.crawl import CrawlConfig


class LinkProgress(Protocol):
    """Told what the link stage does, as it does it (the CLI draws a progress line from it)."""

    def planned(self, total: int) -> None:
        """How many links there are to check so far; said again, with a larger total, as
        parsing finds more (links are checked while pages are still being parsed)."""

    def checked(self, result: LinkResult) -> None: ...

    def done(self) -> None: ...


def _default_config() -> CrawlConfig:
    from checker.crawl import CrawlConfig  # noqa: PLC0415

    return CrawlConfig()


@dataclass(frozen=True)
class LinkOptions:
    """How to check links: the crawler's settings, and what tests inject (a resolver, TLS trust)."""

    config: CrawlConfig = field(default_factory=_default_config)
    base_url: str | None = None  # site-relative links are checked against this
    resolver: AbstractResolver | None = None
    ssl_context: ssl.SSLContext | None = None


@dataclass(frozen=True)
class LinkStage:
    results: Mapping[str, LinkResult]  # by fetch key
    summary: LinkSummary
    notes: tuple[str, ...]


def crawlable(
    pages: Sequence[Page], base_url: str | None = None, only: Callable[[Page, Link], bool] | None = None
) -> list[str]:
    """Every web URL the pages link to that can be fetched (duplicates kept; the crawler dedups).

    ``only``: the links to take (``--changed-since``: those on changed lines); default all.
    """
    urls = []
    policy = UrlPolicy()
    for page in pages:
        for link in page.links:
            if only is not None and not only(page, link):
                continue
            target = web_target(link.url, base_url)
            if target is not None and url_problem(target, policy) is None:
                urls.append(target)
    return urls


def relative_links(pages: Sequence[Page]) -> int:
    """How many links are site-relative: checkable only with a base URL."""
    probe = "https://base.invalid/"
    return sum(
        1
        for page in pages
        for link in page.links
        if web_target(link.url, None) is None and web_target(link.url, probe) is not None
    )


Cached = Callable[[Iterable[str]], Mapping[str, LinkResult]]


class _Feed:
    """The links of pages, taken page by page as they are parsed, turned into the URLs the crawler
    fetches: each page's crawlable URLs, less those a stored result stands in for.

    Stored results are asked for once per page, for the fetch keys seen first on it. A stored OK
    result read without the page's anchors stands in only when no link to it has a fragment; as a
    later page may link it with one, it is held back until the last page has come (and fetched, if
    one does), so that what is reused is exactly what a look at every page at once would reuse.
    """

    def __init__(
        self,
        base_url: str | None,
        progress: LinkProgress | None,
        cached: Cached | None,
        only: Callable[[Page, Link], bool] | None,
    ) -> None:
        self._base_url = base_url
        self._progress = progress
        self._cached = cached
        self._only = only
        self.wanted: dict[str, bool] = {}  # fetch key -> a link to it has a fragment
        self.reused: dict[str, LinkResult] = {}  # stored results standing in for fetches
        self._held: dict[str, LinkResult] = {}  # stored OK results without anchors (see above)
        self.relative = 0  # site-relative links seen
        self._told = -1  # the total the progress line was last given

    def add(self, page: Page) -> list[str]:
        """The URLs of ``page`` for the crawler (duplicates kept: it de-duplicates)."""
        urls = [(url, *fetch_target(url)) for url in crawlable([page], self._base_url, self._only)]
        self.relative += relative_links([page])
        wanted, held = self.wanted, self._held
        new: list[str] = []
        for _url, key, fragment in urls:
            if key not in wanted:
                new.append(key)
                wanted[key] = fragment
            elif fragment and not wanted[key]:
                wanted[key] = True
                held.pop(key, None)  # it needs the anchors after all: fetched
        if new and self._cached is not None:
            for key, result in self._cached(new).items():
                if result.anchors is None and result.status is LinkStatus.OK:
                    if not wanted[key]:  # a fragment needs the page's anchors, which it lacks
                        held[key] = result
                else:
                    self.reused[key] = result
        self._tell()
        return [url for url, key, _fragment in urls if key not in self.reused and key not in held]

    def finish(self) -> dict[str, LinkResult]:
        """After the last page: what stands in for fetches."""
        self.reused.update(self._held)
        self._held.clear()
        self._tell()
        return self.reused

    def _tell(self) -> None:
        total = len(self.wanted) - len(self.reused) - len(self._held)
        if self._progress is not None and total != self._told:
            self._progress.planned(total)
            self._told = total


def check_links(
    pages: Sequence[Page],
    options: LinkOptions,
    progress: LinkProgress | None = None,
    *,
    cached: Cached | None = None,
    record: Callable[[LinkResult], None] | None = None,
    only: Callable[[Page, Link], bool] | None = None,
) -> LinkStage:
    """Check every web link of ``pages``: each distinct URL once.

    ``cached`` gives stored results that stand in for fetches (by fetch key); ``record``
    is told each fetched result as it arrives (the store commits it at once).
    """
    from checker.crawl import crawl_sync  # noqa: PLC0415

    feed = _Feed(options.base_url, progress, cached, only)
    to_fetch = [url for page in pages for url in feed.add(page)]
    reused = feed.finish()
    try:
        report = crawl_sync(
            to_fetch,
            options.config,
            resolver=options.resolver,
            ssl_context=options.ssl_context,
            on_result=_arrived(record, progress),
        )
    finally:
        if progress is not None:
            progress.done()
    return _stage(report, reused, feed.relative, options.base_url)


async def check_links_as_parsed(
    pages: AsyncIterable[Page],
    options: LinkOptions,
    progress: LinkProgress | None = None,
    *,
    cached: Cached | None = None,
    record: Callable[[LinkResult], None] | None = None,
    only: Callable[[Page, Link], bool] | None = None,
) -> LinkStage:
    """``check_links`` on pages that arrive as they are parsed: the crawl starts with the first
    page's links and runs while the others are parsed, so the run takes about as long as the
    slower of the two, not both. The results are those of ``check_links`` on the same pages."""
    import asyncio  # noqa: PLC0415

    from checker.crawl import crawl  # noqa: PLC0415

    feed = _Feed(options.base_url, progress, cached, only)
    batches: asyncio.Queue[list[str] | None] = asyncio.Queue()

    async def urls() -> AsyncIterator[str]:
        while (batch := await batches.get()) is not None:
            for url in batch:
                yield url

    crawling = asyncio.create_task(
        crawl(
            urls(),
            options.config,
            resolver=options.resolver,
            ssl_context=options.ssl_context,
            on_result=_arrived(record, progress),
        )
    )
    try:
        async for page in pages:
            batches.put_nowait(feed.add(page))
            if crawling.done():  # it failed: say so now, not after the last page
                break
        reused = feed.finish()
        batches.put_nowait(None)
        report = await crawling
    finally:
        if not crawling.done():
            crawling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await crawling
        elif not crawling.cancelled():
            crawling.exception()  # taken: a Ctrl-C raised in the crawl is on its way up already
        if progress is not None:
            progress.done()
    return _stage(report, reused, feed.relative, options.base_url)


def _arrived(
    record: Callable[[LinkResult], None] | None, progress: LinkProgress | None
) -> Callable[[LinkResult], None] | None:
    """What the crawler tells of each result as it arrives: the store, then the progress line."""
    if record is None and progress is None:
        return None

    def arrived(result: LinkResult) -> None:
        if record is not None:
            record(result)
        if progress is not None:
            progress.checked(result)

    return arrived


def _stage(
    report: CrawlReport, reused: Mapping[str, LinkResult], relative: int, base_url: str | None
) -> LinkStage:
    """The crawl's report and the stored results standing in for fetches, as the run reports them."""
    results = {**reused, **report.results}
    unchecked = sum(result.status is LinkStatus.UNCHECKED for result in results.values())
    summary = LinkSummary(
        len(results), report.requests, report.elapsed, report.network_down, unchecked, len(reused)
    )
    notes: tuple[str, ...] = ()
    out_of_time = sum(result.error_kind is ErrorKind.TIME_BUDGET for result in results.values())
    if report.network_down:
        notes = (
            f"the network is unavailable (names did not resolve, or no host of theirs could be reached), "
            f"so {unchecked - out_of_time} URLs were not checked; this is not a verdict on the links. "
            "Run again when online, or use --offline.",
        )
    if out_of_time:
        notes += (
            f"the time budget for checking links (--max-time) ran out, so {out_of_time} URLs were not "
            "checked; this is not a verdict on the links.",
        )
    if relative and base_url is None:
        notes += (
            f"{relative} site-relative links (such as /digital/...) were not checked; "
            "give --base-url to check them.",
        )
    return LinkStage(results, summary, notes + report.notes)
