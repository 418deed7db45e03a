"""``link-target``: a link with nothing to go to.

Fails: ``[Read more »]`` on its own, ``[text]()``, ``[text][ref]`` with no ``[ref]:`` definition.
Passes: ``[Read more »](https://www.gov.uk/...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model import LinkKind
from checker.model.finding import Finding

KIND = "link-target"


@dataclass(frozen=True)
class Options:
    pass


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    if link.url:
        return
    why = (
        "its reference is not defined"
        if link.kind is LinkKind.UNRESOLVED and not link.is_read_more
        else "it has no URL"
    )
    yield rule.finding(
        site.page, link.span, department=site.department, subject=link.text, text=link.text, why=why
    )


CHECK = CheckKind(KIND, Options, frozenset({"text", "why"}), Scope.LINK, check)
