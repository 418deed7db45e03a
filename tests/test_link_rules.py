"""Link rules end to end: the real corpus against local imitations of its hosts.

Every host named on the real pages is imitated on 127.0.0.1 (the test resolver maps
the names there and fails every other lookup), each with a behaviour that sites of
that era really show now: moved to GOV.UK, gone, a "page not found" page, a bot wall.
The test asserts the verdict for each distinct URL, that each is fetched once, and
the findings the link rules make of them.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from checker.cli import commands as cli
from checker.cli import options
from checker.crawl import crawl
from checker.engine.collect import collect
from checker.engine.links import LinkOptions as LinkCheck
from checker.engine.links import crawlable
from checker.engine.pages import parse_pages as parse_files
from checker.engine.plan import make_plan as plan
from checker.engine.run import check
from checker.model import Page
from checker.model.links import LinkStatus
from tests.conftest import FIXTURES
from tests.crawl.conftest import FAST
from tests.crawl.sites import CHALLENGE, NOT_FOUND_PAGE, SiteServer, html, redirect, slow, status

CORPUS = str(FIXTURES / "corpus")
ICT_STRATEGY = "http://www.cabinetoffice.gov.uk/media/317444/ict_strategy4.pdf"
GOVUK = "https://www.gov.uk"
PAGE = html("Publication - GOV.UK", "<h1>Publication</h1><div id='contents'>Contents</div>")
# the strategy's themes as the pages link them, but for theme 4, which the page no longer has
MOJ_THEMES = "".join(
    f"<h2 id='{slug}'>x</h2>"
    for slug in (
        "theme-01-transforming-our-services",
        "theme-02-transforming-the-way-we-work",
        "theme-03-breaking-barriers-to-digital-transformation",
    )
)
PDF = status(200, headers={"Content-Type": "application/pdf"})

ROUTES = {
    "www.gov.uk": {
        "/": html("Welcome to GOV.UK", "<h1>Welcome to GOV.UK</h1>"),
        "/government/publications/law-officers-departments-digital-strategy": PAGE,
        "/government/publications/department-for-transport-digital-strategy": PAGE,
        "/government/publications/the-fco-digital-strategy": PAGE,
        "/government/publications/digital-in-defence": PAGE,
        "/government/publications/cabinet-office-digital-strategy": PAGE,
        "/government/publications/defra-digital-strategy": PAGE,
        "/service-manual": PAGE,
        "/service-manual/digital-by-default": redirect(f"{GOVUK}/service-manual/service-standard", 301),
        "/service-manual/service-standard": PAGE,
    },
    "www.cabinetoffice.gov.uk": {
        "/resource-library/cabinet-office-digital-strategy": redirect(
            f"{GOVUK}/government/publications/cabinet-office-digital-strategy", 301
        ),
        "/content/government-ict-strategy": status(404),
    },
    "digitalhealth.dh.gov.uk": {"/digital-strategy": status(410)},
    "open.justice.gov.uk": {"/digital-strategy/": html("MoJ digital strategy", MOJ_THEMES)},
    "www.dcms.gov.uk": {
        "/publications/9586.aspx": redirect("http://www.dcms.gov.uk/", 301),
        "/": html("DCMS home", "<h1>Department for Culture, Media and Sport</h1>"),
    },
    "www.decc.gov.uk": {
        "/en/content/cms/about/our_goals/our_goals.aspx": html("Our goals", "<h2 id='dds'>x</h2>")
    },
    "www.defra.gov.uk": {
        "/publications/2012/12/20/pb13863-digital-strategy-2012/": redirect(
            "/publications/digital-strategy/", 302
        ),
        "/publications/digital-strategy/": redirect(
            f"{GOVUK}/government/publications/defra-digital-strategy", 302
        ),
    },
    "www.dfid.gov.uk": {"/about-us/How-we-measure-progress/dfid-digital-strategy/": status(404)},
    "www.dwp.gov.uk": {
        "/publications/corporate-publications/digital-strategy.shtml": html("Page not found", NOT_FOUND_PAGE)
    },
    "www.education.gov.uk": {"/digitalstrategy": status(503)},
    "www.hmrc.gov.uk": {"/about/2012-digital-strategy.pdf": PDF},
    "www.homeoffice.gov.uk": {
        "/publications/about-us/corporate-publications/ho-digital-strategy/": html(
            "Just a moment...", CHALLENGE, status=403, headers={"cf-mitigated": "challenge"}
        )
    },
    "digital.cabinetoffice.gov.uk": {
        "/2012/01/13/quantitative-testing-betagov/": PAGE,
        "/2012/04/24/identityand-privacy-principles/": PAGE,
    },
    "faststream.civilservice.gov.uk": {"/": PAGE},
    "gcloud.civilservice.gov.uk": {"/": slow(0.3, PAGE)},
    "publications.cabinetoffice.gov.uk": {
        "/digital/strategy/": html("Strategy", "<h4 id='action-03'>3</h4>")
    },
    "transactionalservices.alphagov.co.uk": {"/": PAGE},
    "webarchive.nationalarchives.gov.uk": {
        "/+/http://www.cabinetoffice.gov.uk/media/317444/ict_strategy4.pdf": PDF
    },
    "www.civilservice.gov.uk": {
        "/about/values": PAGE,
        "/networks/hr/civil-service-learning": PAGE,
        "/reform": PAGE,
    },
    # not imitated, so unknown to DNS: discuss.bis.gov.uk, www.redtapechallenge.cabinetoffice.gov.uk;
    # www.hm-treasury.gov.uk resolves to a port that refuses connections
}

OK = LinkStatus.OK
EXPECTED = {
    "http://digital.cabinetoffice.gov.uk/2012/01/13/quantitative-testing-betagov/": OK,
    "http://digital.cabinetoffice.gov.uk/2012/04/24/identityand-privacy-principles/": OK,
    "http://digitalhealth.dh.gov.uk/digital-strategy": LinkStatus.DEAD,
    "http://discuss.bis.gov.uk/digitalstrategy": LinkStatus.DEAD,
    "http://faststream.civilservice.gov.uk/": OK,
    "http://gcloud.civilservice.gov.uk/": OK,
    "http://open.justice.gov.uk/digital-strategy/": OK,
    "http://publications.cabinetoffice.gov.uk/digital/strategy/": OK,
    "http://transactionalservices.alphagov.co.uk/": OK,
    f"http://webarchive.nationalarchives.gov.uk/+/{ICT_STRATEGY}": OK,
    "http://www.cabinetoffice.gov.uk/content/government-ict-strategy": LinkStatus.DEAD,
    "http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy": OK,
    "http://www.civilservice.gov.uk/about/values": OK,
    "http://www.civilservice.gov.uk/networks/hr/civil-service-learning": OK,
    "http://www.civilservice.gov.uk/reform": OK,
    "http://www.dcms.gov.uk/publications/9586.aspx": LinkStatus.SOFT_404,
    "http://www.decc.gov.uk/en/content/cms/about/our_goals/our_goals.aspx": OK,
    "http://www.defra.gov.uk/publications/2012/12/20/pb13863-digital-strategy-2012/": OK,
    "http://www.dfid.gov.uk/about-us/How-we-measure-progress/dfid-digital-strategy/": LinkStatus.DEAD,
    "http://www.dwp.gov.uk/publications/corporate-publications/digital-strategy.shtml": LinkStatus.SOFT_404,
    "http://www.education.gov.uk/digitalstrategy": LinkStatus.ERROR,
    "http://www.hm-treasury.gov.uk/digital_strategy.htm": LinkStatus.UNREACHABLE,
    "http://www.hmrc.gov.uk/about/2012-digital-strategy.pdf": OK,
    "http://www.homeoffice.gov.uk/publications/about-us/corporate-publications/ho-digital-strategy/": (
        LinkStatus.BLOCKED
    ),
    "http://www.redtapechallenge.cabinetoffice.gov.uk/": LinkStatus.DEAD,
    "https://www.gov.uk/": OK,
    "https://www.gov.uk/government/publications/department-for-transport-digital-strategy": OK,
    "https://www.gov.uk/government/publications/digital-in-defence": OK,
    "https://www.gov.uk/government/publications/law-officers-departments-digital-strategy": OK,
    "https://www.gov.uk/government/publications/the-fco-digital-strategy": OK,
    "https://www.gov.uk/service-manual": OK,
    "https://www.gov.uk/service-manual/digital-by-default": OK,
    "https://www.redtapechallenge.cabinetoffice.gov.uk/progess-to-date": LinkStatus.DEAD,
}


def corpus_pages() -> list[Page]:
    files, _ = collect([CORPUS])
    return parse_files(files)[0]


CONFIG = replace(FAST, host_interval=0.0, read_timeout=2.0, total_timeout=10.0)


def slow_rule(tmp_path: Path) -> Path:
    """The built-in link-slow rule with a threshold the imitation's slow host exceeds."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "link-slow.yaml").write_text(
        "id: link-slow\nkind: link-slow\nlevel: info\nmessage: 'the link \"{text}\" took {elapsed}s'\n"
        "options:\n  seconds: 0.2\n",
        encoding="utf-8",
    )
    return folder


