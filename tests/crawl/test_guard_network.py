"""Address guard and network-down detection, end to end (only 127.0.0.1 is ever contacted)."""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from asyncio import selector_events
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from checker.cli import commands as cli
from checker.crawl import CrawlConfig, crawl, fetch
from checker.crawl.classify import classify_exception
from checker.crawl.config import DEFAULT_DNS_PROBES
from checker.crawl.guard import (
    ConnectGuard,
    GuardResolver,
    Preflight,
    PrivateAddressError,
    forbidden_literal,
    is_forbidden_address,
    preflight,
)
from checker.model.links import LinkResult, LinkStatus

from .sites import LOOPBACK, REFUSED_HOST, UNKNOWN_HOST, SiteServer, redirect

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


# --- issue 11: the guard judges the host the client connects to, at the connector ----------------


class LoopbackOnly:
    """Records every address a socket is connected to, and refuses any that is not loopback.

    A safety net under the guard tests: were the guard to fail, no packet may leave this machine.
    """

    def __init__(self) -> None:
        self.connected: list[str] = []
        self.refused: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = selector_events.BaseSelectorEventLoop.sock_connect

        async def sock_connect(loop: Any, sock: socket.socket, address: Any) -> None:
            host = str(address[0])
            if not ipaddress.ip_address(host.split("%", maxsplit=1)[0]).is_loopback:
                self.refused.append(host)
                raise ConnectionRefusedError(f"the test refuses to connect to {host}")
            self.connected.append(host)
            await original(loop, sock, address)

        monkeypatch.setattr(selector_events.BaseSelectorEventLoop, "sock_connect", sock_connect)


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> LoopbackOnly:
    net = LoopbackOnly()
    net.install(monkeypatch)
    return net


class AnswersWith(AbstractResolver):
    """A hostile resolver: every name resolves to ``addresses`` (text as given, however odd)."""

    def __init__(self, *addresses: str, port: int = 0) -> None:
        self.addresses = addresses
        self.port = port
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=self.port or port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.addresses
        ]

    async def close(self) -> None:
        return None


