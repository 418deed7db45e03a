"""``link-malformed``: a URL that cannot work as written.

Fails: ``www.gov.uk/x`` (a host with no scheme), ``https:///x`` (no host), ``javascript:alert(1)``,
``file:///C:/x.pdf`` (scheme not allowed), ``https://user:pw@host/`` (credentials),
``https://exa mple.org/`` (space in the host), ``https://host:99999/`` (bad port).
Passes: ``https://www.gov.uk/government/publications/x``, ``mailto:a@b.gov.uk``, and
site-relative links such as ``/digital/strategy/actions/06/`` (the strategy chapter links
its own pages that way) unless ``relative`` is false.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model.finding import Finding
from checker.urls import UrlPolicy, url_problem

KIND = "link-malformed"
Options = UrlPolicy


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    if not link.url:
        return  # link-missing-url reports these
    reason = url_problem(link.url, rule.options)
    if reason is not None:
        yield rule.finding(
            site.page, link.span, department=site.department, url=link.url, text=link.text, reason=reason
        )


CHECK = CheckKind(KIND, Options, frozenset({"text", "reason"}), Scope.LINK, check)