async def test_corpus_against_imitation_sites(tmp_path: Path) -> None:
    async with SiteServer(routes=ROUTES) as site:
        links = LinkCheck(config=CONFIG, resolver=site.resolver, ssl_context=site.client_ssl)
        the_plan = plan([slow_rule(tmp_path)], "default")
        report = await asyncio.to_thread(check, [CORPUS], the_plan, links)

    assert report.links is not None and not report.links.network_down
    assert report.links.urls == len(EXPECTED) == 33

    # each distinct URL fetched once: one GET per hop, retries only for the failing 503
    per_path = Counter({(host, path): n for (host, path, _method), n in site.requests.items()})
    assert per_path[("www.education.gov.uk", "/digitalstrategy")] == CONFIG.retries + 1
    del per_path[("www.education.gov.uk", "/digitalstrategy")]
    assert set(per_path.values()) == {1}, per_path
    assert all(method == "GET" for _host, _path, method in site.requests)

    found = Counter(finding.rule for finding in report.findings)
    assert found == {
        "link-insecure": 208,  # unchanged from the offline run
        "placeholder-text": 15,
        "link-dead": 15
        + 15
        + 1
        + 15
        + 1
        + 1,  # dh (410), bis (no DNS), cabinetoffice ict (404), dfid, redtape x2
        "link-soft-404": 15 + 15,  # dcms to its home page, dwp "page not found"
        "link-error": 15,  # education: 503 after retries
        "link-unreachable": 14,  # treasury refuses connections
        "link-blocked": 15,  # home office bot wall
        "link-redirect": 16 + 15 + 1,  # cabinet office 301, defra 2-hop chain, digital-by-default 301
        "link-fragment": 3,  # the MoJ pages that link #theme-04-..., which the page no longer has
        "link-slow": 1,  # gcloud answers in 0.3s, over the 0.2s of the test's rule
        # the publication as a whole (tests/test_crosspage.py checks each by hand)
        "action-title-mismatch": 5,
        "read-more-inconsistent": 14,
        "statement-duplicate": 2,
    }


