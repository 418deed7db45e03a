"""Link checks that read the crawler's results. They never touch the network themselves.

``link-status`` reports links whose URL ended in one of ``statuses``:
fails (statuses: [dead]) for ``[Read more »](http://www.dcms.gov.uk/publications/9586.aspx)``
when the server answered 404; passes when it answered 200.
``link-redirect`` fails for a permanent redirect, or a chain of ``min_hops`` hops or more.
``link-fragment`` fails for ``...our_goals.aspx#dds`` when the page has no ``id="dds"``.
``link-slow`` fails when a good answer took longer than ``seconds``.
Links that were not checked (offline, network down, not http) give no findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from checker.checks.base import CheckKind, Context, Rule
from checker.checks.links import links_with_department
from checker.crawl.result import CrawlResult, LinkStatus, fetch_key
from checker.finding import Finding
from checker.model import Link, Page
from checker.urls import web_target

STATUS, REDIRECT, FRAGMENT, SLOW = "link-status", "link-redirect", "link-fragment", "link-slow"
_WORDS = tuple(status.value for status in LinkStatus)
FIELDS = frozenset({"text", "status", "code", "detail", "final_url", "elapsed", "attempts", "hint"})


@dataclass(frozen=True)
class StatusOptions:
    statuses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for word in self.statuses:
            if word not in _WORDS:
                raise ValueError(f"unknown status {word!r} (allowed: {', '.join(_WORDS)})")


@dataclass(frozen=True)
class RedirectOptions:
    min_hops: int = 2  # a chain this long is reported even when every hop is temporary
    permanent: bool = True  # report a single permanent (301/308) redirect


@dataclass(frozen=True)
class FragmentOptions:
    pass


@dataclass(frozen=True)
class SlowOptions:
    seconds: float = 5.0


class Checked(NamedTuple):
    page: Page
    department: str | None
    link: Link
    result: CrawlResult


def _checked(context: Context) -> Iterator[Checked]:
    if context.crawl is None:
        return
    for page, department, link in links_with_department(context):
        target = web_target(link.url, context.base_url)
        if target is None:
            continue
        result = context.crawl.get(fetch_key(target))
        if result is not None:
            yield Checked(page, department, link, result)


def _finding(rule: Rule[Any], context: Context, checked: Checked) -> Finding:
    page, department, link, result = checked
    known = context.registry.lookup(department) if department else None
    hint = ""
    if known and known.strategy and link.is_read_more and fetch_key(known.strategy) != fetch_key(link.url):
        hint = f"; the registry gives {known.name}'s strategy as {known.strategy}"
    return rule.finding(
        page,
        link.span,
        department=department,
        url=link.url,
        text=link.text,
        status=result.status.value,
        code=result.status_code or "",
        detail=result.detail,
        final_url=result.final_url,
        elapsed=f"{result.elapsed:.1f}s",
        attempts=result.attempts,
        hint=hint,
        evidence=evidence(result),
    )


def evidence(result: CrawlResult) -> tuple[tuple[str, str], ...]:
    """What the crawler saw, for machine-readable reports."""
    facts = [
        ("status", result.status.value),
        ("status_code", str(result.status_code) if result.status_code is not None else ""),
        ("final_url", result.final_url),
        ("redirects", " ".join(f"{hop.status_code} {hop.location}" for hop in result.redirects)),
        ("error_kind", result.error_kind or ""),
        ("elapsed", f"{result.elapsed:.3f}"),
        ("attempts", str(result.attempts)),
    ]
    return tuple((key, value) for key, value in facts if value)


def check_status(rule: Rule[StatusOptions], context: Context) -> Iterator[Finding]:
    wanted = {LinkStatus(word) for word in rule.options.statuses}
    for checked in _checked(context):
        if checked.result.status in wanted:
            yield _finding(rule, context, checked)


def check_redirect(rule: Rule[RedirectOptions], context: Context) -> Iterator[Finding]:
    options = rule.options
    for checked in _checked(context):
        result = checked.result
        if result.status is not LinkStatus.OK or not result.redirects:
            continue
        if len(result.redirects) >= options.min_hops or (options.permanent and result.permanent_redirect):
            yield _finding(rule, context, checked)


def check_fragment(rule: Rule[FragmentOptions], context: Context) -> Iterator[Finding]:
    for checked in _checked(context):
        result = checked.result
        fragment = urlsplit(checked.link.url).fragment
        if fragment and result.status is LinkStatus.OK and result.has_anchor(fragment) is False:
            yield _finding(rule, context, checked)


def check_slow(rule: Rule[SlowOptions], context: Context) -> Iterator[Finding]:
    for checked in _checked(context):
        result = checked.result
        if result.status is LinkStatus.OK and result.elapsed > rule.options.seconds:
            yield _finding(rule, context, checked)


CHECKS = (
    CheckKind(STATUS, StatusOptions, FIELDS, check_status, "links whose check ended in a given status"),
    CheckKind(REDIRECT, RedirectOptions, FIELDS, check_redirect, "links that redirect"),
    CheckKind(FRAGMENT, FragmentOptions, FIELDS, check_fragment, "#anchors the target page does not have"),
    CheckKind(SLOW, SlowOptions, FIELDS, check_slow, "links that answer slowly"),
)
