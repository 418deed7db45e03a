"""End-to-end crawler tests against the local imitation sites (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from checker.crawl import CrawlConfig, crawl, crawl_sync
from checker.model.links import CrawlReport, LinkResult, LinkStatus, fetch_key

from .sites import REFUSED_HOST, UNKNOWN_HOST, SiteServer

DCMS = "http://www.dcms.gov.uk"
GOVUK = "https://www.gov.uk"
DECC = "http://www.decc.gov.uk"
DIGITAL_IN_DEFENCE = f"{GOVUK}/government/publications/digital-in-defence"
OUR_GOALS = f"{DECC}/en/content/cms/about/our_goals/our_goals.aspx"
WITNESS = "https://assets.publishing.service.gov.uk/media/report.pdf"


async def run(site: SiteServer, config: CrawlConfig, *urls: str) -> CrawlReport:
    return await crawl(urls, config, resolver=site.resolver, ssl_context=site.client_ssl)


async def one(site: SiteServer, config: CrawlConfig, url: str) -> LinkResult:
    """``url``'s result, checked beside a page that answers, as in any real crawl.

    The answer shows that the way to the (local) imitation hosts works, so that a refused
    connection is a verdict on its link rather than a sign of a dead network.
    """
    report = await run(site, config, url, WITNESS)
    assert not report.network_down
    return report.results[fetch_key(url)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{DCMS}/images/publications/DCMS_Annual_Report.pdf", (LinkStatus.DEAD, 404, "http-status")),
        (f"{DCMS}/reference_library/publications/3719.aspx", (LinkStatus.DEAD, 410, "http-status")),
        (f"{DCMS}/images/research/Taking_Part.pdf", (LinkStatus.DEAD, 404, "http-status")),
        (f"{DCMS}/bad-request", (LinkStatus.ERROR, 400, "http-status")),
        (f"{GOVUK}/government/publications/missing-report", (LinkStatus.SOFT_404, 200, "not-found-page")),
        (f"{DCMS}/what_we_do/broadcasting/default.aspx", (LinkStatus.SOFT_404, 200, "redirect-home")),
        (
            f"{DCMS}/reference_library/research_and_statistics/4872.aspx",
            (LinkStatus.SOFT_404, 200, "redirect-search"),
        ),
        (f"{DCMS}/loop/a.aspx", (LinkStatus.ERROR, 302, "redirect-loop")),
        (f"{DCMS}/chain/0", (LinkStatus.ERROR, 302, "too-many-redirects")),
        (
            "http://www.parliament.uk/business/publications/written-questions/",
            (LinkStatus.BLOCKED, 403, "bot-challenge"),
        ),
        ("http://www.parliament.uk/business/committees/", (LinkStatus.BLOCKED, 503, "bot-challenge")),
        ("http://www.parliament.uk/members-area/", (LinkStatus.BLOCKED, 401, "login")),
        ("http://www.legislation.gov.uk/ukpga/2008/28/contents", (LinkStatus.BLOCKED, 429, "rate-limited")),
        (f"http://{UNKNOWN_HOST}/publications/", (LinkStatus.DEAD, None, "dns")),
        (f"http://{REFUSED_HOST}/spending_review/spend_index.htm", (LinkStatus.UNREACHABLE, None, "connect")),
        ("https://www.direct.gov.uk/en/index.htm", (LinkStatus.UNREACHABLE, None, "tls")),
        ("https://assets.publishing.service.gov.uk/media/report.pdf", (LinkStatus.OK, 200, None)),
    ],
)
async def test_status_of_each_case(
    site: SiteServer, config: CrawlConfig, url: str, expected: tuple[LinkStatus, int | None, str | None]
) -> None:
    result = await one(site, config, url)
    assert (result.status, result.status_code, result.error_kind) == expected, result.detail
    assert result.detail


async def test_moved_page_follows_permanent_redirect(site: SiteServer, config: CrawlConfig) -> None:
    url = f"{DCMS}/publications/9586.aspx"
    result = await one(site, config, url)
    assert result.status is LinkStatus.OK
    assert result.final_url == DIGITAL_IN_DEFENCE
    assert [(h.url, h.status_code, h.location) for h in result.redirects] == [(url, 301, DIGITAL_IN_DEFENCE)]
    assert result.permanent_redirect
    assert result.attempts == 2
    assert result.content_type == "text/html"


async def test_temporary_redirect_is_not_permanent(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, f"{DCMS}/what_we_do/broadcasting/default.aspx")
    assert not result.permanent_redirect
    assert "home page https://www.gov.uk/" in result.detail


async def test_redirect_chain_limits(site: SiteServer, config: CrawlConfig) -> None:
    loop = await one(site, config, f"{DCMS}/loop/a.aspx")
    assert [h.location for h in loop.redirects] == [f"{DCMS}/loop/b.aspx", f"{DCMS}/loop/a.aspx"]
    chain = await one(site, dataclasses.replace(config, max_redirects=3), f"{DCMS}/chain/0")
    assert len(chain.redirects) == 4
    assert site.hits("www.dcms.gov.uk", "/chain/4") == 0  # the 4th hop is never followed


async def test_head_rejecting_servers_look_fine(site: SiteServer, config: CrawlConfig) -> None:
    urls = [f"{DECC}/en/content/cms/news/head{code}.aspx" for code in (405, 501, 404, 403)]
    report = await run(site, config, *urls)
    assert {r.status for r in report.results.values()} == {LinkStatus.OK}
    assert {method for (_h, _p, method) in site.requests} == {"GET"}


async def test_500_is_retried_then_error(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, "http://www.ons.gov.uk/economy/statistics.aspx")
    assert result.status is LinkStatus.ERROR
    assert result.attempts == config.retries + 1
    assert site.hits("www.ons.gov.uk", "/economy/statistics.aspx") == config.retries + 1


async def test_connection_refused_is_retried(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, f"http://{REFUSED_HOST}/")
    assert result.status is LinkStatus.UNREACHABLE
    assert result.attempts == config.retries + 1


async def test_bot_challenge_is_not_retried(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, "http://www.parliament.uk/business/committees/")
    assert result.attempts == 1
    assert "check this link by hand" in result.detail


async def test_429_retry_after_seconds(site: SiteServer, config: CrawlConfig) -> None:
    started = time.monotonic()
    result = await one(site, config, "http://www.legislation.gov.uk/ukpga/2008/27/contents")
    assert result.status is LinkStatus.OK
    assert result.attempts == 2
    assert time.monotonic() - started >= 0.95  # Retry-After: 1 was honoured


async def test_503_retry_after_http_date(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, "http://www.nationalarchives.gov.uk/webarchive/")
    assert result.status is LinkStatus.OK
    assert result.attempts == 2


async def test_retry_after_beyond_cap_gives_up(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, "http://www.legislation.gov.uk/ukpga/2008/28/contents")
    assert result.attempts == 1


async def test_slow_but_fine_and_too_slow(site: SiteServer, config: CrawlConfig) -> None:
    fine = await one(site, config, f"{GOVUK}/government/news/slow-but-fine")
    assert fine.status is LinkStatus.OK
    assert fine.elapsed >= 0.25
    quick = dataclasses.replace(config, read_timeout=0.1, retries=1)
    slow = await one(site, quick, f"{GOVUK}/government/news/very-slow")
    assert (slow.status, slow.error_kind) == (LinkStatus.UNREACHABLE, "timeout")
    assert slow.attempts == 2
    assert slow.elapsed < 1.5


async def test_total_timeout_bounds_the_whole_check(site: SiteServer, config: CrawlConfig) -> None:
    tight = dataclasses.replace(config, read_timeout=5.0, total_timeout=0.3)
    started = time.monotonic()
    result = await one(site, tight, f"{GOVUK}/government/news/very-slow")
    assert (result.status, result.error_kind) == (LinkStatus.UNREACHABLE, "timeout")
    assert time.monotonic() - started < 1.5


async def test_each_url_fetched_once_and_anchors(site: SiteServer, config: CrawlConfig) -> None:
    urls = [
        f"{OUR_GOALS}#dds",
        OUR_GOALS,
        f"{OUR_GOALS}#missing",
        "http://WWW.DECC.GOV.UK:80/en/content/cms/about/our_goals/our_goals.aspx#goal-2",
        f"{DIGITAL_IN_DEFENCE}#contents",
        f"{DIGITAL_IN_DEFENCE}#summary",
        f"{DCMS}/publications/9586.aspx#contents",
        f"{DCMS}/publications/9586.aspx",
        "mailto:enquiries@decc.gsi.gov.uk",
    ]
    seen: list[str] = []
    report = await crawl(
        urls,
        config,
        resolver=site.resolver,
        ssl_context=site.client_ssl,
        on_result=lambda r: seen.append(r.url),
    )
    assert sorted(seen) == sorted(report.results)
    assert len(report.results) == 4
    goals = report.results[OUR_GOALS]
    assert goals.has_anchor("dds") is True
    assert goals.has_anchor("goal-2") is True  # <a name=...>
    assert goals.has_anchor("missing") is False
    assert goals.has_anchor("top") is True
    moved = report.results[f"{DCMS}/publications/9586.aspx"]
    assert moved.has_anchor("contents") is True
    assert report.results["mailto:enquiries@decc.gsi.gov.uk"].status is LinkStatus.SKIPPED
    assert site.hits("www.decc.gov.uk", "/en/content/cms/about/our_goals/our_goals.aspx") == 1
    assert site.hits("www.gov.uk", "/government/publications/digital-in-defence") == 2  # direct + via 301
    assert site.hits("www.dcms.gov.uk", "/publications/9586.aspx") == 1
    assert report.requests == sum(site.requests.values()) == 4


async def test_non_html_has_unknown_anchors(site: SiteServer, config: CrawlConfig) -> None:
    result = await one(site, config, "https://assets.publishing.service.gov.uk/media/report.pdf#page=3")
    assert result.anchors is None
    assert result.has_anchor("page=3") is None


async def test_gzip_and_deflate_bodies(site: SiteServer, config: CrawlConfig) -> None:
    report = await run(
        site, config, f"{DECC}/assets/decc/gzip.aspx#dds", f"{DECC}/assets/decc/deflate.aspx#dds"
    )
    for result in report.results.values():
        assert result.status is LinkStatus.OK
        assert result.has_anchor("dds") is True
        assert not result.truncated


async def test_gzip_bomb_is_capped(site: SiteServer, config: CrawlConfig) -> None:
    capped = dataclasses.replace(config, max_decompressed_bytes=256 * 1024)
    result = await one(site, capped, f"{DECC}/assets/decc/bomb.aspx#end")
    assert result.status is LinkStatus.OK
    assert result.truncated
    assert result.has_anchor("start") is True
    assert result.has_anchor("end") is None  # beyond the cap: unknown, not "missing"


async def test_skipped_schemes_make_no_request(site: SiteServer, config: CrawlConfig) -> None:
    report = await run(site, config, "mailto:x@dcms.gov.uk", "ftp://ftp.example/x", "tel:+44")
    assert {r.status for r in report.results.values()} == {LinkStatus.SKIPPED}
    assert report.requests == 0
    assert not site.resolver.lookups


async def test_malformed_urls_are_errors_without_requests(site: SiteServer, config: CrawlConfig) -> None:
    urls = ["http://", "http://[::1", "http://www.dcms.gov.uk:99999/", "http://2130706433/"]
    report = await run(site, config, *urls)
    assert {(r.status, r.error_kind) for r in report.results.values()} == {(LinkStatus.ERROR, "invalid-url")}
    assert not report.network_down
    assert not site.requests


def test_crawl_sync_runs_its_own_loop(config: CrawlConfig) -> None:
    report = crawl_sync(["mailto:a@b.gov.uk", "http://"], config)
    assert [r.status for r in report.results.values()] == [LinkStatus.SKIPPED, LinkStatus.ERROR]
    assert report.requests == 0
