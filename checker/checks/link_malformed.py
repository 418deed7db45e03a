"""``link-malformed``: a URL that cannot work as written.

Fails: ``www.gov.uk/x`` (a host with no scheme), ``https:///x`` (no host), ``javascript:alert(1)``,
``file:///C:/x.pdf`` (scheme not allowed), ``https://user:pw@host/`` (credentials),
``https://exa mple.org/`` (space in the host), ``https://host:99999/`` (bad port), and a link
to a wrapped URL, which the parser names in ``Link.detail``: ``[Read more »]((https://...))``,
``[Read more »]("https://...")`` (the browser would take it as a page on our own site).
Passes: ``https://www.gov.uk/government/publications/x``, ``mailto:a@b.gov.uk``, and
site-relative links such as ``/digital/strategy/actions/06/`` (the strategy chapter links
its own pages that way) unless ``relative`` is false.

``advice`` is the fix: the link rewritten when the parser could tell how, else what to do.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model import Link
from checker.model.finding import Finding
from checker.urls import UrlPolicy, url_problem

KIND = "link-malformed"
Options = UrlPolicy
SPACE = "it contains a space"


def _reason(link: Link, options: Options, context: Context | None = None) -> tuple[str, str] | None:
    """Why the link's URL cannot work, and the advice; None when it can.

    Given the run's ``context``, each distinct URL is judged once (a publication repeats its links).
    """
    if link.detail:
        return link.detail, f"Write it as {link.rewrite}" if link.rewrite else "Remove what wraps the URL"
    if context is None:
        reason = url_problem(link.url, options)
    else:
        judged = context.remembered(lambda url: url_problem(url, options), key=(url_problem, options))
        reason = judged(link.url)
    if reason is None:
        return None
    if reason == SPACE:
        return reason, "Write each space as %20, or fix the address"
    return reason, "Write the full address, starting https://"


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    if not link.url:
        return  # link-missing-url reports these
    found = _reason(link, rule.options, context)
    if found is None:
        return
    reason, advice = found
    yield rule.finding(
        site.page,
        link.span,
        department=site.department,
        url=link.url,
        text=link.text,
        reason=reason,
        advice=advice,
    )


CHECK = CheckKind(KIND, Options, frozenset({"text", "reason", "advice"}), Scope.LINK, check)
