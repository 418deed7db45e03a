"""``link-scheme``: links that use a scheme the publication should not, such as plain ``http://``.

Fails (schemes: [http]): ``[Read more »](http://www.dcms.gov.uk/publications/9586.aspx)``.
Passes: ``[Read more »](https://www.gov.uk/government/publications/digital-in-defence)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from checker.checks.base import CheckKind, Context, Rule
from checker.checks.links import links_with_department
from checker.finding import Finding

KIND = "link-scheme"


@dataclass(frozen=True)
class Options:
    schemes: tuple[str, ...] = ("http",)
    replacement: str = "https"


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page, department, link in links_with_department(context):
        try:
            scheme = urlsplit(link.url).scheme.lower()
        except ValueError:
            continue  # link-malformed reports these
        if scheme and scheme in rule.options.schemes:
            better = rule.options.replacement + link.url[len(scheme) :]
            yield rule.finding(
                page,
                link.span,
                department=department,
                url=link.url,
                text=link.text,
                scheme=scheme,
                suggested=better,
            )


CHECK = CheckKind(
    KIND, Options, frozenset({"text", "scheme", "suggested"}), check, "links with a discouraged scheme"
)
