"""One run: collect pages, parse them, (crawl their links), run the rules, build the report."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aiohttp.abc import AbstractResolver

from checker import engine
from checker.checks.base import Rule
from checker.collect import collect
from checker.config.profiles import apply_profile
from checker.config.rules import RuleSet, load_rules
from checker.crawl import CrawlConfig, CrawlReport, LinkStatus, Progress, crawl_sync
from checker.crawl import plan as crawl_plan
from checker.errors import CheckerError, ConfigError
from checker.model import Page
from checker.parse import parse_file
from checker.report import LinkSummary, Report
from checker.urls import UrlPolicy, url_problem, web_target

_PACKAGE_RULES = Path(__file__).resolve().parent.parent / "rules"
_INSTALLED_RULES = Path(sys.prefix) / "share" / "checker" / "rules"


def builtin_rules() -> Path:
    """The rules that ship with checker: the checkout's ``rules/``, or the installed copy."""
    for folder in (_PACKAGE_RULES, _INSTALLED_RULES):
        if (folder / "departments.yaml").is_file():
            return folder
    raise ConfigError(str(_PACKAGE_RULES), "the built-in rules folder is missing; reinstall checker")


@dataclass(frozen=True)
class Plan:
    rule_set: RuleSet
    selected: tuple[Rule[Any], ...]


def plan(extra_rules: Sequence[Path], profile: str) -> Plan:
    rule_set = load_rules([builtin_rules(), *extra_rules])
    return Plan(rule_set, tuple(apply_profile(rule_set.rules, rule_set.profiles, profile)))


def parse_pages(paths: Sequence[str]) -> tuple[list[Page], list[CheckerError]]:
    files, errors = collect(paths)
    errors_out: list[CheckerError] = list(errors)
    pages: list[Page] = []
    for path in files:
        try:
            pages.append(parse_file(path))
        except CheckerError as error:
            errors_out.append(error)
    return pages, errors_out


@dataclass(frozen=True)
class LinkCheck:
    """How to check links: the crawler's settings, and what tests inject (a resolver, TLS trust)."""

    config: CrawlConfig = field(default_factory=CrawlConfig)
    resolver: AbstractResolver | None = None
    ssl_context: ssl.SSLContext | None = None
    progress: TextIO | None = None  # where a TTY progress line goes (stderr); None: no progress
    base_url: str | None = None  # site-relative links are checked against this


def crawlable(pages: Sequence[Page], base_url: str | None = None) -> list[str]:
    """Every web URL the pages link to that can be fetched (duplicates kept; the crawler dedups)."""
    urls = []
    for page in pages:
        for link in page.links:
            target = web_target(link.url, base_url)
            if target is not None and url_problem(target, UrlPolicy()) is None:
                urls.append(target)
    return urls


def _relative(pages: Sequence[Page]) -> int:
    """How many links are site-relative: checkable only with a base URL."""
    probe = "https://base.invalid/"
    return sum(
        1
        for page in pages
        for link in page.links
        if web_target(link.url, None) is None and web_target(link.url, probe) is not None
    )


def _crawl(pages: Sequence[Page], links: LinkCheck) -> tuple[CrawlReport, LinkSummary, tuple[str, ...]]:
    urls = crawlable(pages, links.base_url)
    progress = Progress(len(crawl_plan(urls)), links.progress) if links.progress else None
    if progress:
        progress.start()
    try:
        report = crawl_sync(
            urls, links.config, resolver=links.resolver, ssl_context=links.ssl_context, on_result=progress
        )
    finally:
        if progress:
            progress.finish()
    summary = LinkSummary(len(report.results), report.requests, report.elapsed, report.network_down)
    notes: tuple[str, ...] = ()
    if report.network_down:
        unchecked = sum(result.status is LinkStatus.UNCHECKED for result in report.results.values())
        notes = (
            f"the network is unavailable (no host could be reached or resolved), so {unchecked} URLs "
            "were not checked; this is not a verdict on the links. Run again when online, or use --offline.",
        )
    relative = _relative(pages)
    if relative and links.base_url is None:
        notes += (
            f"{relative} site-relative links (such as /digital/...) were not checked; "
            "give --base-url to check them.",
        )
    return report, summary, notes


def check(paths: Sequence[str], the_plan: Plan, links: LinkCheck | None = None) -> Report:
    """Check ``paths``; with ``links``, check their links over the network too."""
    pages, errors = parse_pages(paths)
    crawl_report, summary, notes = _crawl(pages, links) if links is not None else (None, None, ())
    findings = engine.run(
        the_plan.selected,
        pages,
        the_plan.rule_set.registry,
        all_rules=the_plan.rule_set.rules,
        crawl=crawl_report.results if crawl_report else None,
        base_url=links.base_url if links else None,
    )
    return Report(tuple(findings), tuple(page.path for page in pages), tuple(errors), summary, notes)
