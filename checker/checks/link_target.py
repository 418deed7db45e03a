"""``link-target``: a link with nothing to go to, or one that was meant but is not a link.

Fails: ``[Read more »]`` on its own, ``[text]()``, ``[text][ref]`` with no ``[ref]:`` definition,
and the near misses the parser names (``Link.detail``), each reported as what it is:
``[Read more »] (https://...)`` (a space between ``]`` and ``(``),
``[Read more »](https://www.gov.uk/some doc)`` (a space in the URL), ``[Read more »](https://...``
(never closed), a URL broken across two lines, ``[Read more »]https://...`` (no parentheses),
``<https://www.gov.uk/a b>``.
Passes: ``[Read more »](https://www.gov.uk/...)``.

``why`` says what is wrong; ``suggested`` is the link as it should be written: the near
miss rewritten, or for a bare ``[Read more »]`` the department's strategy from the registry.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model import LinkKind
from checker.model.finding import Finding

KIND = "link-target"


Options = NoOptions  # this kind takes no options


def _target(site: LinkSite, context: Context) -> str:
    """The URL to suggest: the department's strategy for its "Read more", else a placeholder."""
    if site.link.is_read_more and site.department:
        known = context.lookup(site.department)
        if known is not None and known.strategy:
            return known.strategy
    return "https://..."


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    if link.url:
        return  # a near miss that is still a link (a wrapped URL): link-malformed reports it
    if link.detail:
        why = link.detail
    elif link.kind is LinkKind.UNRESOLVED and not link.is_read_more:
        why = "its reference is not defined"
    else:
        why = "it has no URL"
    suggested = link.rewrite or f"[{link.text}]({_target(site, context)})"
    yield rule.finding(
        site.page,
        link.span,
        department=site.department,
        subject=link.text,
        text=link.text,
        why=why,
        suggested=suggested,
    )


CHECK = CheckKind(KIND, Options, frozenset({"text", "why", "suggested"}), Scope.LINK, check)
