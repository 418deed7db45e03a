"""A host that cannot be reached is a verdict on its link only when the network demonstrably works.

On a network whose DNS answers "no such name" for every public name (a filtered CI runner, a
sandbox), or whose firewall refuses every connection, no link may be called dead or unreachable.
Every test resolves names with an injected resolver and talks HTTP to 127.0.0.1 only, except
the last ones, which use this machine's own resolver and are skipped where it resolves public
names (they would then send requests out).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import socket
import time
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp.abc import ResolveResult

from checker.cli import commands as cli
from checker.cli import options
from checker.config.settings import Settings
from checker.crawl import CrawlConfig, crawl, crawl_sync
from checker.crawl.classify import classify_exception
from checker.crawl.config import DEFAULT_DNS_PROBES
from checker.crawl.crawler import _Collector
from checker.crawl.network import AddressBook
from checker.model.links import ErrorKind, Hop, LinkResult, LinkStatus
from tests.conftest import FIXTURES

from .sites import REFUSED_HOST, UNKNOWN_HOST, SiteResolver, SiteServer, html

LOCAL = "staging.digital.cabinetoffice.gov.uk"  # a local server, the only name this network's DNS knows
LOCAL_URL = f"http://{LOCAL}/digital/strategy/"
PUBLIC = [f"http://www.department-{n:02d}.gov.uk/digital-strategy" for n in range(1, 17)]


@pytest.fixture
async def filtered() -> AsyncIterator[SiteServer]:
    """One local site; with ``make_resolver(dns_works=False)`` no other name resolves."""
    async with SiteServer(routes={LOCAL: {"/digital/strategy/": html("Strategy")}}) as server:
        yield server


class SlowProbes(SiteResolver):
    """Like :class:`SiteResolver`, but a probe name takes ``delay`` seconds to fail (forever if None)."""

    def __init__(self, ports: Mapping[str, Mapping[int, int]], delay: float | None) -> None:
        super().__init__(ports)
        self._delay = delay

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host in DEFAULT_DNS_PROBES:
            self.lookups.append(host)
            await asyncio.sleep(3600 if self._delay is None else self._delay)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return await super().resolve(host, port, family)


def probe_lookups(resolver: SiteResolver) -> list[str]:
    return [name for name in resolver.lookups if name in DEFAULT_DNS_PROBES]


# --- failed lookups ----------------------------------------------------------------------------


async def test_one_local_host_answering_does_not_make_16_unknown_names_dead(
    filtered: SiteServer, config: CrawlConfig
) -> None:
    resolver = filtered.make_resolver(dns_works=False)
    seen: list[LinkResult] = []
    report = await crawl([LOCAL_URL, *PUBLIC], config, resolver=resolver, on_result=seen.append)
    assert report.network_down  # the existing "network unavailable" note is written from this
    assert report.results[LOCAL_URL].status is LinkStatus.OK
    assert {(report.results[u].status, report.results[u].error_kind) for u in PUBLIC} == {
        (LinkStatus.UNCHECKED, ErrorKind.NETWORK_DOWN)
    }
    detail = report.results[PUBLIC[0]].detail
    assert "DNS is not working here" in detail and "www.department-01.gov.uk has no DNS record" in detail
    assert LinkStatus.DEAD not in {r.status for r in seen}  # never, not even for a moment
    assert filtered.hits(LOCAL, "/digital/strategy/") == 1


async def test_links_to_one_unknown_host_are_unchecked_when_no_probe_resolves(
    filtered: SiteServer, config: CrawlConfig
) -> None:
    urls = ["http://www.cabinetoffice.gov.uk/x", "http://www.cabinetoffice.gov.uk/y"]
    report = await crawl(urls, config, resolver=filtered.make_resolver(dns_works=False))
    assert report.network_down
    assert {r.status for r in report.results.values()} == {LinkStatus.UNCHECKED}
    assert report.requests == 0


@pytest.mark.parametrize("probe", DEFAULT_DNS_PROBES)
async def test_unknown_host_is_dead_when_one_probe_resolves(config: CrawlConfig, probe: str) -> None:
    resolver = SiteResolver({probe: {}})  # only this probe name resolves (to 127.0.0.1)
    report = await crawl([f"http://{UNKNOWN_HOST}/a"], config, resolver=resolver)
    assert not report.network_down
    result = report.results[f"http://{UNKNOWN_HOST}/a"]
    assert (result.status, result.error_kind) == (LinkStatus.DEAD, ErrorKind.DNS)


async def test_probe_answer_the_guard_refuses_does_not_count(config: CrawlConfig) -> None:
    # a filter that answers every name it blocks with a private address (a sinkhole) is no proof
    guarded = dataclasses.replace(config, allow_private=False)
    resolver = SiteResolver({name: {} for name in DEFAULT_DNS_PROBES})
    report = await crawl([f"http://{UNKNOWN_HOST}/a"], guarded, resolver=resolver)
    assert report.network_down
    assert report.results[f"http://{UNKNOWN_HOST}/a"].status is LinkStatus.UNCHECKED


async def test_probes_run_once_per_crawl_however_many_lookups_fail_at_once(
    filtered: SiteServer, config: CrawlConfig
) -> None:
    # the probe takes 0.2 s, so the 16 failed lookups all wait for the same one
    resolver = SlowProbes({LOCAL: filtered.resolver.ports[LOCAL]}, delay=0.2)
    report = await crawl([LOCAL_URL, *PUBLIC], config, resolver=resolver)
    assert {report.results[u].status for u in PUBLIC} == {LinkStatus.UNCHECKED}
    assert sorted(probe_lookups(resolver)) == sorted(DEFAULT_DNS_PROBES)  # each name once
    assert all(resolver.lookups.count(url.split("/")[2]) == 1 for url in PUBLIC)


async def test_probes_run_once_when_dns_works(site: SiteServer, config: CrawlConfig) -> None:
    urls = [f"http://{UNKNOWN_HOST}/{n}" for n in range(5)]
    urls += [f"http://www.gone-{n}.gov.uk/" for n in range(5)]
    report = await crawl(urls, config, resolver=site.resolver)
    assert {r.status for r in report.results.values()} == {LinkStatus.DEAD}
    assert all(site.resolver.lookups.count(name) <= 1 for name in DEFAULT_DNS_PROBES)
    assert probe_lookups(site.resolver)


async def test_probe_that_never_answers_is_bounded_in_time(config: CrawlConfig) -> None:
    quick = dataclasses.replace(config, dns_probe_timeout=0.3)
    resolver = SlowProbes({}, delay=None)
    started = time.monotonic()
    report = await crawl(["http://www.cabinetoffice.gov.uk/x"], quick, resolver=resolver)
    assert time.monotonic() - started < 2.0
    assert report.network_down
    assert report.results["http://www.cabinetoffice.gov.uk/x"].status is LinkStatus.UNCHECKED


async def test_no_probes_means_the_old_heuristic(filtered: SiteServer, config: CrawlConfig) -> None:
    resolver = filtered.make_resolver(dns_works=False)
    unprobed = dataclasses.replace(config, dns_probes=())
    report = await crawl([f"http://{UNKNOWN_HOST}/a"], unprobed, resolver=resolver)
    assert not report.network_down
    assert report.results[f"http://{UNKNOWN_HOST}/a"].status is LinkStatus.DEAD
    assert not probe_lookups(resolver)


# --- failed connections ------------------------------------------------------------------------


async def test_refused_connection_is_unreachable_when_another_host_answered(
    filtered: SiteServer, config: CrawlConfig
) -> None:
    # both are local: the answer proves the way to local addresses, so the refusal is the host's
    resolver = SiteResolver({LOCAL: filtered.resolver.ports[LOCAL], REFUSED_HOST: refused(filtered)})
    refused_url = f"http://{REFUSED_HOST}/spending_review/"
    report = await crawl([LOCAL_URL, refused_url], config, resolver=resolver)
    assert not report.network_down
    result = report.results[refused_url]
    assert (result.status, result.error_kind) == (LinkStatus.UNREACHABLE, ErrorKind.CONNECT)


async def test_every_connection_failing_is_unchecked(filtered: SiteServer, config: CrawlConfig) -> None:
    hosts = [REFUSED_HOST, "www.hmrc.gov.uk", "www.dwp.gov.uk"]
    resolver = SiteResolver({host: refused(filtered) for host in hosts})
    report = await crawl([f"http://{host}/" for host in hosts], config, resolver=resolver)
    assert report.network_down
    assert {(r.status, r.error_kind) for r in report.results.values()} == {
        (LinkStatus.UNCHECKED, ErrorKind.NETWORK_DOWN)
    }
    assert all("refused the connection" in r.detail for r in report.results.values())


def refused(site: SiteServer) -> dict[int, int]:
    return {80: site.refused_port, 443: site.refused_port}


def result(url: str, kind: ErrorKind | None, code: int | None, hops: tuple[Hop, ...] = ()) -> LinkResult:
    status = LinkStatus.OK if kind is None else LinkStatus.UNREACHABLE
    final = hops[-1].location if hops else url
    return LinkResult(url, status, code, final, hops, False, kind, "refused", 0.0, 1, None, None,
                      checked_at=datetime.now(UTC))  # fmt: skip


def book() -> AddressBook:
    addresses = AddressBook()
    addresses.note("intranet.example.gov.uk", ["10.0.0.5"])
    addresses.note("www.gov.uk", ["151.101.0.144"])
    addresses.note("www.hm-treasury.gov.uk", ["151.101.64.144"])
    return addresses


TREASURY = "http://www.hm-treasury.gov.uk/x"


def test_a_local_answer_does_not_vouch_for_a_public_host() -> None:
    # no public address is ever contacted: the collector is fed results, the book addresses
    collector = _Collector(None, book(), DEFAULT_DNS_PROBES)
    collector.add(result("http://intranet.example.gov.uk/", None, 200))
    collector.add(result(TREASURY, ErrorKind.CONNECT, None))
    assert TREASURY not in collector.results  # held: nothing public has answered yet
    assert collector.finish()
    assert collector.results[TREASURY].status is LinkStatus.UNCHECKED


def test_a_public_answer_makes_a_public_refusal_a_verdict() -> None:
    collector = _Collector(None, book(), DEFAULT_DNS_PROBES)
    collector.add(result(TREASURY, ErrorKind.NO_ROUTE, None))
    collector.add(result("https://www.gov.uk/", None, 200))
    assert collector.results[TREASURY].status is LinkStatus.UNREACHABLE  # released by the answer
    assert not collector.finish()


def test_a_local_redirect_to_a_refusing_public_host_is_not_a_verdict() -> None:
    hop = Hop("http://intranet.example.gov.uk/old", 302, TREASURY)
    collector = _Collector(None, book(), DEFAULT_DNS_PROBES)
    collector.add(result("http://intranet.example.gov.uk/old", ErrorKind.CONNECT_TIMEOUT, 302, (hop,)))
    assert collector.finish()
    assert collector.results["http://intranet.example.gov.uk/old"].status is LinkStatus.UNCHECKED


def test_connect_timeout_is_network_level() -> None:
    verdict = classify_exception(aiohttp.ConnectionTimeoutError(), "www.gov.uk", CrawlConfig())
    assert verdict.error_kind is ErrorKind.CONNECT_TIMEOUT
    assert verdict.error_kind.network_level and verdict.transient


# --- the setting -------------------------------------------------------------------------------


def test_probe_names_are_a_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert Settings().dns_probes == CrawlConfig().dns_probes == DEFAULT_DNS_PROBES
    flags = ["--dns-probe", "WWW.GOV.UK.", "--dns-probe", "one.one.one"]
    args = cli._parser().parse_args(["check", *flags, "x.md"])
    assert options.link_options(options.settings_of(args)).config.dns_probes == ("www.gov.uk", "one.one.one")
    config = tmp_path / ".checker.yaml"
    config.write_text("crawl:\n  dns_probes: []\n", encoding="utf-8")
    args = cli._parser().parse_args(["check", "--config", str(config), "x.md"])
    assert options.link_options(options.settings_of(args)).config.dns_probes == ()
    config.write_text("crawl:\n  dns_probes: [https://www.gov.uk/]\n", encoding="utf-8")
    assert cli.main(["check", "--config", str(config), "x.md"]) == 2
    assert "'https://www.gov.uk/' is not a host name such as www.gov.uk" in capsys.readouterr().err


# --- this machine's own resolver ---------------------------------------------------------------

REAL = ["http://www.cabinetoffice.gov.uk/x", "https://www.gov.uk/government/publications/digital-in-defence"]


def _resolving(names: list[str], seconds: float = 5.0) -> str | None:
    """A name the system resolver does not clearly reject ("no such name") within ``seconds``."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(names))
    try:
        lookups = {name: pool.submit(socket.getaddrinfo, name, 443) for name in names}
        done, _late = concurrent.futures.wait(lookups.values(), timeout=seconds)
        for name, lookup in lookups.items():
            # resolved, or no clear answer in time: either way a crawl might reach out
            if lookup not in done or not isinstance(lookup.exception(), socket.gaierror):
                return name
        return None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@pytest.fixture(scope="module")
def no_public_dns() -> None:
    name = _resolving([*DEFAULT_DNS_PROBES, "www.cabinetoffice.gov.uk"])
    if name is not None:
        pytest.skip(f"this machine's resolver answers for {name}: a real crawl would send requests out")


@pytest.mark.usefixtures("no_public_dns")
def test_real_resolver_without_public_dns_calls_nothing_dead() -> None:
    report = crawl_sync(REAL, CrawlConfig(dns_probe_timeout=5.0, total_timeout=10.0))
    assert report.network_down
    assert {r.status for r in report.results.values()} == {LinkStatus.UNCHECKED}
    assert report.requests == 0


@pytest.mark.usefixtures("no_public_dns")
def test_real_resolver_ci_gate_has_only_the_note(capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
    cli.main(["check", "--profile", "ci", seed])
    out = capsys.readouterr().out
    links = {line.rpartition("[")[2] for line in out.splitlines() if "[link-" in line}
    assert links <= {"link-insecure]"}
    assert out.count("note: the network is unavailable") == 1
    assert out.splitlines()[-1].endswith("URLs not checked (network unavailable)")