#: every spelling of a loopback or otherwise local address found; {port} is the local server's
SPELLINGS = [
    "127.0.0.1:{port}",
    "127.0.0.2:{port}",
    "localhost:{port}",
    "LOCALHOST:{port}",
    "LocalHost.:{port}",
    "localhost..:{port}",
    "127.0.0.1.:{port}",
    "１２７.０.０.１:{port}",  # fullwidth digits: yarl makes them 127.0.0.1
    "１２７．０．０．１:{port}",  # fullwidth digits and full stops
    "127。0。0。1:{port}",  # ideographic full stops
    "①②⑦.0.0.1:{port}",
    "𝟏𝟐𝟕.0.0.1:{port}",
    "2130706433:{port}",
    "017700000001:{port}",
    "0x7f000001:{port}",
    "0x7f.1:{port}",
    "0x7F.0.0.1:{port}",
    "0177.0.0.1:{port}",
    "0177.0.0.01:{port}",
    "127.1:{port}",
    "127.0.1:{port}",
    "127.000.000.001:{port}",
    "%31%32%37.0.0.1:{port}",
    "127%2e0%2e0%2e1:{port}",
    "0:{port}",
    "0.0.0.0:{port}",
    "[::1]:{port}",
    "[0:0:0:0:0:0:0:1]:{port}",
    "[::]:{port}",
    "[::ffff:127.0.0.1]:{port}",
    "[::ffff:7f00:1]:{port}",
    "[0:0:0:0:0:ffff:127.0.0.1]:{port}",
    "[::127.0.0.1]:{port}",
    "[64:ff9b::127.0.0.1]:{port}",
    "[2002:7f00:1::]:{port}",
    "[fe80::1%25lo]:{port}",
    "user@127.0.0.1:{port}",
    "www.gov.uk@127.0.0.1:{port}",
    f"xn--{'１２７'.encode('punycode').decode()}.0.0.1:{{port}}",
    "169.254.169.254",
    "10.0.0.1",
    "[fd00::1]",
    "[2001:db8::1]",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_no_spelling_of_a_local_address_is_fetched(
    site: SiteServer, guarded: CrawlConfig, loopback_only: LoopbackOnly, spelling: str
) -> None:
    url = f"http://{spelling.format(port=site.port)}/secret"
    resolver = AnswersWith("127.0.0.1", port=site.port)  # names too lead to the local server
    report = await crawl([url], guarded, resolver=resolver)
    (result,) = report.results.values()
    assert (result.status, result.error_kind) in {
        (LinkStatus.PRIVATE, "private-address"),
        (LinkStatus.ERROR, "invalid-url"),
    }, result.detail
    assert not site.requests
    assert not loopback_only.connected and not loopback_only.refused
    assert report.requests == 0


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_no_spelling_of_a_local_address_is_followed_in_a_redirect(
    site: SiteServer, guarded: CrawlConfig, loopback_only: LoopbackOnly, spelling: str
) -> None:
    # www.dcms.gov.uk is allow-listed (an intranet host); where it redirects to is not
    config = dataclasses.replace(guarded, private_host_allowlist=frozenset({"www.dcms.gov.uk"}))
    site.routes["www.dcms.gov.uk"]["/moved"] = redirect(f"http://{spelling}/secret")
    resolver = site.make_resolver()
    resolver.ports = {**resolver.ports, "localhost": resolver.ports["www.dcms.gov.uk"]}
    url = "http://www.dcms.gov.uk/moved"
    result = (await crawl([url], config, resolver=resolver)).results[url]
    assert (result.status, result.error_kind) in {
        (LinkStatus.PRIVATE, "private-address"),
        (LinkStatus.ERROR, "bad-redirect"),
    }, result.detail
    assert result.status_code == 301
    assert site.hits("www.dcms.gov.uk", "/moved") == 1
    assert site.hits(LOOPBACK, "/secret") == 0 and sum(site.requests.values()) == 1
    assert not loopback_only.refused
    assert {name.lower().rstrip(".") for name in resolver.lookups} <= {"www.dcms.gov.uk", "localhost"}


PRIVATE_ANSWERS = [
    "127.0.0.1", "127.0.0.53", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fe80::1%lo", "fc00::1",
    "fd12:3456::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1",
    "64:ff9b::a00:1", "2002:a00:1::", "2001:db8::1",
    # what a resolver should never say, and the guard must not guess at
    "127.1", "0x7f000001", "2130706433", "localhost", "", "not an address",
]  # fmt: skip


@pytest.mark.parametrize("answer", PRIVATE_ANSWERS)
async def test_a_name_that_resolves_to_a_private_address_is_never_connected(
    site: SiteServer, guarded: CrawlConfig, loopback_only: LoopbackOnly, answer: str
) -> None:
    url = "http://rebinding.example.gov.uk/report.pdf"
    resolver = AnswersWith(answer, "10.1.2.3", port=site.port)
    report = await crawl([url], guarded, resolver=resolver)
    result = report.results[url]
    assert (result.status, result.error_kind) == (LinkStatus.PRIVATE, "private-address"), result.detail
    assert not loopback_only.connected and not loopback_only.refused
    assert resolver.lookups == ["rebinding.example.gov.uk"]  # the verdict is remembered per host


async def test_the_resolver_guard_keeps_only_public_addresses(guarded: CrawlConfig) -> None:
    # no connection here: only what the guard hands on to the connector
    inner = AnswersWith("10.0.0.1", "8.8.8.8", "::1", "2a04:4e42::144", "::ffff:127.0.0.1")
    guard = GuardResolver(inner, guarded, owns_inner=False)
    kept = await guard.resolve("mixed.example.gov.uk", 443)
    assert [r["host"] for r in kept] == ["8.8.8.8", "2a04:4e42::144"]


async def test_the_connector_refuses_a_private_address_whatever_led_there(
    site: SiteServer, guarded: CrawlConfig, loopback_only: LoopbackOnly
) -> None:
    # bypass the fetcher's check and the resolver's: the connector's socket factory still refuses
    guard = ConnectGuard(guarded)
    for url in [f"http://127.0.0.1:{site.port}/secret", f"http://[::1]:{site.port}/secret", MOVED]:
        connector = aiohttp.TCPConnector(
            resolver=AnswersWith("127.0.0.1", port=site.port), socket_factory=guard
        )
        async with aiohttp.ClientSession(connector=connector) as session:
            with pytest.raises(aiohttp.ClientConnectorError) as caught:
                await session.get(url)
        assert isinstance(caught.value.os_error, PrivateAddressError), url
        verdict = classify_exception(caught.value, "127.0.0.1", guarded)
        assert verdict.status is LinkStatus.PRIVATE
    assert guard.refused == ["127.0.0.1", "::1", "127.0.0.1"]
    assert not site.requests and not loopback_only.connected
    # an address the resolver let through for an allow-listed host is approved
    guard.approve(["127.0.0.1"])
    connector = aiohttp.TCPConnector(resolver=AnswersWith("127.0.0.1", port=site.port), socket_factory=guard)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.get(MOVED, allow_redirects=False) as resp,
    ):
        assert resp.status == 301
    assert loopback_only.connected == ["127.0.0.1"]


