"""Address guard and network-down detection, end to end (only 127.0.0.1 is ever contacted)."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from checker.crawl import CrawlConfig, crawl
from checker.crawl.config import DEFAULT_DNS_PROBES
from checker.crawl.guard import forbidden_literal, is_forbidden_address
from checker.model.links import LinkResult, LinkStatus

from .sites import REFUSED_HOST, UNKNOWN_HOST, SiteServer

MOVED = "http://www.dcms.gov.uk/publications/9586.aspx"


@pytest.fixture
def guarded(config: CrawlConfig) -> CrawlConfig:
    return dataclasses.replace(config, allow_private=False)


async def test_host_resolving_to_loopback_is_private(site: SiteServer, guarded: CrawlConfig) -> None:
    report = await crawl([MOVED], guarded, resolver=site.resolver, ssl_context=site.client_ssl)
    result = report.results[MOVED]
    assert (result.status, result.error_kind) == (LinkStatus.PRIVATE, "private-address")
    assert "127.0.0.1" in result.detail
    assert not site.requests
    assert report.requests == 0
    assert not report.network_down


async def test_ip_literal_is_private_without_connecting(site: SiteServer, guarded: CrawlConfig) -> None:
    urls = [f"http://127.0.0.1:{site.port}/secret", f"http://[::1]:{site.port}/secret"]
    report = await crawl(urls, guarded, resolver=site.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.PRIVATE}
    assert not site.requests


@pytest.mark.parametrize(
    ("path", "blocked_host"), [("/to-loopback", "127.0.0.1"), ("/to-intranet", "intranet.dcms.gov.uk")]
)
async def test_redirect_hop_to_private_address_is_caught(
    site: SiteServer, guarded: CrawlConfig, path: str, blocked_host: str
) -> None:
    # www.dcms.gov.uk is allow-listed (as an intranet host would be), its redirect target is not.
    config = dataclasses.replace(guarded, private_host_allowlist=frozenset({"www.dcms.gov.uk"}))
    url = f"http://www.dcms.gov.uk{path}"
    result = (await crawl([url], config, resolver=site.resolver)).results[url]
    assert (result.status, result.status_code) == (LinkStatus.PRIVATE, 302)
    assert len(result.redirects) == 1
    assert site.hits("www.dcms.gov.uk", path) == 1
    assert site.hits(blocked_host, "/secret") == 0


def test_forbidden_addresses() -> None:
    for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
                    "fc00::1", "ff02::1", "::ffff:127.0.0.1", "not-an-ip"]:  # fmt: skip
        assert is_forbidden_address(address), address
    for address in ["8.8.8.8", "151.101.0.144", "2a04:4e42::144"]:
        assert not is_forbidden_address(address), address
    config = CrawlConfig()
    assert forbidden_literal("[::1]", config) == "::1"
    assert forbidden_literal("10.0.0.1", config) == "10.0.0.1"
    assert forbidden_literal("www.gov.uk", config) is None
    assert forbidden_literal("10.0.0.1", dataclasses.replace(config, allow_private=True)) is None


async def test_network_down_when_every_lookup_fails(site: SiteServer, config: CrawlConfig) -> None:
    seen: list[LinkResult] = []
    urls = [MOVED, "https://www.gov.uk/government/publications/digital-in-defence", "mailto:x@y.gov.uk"]
    report = await crawl(
        urls, config, resolver=site.make_resolver(fail_all=socket.EAI_AGAIN), on_result=seen.append
    )
    assert report.network_down
    statuses = {url: r.status for url, r in report.results.items()}
    assert statuses == {
        urls[0]: LinkStatus.UNCHECKED,
        urls[1]: LinkStatus.UNCHECKED,
        urls[2]: LinkStatus.SKIPPED,
    }
    assert "network was unavailable" in report.results[MOVED].detail
    assert sorted(r.status.value for r in seen) == ["skipped", "unchecked", "unchecked"]
    assert report.requests == 0
    assert not site.requests


async def test_single_temporary_dns_failure_is_network_down(site: SiteServer, config: CrawlConfig) -> None:
    report = await crawl([MOVED], config, resolver=site.make_resolver(fail_all=socket.EAI_AGAIN))
    assert report.network_down
    assert report.results[MOVED].status is LinkStatus.UNCHECKED


async def test_without_probes_several_failing_hosts_count_as_network_down(
    site: SiteServer, config: CrawlConfig
) -> None:
    # dns_probes empty: failed lookups follow the old heuristic, and no probe name is looked up
    urls = [f"http://{UNKNOWN_HOST}/a", f"http://{REFUSED_HOST}/b"]
    report = await crawl(urls, dataclasses.replace(config, dns_probes=()), resolver=site.resolver)
    assert report.network_down
    assert {r.status for r in report.results.values()} == {LinkStatus.UNCHECKED}
    assert set(site.resolver.lookups) == {UNKNOWN_HOST, REFUSED_HOST}


async def test_unknown_name_is_dead_when_dns_works_even_if_nothing_answered(
    site: SiteServer, config: CrawlConfig
) -> None:
    # a probe name resolves, so the NXDOMAIN is a verdict; but no host answered over HTTP,
    # so the refused connection proves nothing about its link
    urls = [f"http://{UNKNOWN_HOST}/a", f"http://{REFUSED_HOST}/b"]
    report = await crawl(urls, config, resolver=site.resolver)
    assert report.network_down
    assert [report.results[u].status for u in urls] == [LinkStatus.DEAD, LinkStatus.UNCHECKED]


async def test_one_unknown_host_alone_is_just_dead(site: SiteServer, config: CrawlConfig) -> None:
    # DNS demonstrably works here (the probe names resolve), so a name it does not know is dead
    urls = [f"http://{UNKNOWN_HOST}/a", f"http://{UNKNOWN_HOST}/b"]
    serial = dataclasses.replace(config, host_concurrency=1)
    report = await crawl(urls, serial, resolver=site.resolver)
    assert not report.network_down
    assert {r.status for r in report.results.values()} == {LinkStatus.DEAD}
    assert site.resolver.lookups.count(UNKNOWN_HOST) == 1  # the host verdict is remembered
    assert all(site.resolver.lookups.count(name) <= 1 for name in DEFAULT_DNS_PROBES)


async def test_dead_host_among_working_ones_is_dead(site: SiteServer, config: CrawlConfig) -> None:
    # DNS works (probe names resolve) and www.dcms.gov.uk answers from the same kind of
    # address as the refusing host: both failures are verdicts
    seen: list[str] = []
    urls = [f"http://{UNKNOWN_HOST}/a", f"http://{REFUSED_HOST}/b", MOVED]
    report = await crawl(
        urls,
        config,
        resolver=site.resolver,
        ssl_context=site.client_ssl,
        on_result=lambda r: seen.append(r.url),
    )
    assert not report.network_down
    assert [report.results[u].status for u in urls] == [
        LinkStatus.DEAD,
        LinkStatus.UNREACHABLE,
        LinkStatus.OK,
    ]
    assert sorted(seen) == sorted(urls)
