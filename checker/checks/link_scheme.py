"""``link-scheme``: links that use a scheme the publication should not, such as plain ``http://``.

Fails (schemes: [http]): ``[Read more »](http://www.dcms.gov.uk/publications/9586.aspx)``.
Passes: ``[Read more »](https://www.gov.uk/government/publications/digital-in-defence)``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model.finding import Finding

KIND = "link-scheme"


@dataclass(frozen=True)
class Options:
    schemes: tuple[str, ...] = ("http",)
    replacement: str = "https"


def scheme_of(url: str) -> str | None:
    """The URL's scheme, in lower case ("" when it has none); None when it cannot be read. Interned:
    a run keeps one "http" for the whole publication, not one per URL."""
    try:
        return sys.intern(urlsplit(url).scheme.lower())
    except ValueError:
        return None  # link-malformed reports these


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    scheme = context.remembered(scheme_of)(link.url)  # once per URL: a publication repeats them
    if scheme and scheme in rule.options.schemes:
        better = rule.options.replacement + link.url[len(scheme) :]
        yield rule.finding(
            site.page,
            link.span,
            department=site.department,
            url=link.url,
            text=link.text,
            scheme=scheme,
            suggested=better,
        )


CHECK = CheckKind(KIND, Options, frozenset({"text", "scheme", "suggested"}), Scope.LINK, check)
