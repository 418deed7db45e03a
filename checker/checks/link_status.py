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
from typing import Any
from urllib.parse import urlsplit

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model.finding import Finding, Severity
from checker.model.links import LinkResult, LinkStatus

STATUS, REDIRECT, FRAGMENT, SLOW = "link-status", "link-redirect", "link-fragment", "link-slow"
_WORDS = tuple(status.value for status in LinkStatus)
FIELDS = frozenset(
    {"text", "status", "code", "detail", "final_url", "elapsed", "attempts", "hint", "runs", "persisted"}
)


@dataclass(frozen=True)
class StatusOptions:
    """Which statuses a ``link-status`` rule reports, and when a lasting failure escalates."""

    statuses: tuple[str, ...] = ()
    #: a failure that has lasted this many checked runs in a row (the link store counts them)
    #: is an error, whatever the rule's level: one bad night warns, a week fails. 0: never.
    escalate_after: int = 0

    def __post_init__(self) -> None:
        for word in self.statuses:
            if word not in _WORDS:
                raise ValueError(f"unknown status {word!r} (allowed: {', '.join(_WORDS)})")


@dataclass(frozen=True)
class RedirectOptions:
    """Which redirects ``link-redirect`` reports."""

    min_hops: int = 2  # a chain this long is reported even when every hop is temporary
    permanent: bool = True  # report a single permanent (301/308) redirect


FragmentOptions = NoOptions  # link-fragment takes no options


@dataclass(frozen=True)
class SlowOptions:
    """How slow an answer ``link-slow`` reports."""

    seconds: float = 5.0


def _finding(
    rule: Rule[Any], site: LinkSite, context: Context, result: LinkResult, severity: Severity | None = None
) -> Finding:
    link, department = site.link, site.department
    runs = context.failing_runs.get(result.url, 1) if result.status.failing else 0
    known = context.lookup(department) if department else None
    hint = ""
    if (
        known
        and known.strategy
        and link.is_read_more
        and context.fetch_key(known.strategy) != context.fetch_key(link.url)
    ):
        hint = f"; the registry gives {known.name}'s strategy as {known.strategy}"
    return rule.finding(
        site.page,
        link.span,
        department=department,
        url=link.url,
        link=result,
        text=link.text,
        status=result.status.value,
        code=result.status_code,
        detail=result.detail,
        final_url=result.final_url,
        elapsed=round(result.elapsed, 1),
        attempts=result.attempts,
        hint=hint,
        runs=runs,
        persisted=f"; failing for {runs} runs in a row" if runs > 1 else "",
        severity=severity,
    )


def check_status(rule: Rule[StatusOptions], site: LinkSite, context: Context) -> Iterator[Finding]:
    result, options = site.result, rule.options
    if result is None or result.status.value not in options.statuses:
        return
    runs = context.failing_runs.get(result.url, 1)
    escalated = options.escalate_after and runs >= options.escalate_after
    yield _finding(rule, site, context, result, Severity.ERROR if escalated else None)


def check_redirect(rule: Rule[RedirectOptions], site: LinkSite, context: Context) -> Iterator[Finding]:
    options, result = rule.options, site.result
    if result is None or result.status is not LinkStatus.OK or not result.redirects:
        return
    if len(result.redirects) >= options.min_hops or (options.permanent and result.permanent_redirect):
        yield _finding(rule, site, context, result)


def check_fragment(rule: Rule[FragmentOptions], site: LinkSite, context: Context) -> Iterator[Finding]:
    result = site.result
    if result is None or result.status is not LinkStatus.OK:
        return
    fragment = urlsplit(site.link.url).fragment
    if fragment and result.has_anchor(fragment) is False:
        yield _finding(rule, site, context, result)


def check_slow(rule: Rule[SlowOptions], site: LinkSite, context: Context) -> Iterator[Finding]:
    result = site.result
    if result is not None and result.status is LinkStatus.OK and result.elapsed > rule.options.seconds:
        yield _finding(rule, site, context, result)


CHECKS = (
    CheckKind(STATUS, StatusOptions, FIELDS, Scope.LINK, check_status, reads_link_results=True),
    CheckKind(REDIRECT, RedirectOptions, FIELDS, Scope.LINK, check_redirect, reads_link_results=True),
    CheckKind(FRAGMENT, FragmentOptions, FIELDS, Scope.LINK, check_fragment, reads_link_results=True),
    CheckKind(SLOW, SlowOptions, FIELDS, Scope.LINK, check_slow, reads_link_results=True),
)