def test_preflight_judges_the_host_the_client_uses() -> None:
    config = CrawlConfig()
    for url, status in [
        ("http://１２７.０.０.１/", LinkStatus.ERROR),
        ("http://2130706433/", LinkStatus.ERROR),
        ("http://127.0.0.1/", LinkStatus.PRIVATE),
        ("http://[::ffff:127.0.0.1]/", LinkStatus.PRIVATE),
        ("http://[2001:db8::1]/", LinkStatus.PRIVATE),
        ("http://169.254.169.254/latest/meta-data/", LinkStatus.PRIVATE),
        ("http://[64:ff9b::10.0.0.1]/", LinkStatus.PRIVATE),
        ("http://[fec0::1]/", LinkStatus.PRIVATE),
    ]:
        assert preflight(url, config).status is status, url
    fine = preflight("http://ｗｗｗ.gov.uk/x", config)  # fullwidth letters: the name www.gov.uk
    assert (fine.status, fine.host, str(fine.url)) == (None, "www.gov.uk", "http://www.gov.uk/x")
    ipv6 = preflight("http://[2a04:4e42::144]:8080/x", config)
    assert (ipv6.status, ipv6.host) == (None, "2a04:4e42::144")
    assert is_forbidden_address("64:ff9b::a00:1") and is_forbidden_address("fec0::1")


@pytest.mark.parametrize(
    "case",
    [
        ("crawl:\n  allow_private: true\n", [], ".checker.yaml:2 allows links to private addresses"),
        ("crawl:\n  private_hosts: [intranet.example.gov.uk]\n", [], ".checker.yaml:2 lets intranet.example"),
        ("crawl:\n  allow_private: true\n", ["--no-allow-private"], None),
        ("crawl:\n  allow_private: true\n", ["--allow-private"], None),  # said on the command line
        ("crawl:\n  allow_private: true\n", ["--offline"], None),  # no link is fetched
        ("crawl:\n  timeout: 5\n", [], None),
    ],
)
def test_a_config_file_switching_the_guard_off_is_said_on_stderr(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, list[str], str | None],
) -> None:
    config, flags, note = case
    (tmp_path / ".checker.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "page.md").write_text("# A page without links\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli.main(["check", *flags, "page.md"])
    notes = [line for line in capsys.readouterr().err.splitlines() if "private addresses" in line]
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and notes[0].startswith(f"checker: note: {note}"), notes


async def test_the_crawler_connects_only_through_the_guard(
    site: SiteServer, guarded: CrawlConfig, loopback_only: LoopbackOnly, monkeypatch: pytest.MonkeyPatch
) -> None:
    # were the fetcher's own check and the resolver's to miss an address, the connector refuses it
    def lenient(url: str, config: CrawlConfig) -> Preflight:
        return preflight(url, dataclasses.replace(config, allow_private=True))

    monkeypatch.setattr(fetch, "preflight", lenient)
    urls = [f"http://127.0.0.1:{site.port}/secret", f"http://１２７.０.０.１:{site.port}/secret"]
    report = await crawl(urls, guarded, resolver=site.resolver)
    assert {(r.status, r.error_kind) for r in report.results.values()} == {
        (LinkStatus.PRIVATE, "private-address"),
        (LinkStatus.ERROR, "invalid-url"),  # the fullwidth spelling is still no valid host
    }
    assert not site.requests and not loopback_only.connected