async def test_verdict_for_each_distinct_url() -> None:
    pages = corpus_pages()
    async with SiteServer(routes=ROUTES) as site:
        report = await crawl(crawlable(pages), CONFIG, resolver=site.resolver, ssl_context=site.client_ssl)
    assert {url: result.status for url, result in report.results.items()} == EXPECTED
    moved = report.results["http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy"]
    assert moved.permanent_redirect
    assert moved.final_url == f"{GOVUK}/government/publications/cabinet-office-digital-strategy"
    assert report.results["http://www.decc.gov.uk/en/content/cms/about/our_goals/our_goals.aspx"].has_anchor(
        "dds"
    )


async def test_cli_findings_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    async with SiteServer(routes=ROUTES) as site:
        links = LinkCheck(config=CONFIG, resolver=site.resolver, ssl_context=site.client_ssl)
        monkeypatch.setattr(options, "link_options", lambda settings: links)
        seed = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
        code = await asyncio.to_thread(cli.main, ["check", "--format", "json", seed])
    assert code == 1
    document = json.loads(capsys.readouterr().out)
    by_rule = {(f["rule"], f["line"]): f for f in document["findings"]}
    dead = by_rule[("link-dead", 81)]
    assert dead["department"] == "Department of Health"
    assert "410" in dead["message"]
    assert dead["fix"].startswith("Find where the document moved and link there, or remove the link")
    evidence = dead["evidence"]
    assert isinstance(evidence["elapsed"], float) and evidence["checked_at"].endswith("+00:00")
    assert evidence == {
        "url": "http://digitalhealth.dh.gov.uk/digital-strategy",
        "status": "dead",
        "status_code": 410,
        "final_url": "http://digitalhealth.dh.gov.uk/digital-strategy",
        "redirects": [],
        "error_kind": "http-status",
        "detail": evidence["detail"],
        "elapsed": evidence["elapsed"],
        "attempts": 1,
        "content_type": evidence["content_type"],
        "checked_at": evidence["checked_at"],
    }
    assert dead["fields"]["code"] == 410 and dead["fields"]["attempts"] == 1
    moved = by_rule[("link-redirect", 25)]
    assert moved["fix"] == f"Link directly to {GOVUK}/government/publications/cabinet-office-digital-strategy"
    assert moved["evidence"]["redirects"] == [
        {
            "url": "http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy",
            "status_code": 301,
            "location": f"{GOVUK}/government/publications/cabinet-office-digital-strategy",
        }
    ]
    assert len(document["links"]) == 16 and all(len(f["fingerprint"]) == 20 for f in document["findings"])
    assert document["summary"]["links"]["urls"] == 16
    assert document["notes"] == []


