"""Concurrency and politeness limits, measured server-side."""

from __future__ import annotations

import dataclasses
import itertools

from checker.crawl import CrawlConfig, crawl
from checker.model.links import LinkStatus

from .sites import SiteServer, html, slow


def _add_pages(site: SiteServer, hosts: list[str], count: int, delay: float) -> list[str]:
    urls = []
    for host in hosts:
        site.routes[host] = {f"/publications/{i}.aspx": slow(delay, html(f"Doc {i}")) for i in range(count)}
        urls += [f"http://{host}/publications/{i}.aspx" for i in range(count)]
    site.resolver = site.make_resolver()
    return urls


async def test_per_host_and_global_concurrency(site: SiteServer, config: CrawlConfig) -> None:
    hosts = ["www.dft.gov.uk", "www.defra.gov.uk", "www.dwp.gov.uk"]
    urls = _add_pages(site, hosts, 6, 0.1)
    limited = dataclasses.replace(config, concurrency=4, host_concurrency=2)
    report = await crawl(urls, limited, resolver=site.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert all(site.max_inflight[h] == 2 for h in hosts), site.max_inflight
    assert site.max_inflight_total == 4
    assert report.requests == len(urls)


async def test_host_interval_between_request_starts(site: SiteServer, config: CrawlConfig) -> None:
    urls = _add_pages(site, ["www.dfid.gov.uk", "www.dh.gov.uk"], 4, 0.0)
    polite = dataclasses.replace(config, host_interval=0.15, host_concurrency=2)
    report = await crawl(urls, polite, resolver=site.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    for host in ["www.dfid.gov.uk", "www.dh.gov.uk"]:
        starts = site.starts[host]
        assert len(starts) == 4
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert min(gaps) >= 0.12, gaps  # small tolerance for server-side timing
    # the two hosts ran in parallel: the whole crawl took ~3 intervals, not ~7
    assert report.elapsed < 0.15 * 6
    # queueing for the politeness slot does not count as the link being slow
    assert max(r.elapsed for r in report.results.values()) < 0.1
