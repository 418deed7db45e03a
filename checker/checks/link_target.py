"""``link-target``: a link with nothing to go to.

Fails: ``[Read more »]`` on its own, ``[text]()``, ``[text][ref]`` with no ``[ref]:`` definition.
Passes: ``[Read more »](https://www.gov.uk/...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.base import CheckKind, Context, Rule
from checker.checks.links import links_with_department
from checker.finding import Finding
from checker.model import LinkKind

KIND = "link-target"


@dataclass(frozen=True)
class Options:
    pass


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page, department, link in links_with_department(context):
        if link.url:
            continue
        why = (
            "its reference is not defined"
            if link.kind is LinkKind.UNRESOLVED and not link.is_read_more
            else ("it has no URL")
        )
        yield rule.finding(page, link.span, department=department, text=link.text, why=why)


CHECK = CheckKind(KIND, Options, frozenset({"text", "why"}), check, "a link with no target")