async def test_network_down_is_said_once_and_no_link_is_dead(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with SiteServer(routes=ROUTES) as site:
        links = LinkCheck(config=CONFIG, resolver=site.make_resolver(fail_all=socket.EAI_AGAIN))
        monkeypatch.setattr(options, "link_options", lambda settings: links)
        code = await asyncio.to_thread(cli.main, ["check", CORPUS])
        assert sum(site.requests.values()) == 0
    out = capsys.readouterr().out
    assert code == 1  # the content errors (placeholders), not the links
    assert out.count("note: the network is unavailable") == 1
    assert "[link-dead]" not in out and "[link-unreachable]" not in out
    assert out.splitlines()[-1].endswith("; 33 URLs not checked (network unavailable)")


def test_offline_checks_no_links(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--offline", "--format", "json", CORPUS]) == 1
    assert "links" not in json.loads(capsys.readouterr().out)["summary"]


def test_crawl_flags_reach_the_crawler() -> None:
    args = cli._parser().parse_args(
        [
            "check",
            "--concurrency",
            "4",
            "--host-concurrency",
            "1",
            "--host-interval",
            "2",
            "--timeout",
            "5",
            "--allow-private",
            "x.md",
        ]
    )
    links = options.link_options(options.settings_of(args))
    config = links.config
    assert (config.concurrency, config.host_concurrency, config.host_interval) == (4, 1, 2.0)
    assert (config.total_timeout, config.connect_timeout, config.read_timeout) == (5.0, 2.5, 5.0)
    assert config.allow_private


def test_bad_crawl_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--concurrency", "0", "x.md"])
    assert caught.value.code == 2
    assert "'0' is not a whole number of at least 1" in capsys.readouterr().err


STRATEGY = str(FIXTURES / "corpus" / "strategy" / "09-actions-and-themes.md")
SITE = "publications.cabinetoffice.gov.uk"


async def test_site_relative_links_with_a_base_url() -> None:
    routes = {host: dict(paths) for host, paths in ROUTES.items()}
    routes[SITE] = {
        **{f"/digital/strategy/actions/{n:02d}/": PAGE for n in range(1, 14)},  # action 14's page is missing
        "/digital/assisted/": PAGE,
        "/digital/research/": html("Research", "<figure id='fig-2'>x</figure>"),  # the link wants #fig-1
        "/digital/strategy/": PAGE,
    }
    async with SiteServer(routes=routes) as site:
        links = LinkCheck(
            config=CONFIG, resolver=site.resolver, ssl_context=site.client_ssl, base_url=f"http://{SITE}/"
        )
        report = await asyncio.to_thread(check, [STRATEGY], plan([], "default"), links)
        assert site.hits(SITE, "/digital/strategy/actions/14/") == 1
    relative = [(f.rule, f.url) for f in report.findings if f.url and f.url.startswith("/")]
    assert relative == [
        ("link-fragment", "/digital/research/#fig-1"),
        ("link-dead", "/digital/strategy/actions/14/"),
    ]
    assert not any("site-relative" in note for note in report.notes)


async def test_site_relative_links_without_a_base_url_are_named_in_a_note() -> None:
    async with SiteServer(routes=ROUTES) as site:
        links = LinkCheck(config=CONFIG, resolver=site.resolver, ssl_context=site.client_ssl)
        report = await asyncio.to_thread(check, [STRATEGY], plan([], "default"), links)
    assert report.notes == (
        "16 site-relative links (such as /digital/...) were not checked; give --base-url to check them.",
    )
    assert not any(f.url and f.url.startswith("/") for f in report.findings)


def test_base_url_flag_and_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = cli._parser().parse_args(["check", "--base-url", "https://www.gov.uk/", "x.md"])
    links = options.link_options(options.settings_of(args))
    assert links.base_url == "https://www.gov.uk/"
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["check", "--base-url", "www.gov.uk", "x.md"])
    assert "'www.gov.uk' is not an http(s) address" in capsys.readouterr().err
    config = tmp_path / "checker.yaml"
    config.write_text("base_url: ftp://x/\n", encoding="utf-8")
    assert cli.main(["check", "--config", str(config), "--offline", STRATEGY]) == 2
    assert f"{config}:1: base_url: 'ftp://x/' is not an http(s) address" in capsys.readouterr().err
