"""Stage *links*: which URLs the pages link to, and what checking them found.

The crawler is called only when a selected rule reads link results; the stage turns
its report into per-URL results, a summary and plain-English notes, and tells a
``LinkProgress`` (the CLI's progress line) what happens, without drawing anything.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp.abc import AbstractResolver

from checker.crawl import CrawlConfig, crawl_sync
from checker.crawl import plan as crawl_plan
from checker.model import Link, Page
from checker.model.links import ErrorKind, LinkResult, LinkStatus, fetch_key
from checker.model.report import LinkSummary
from checker.urls import UrlPolicy, url_problem, web_target


class LinkProgress(Protocol):
    """Told what the link stage does, as it does it (the CLI draws a progress line from it)."""

    def planned(self, total: int) -> None: ...

    def checked(self, result: LinkResult) -> None: ...

    def done(self) -> None: ...


@dataclass(frozen=True)
class LinkOptions:
    """How to check links: the crawler's settings, and what tests inject (a resolver, TLS trust)."""

    config: CrawlConfig = field(default_factory=CrawlConfig)
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


def check_links(
    pages: Sequence[Page],
    options: LinkOptions,
    progress: LinkProgress | None = None,
    *,
    cached: Callable[[Iterable[str]], Mapping[str, LinkResult]] | None = None,
    record: Callable[[LinkResult], None] | None = None,
    only: Callable[[Page, Link], bool] | None = None,
) -> LinkStage:
    """Check every web link of ``pages``: each distinct URL once.

    ``cached`` gives stored results that stand in for fetches (by fetch key); ``record``
    is told each fetched result as it arrives (the store commits it at once).
    """
    urls = crawlable(pages, options.base_url, only)
    planned = crawl_plan(urls)
    reused = {
        key: result
        for key, result in (cached(planned) if cached is not None else {}).items()
        # a fragment needs the page's anchors, which a result fetched without one lacks
        if not (planned.get(key) and result.anchors is None and result.status is LinkStatus.OK)
    }
    to_fetch = [url for url in urls if fetch_key(url) not in reused]
    if progress is not None:
        progress.planned(len(planned) - len(reused))

    def arrived(result: LinkResult) -> None:
        if record is not None:
            record(result)
        if progress is not None:
            progress.checked(result)

    try:
        report = crawl_sync(
            to_fetch,
            options.config,
            resolver=options.resolver,
            ssl_context=options.ssl_context,
            on_result=arrived if record is not None or progress is not None else None,
        )
    finally:
        if progress is not None:
            progress.done()
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
    relative = relative_links(pages)
    if relative and options.base_url is None:
        notes += (
            f"{relative} site-relative links (such as /digital/...) were not checked; "
            "give --base-url to check them.",
        )
    return LinkStage(results, summary, notes)
