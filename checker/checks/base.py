"""What every check kind shares: the rule it runs for, the context it reads, the kind's entry."""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from checker.finding import Finding, Severity
from checker.model import Page, Span, Statement

if TYPE_CHECKING:
    from checker.config.registry import Registry
    from checker.crawl.result import CrawlResult

OptionsT = TypeVar("OptionsT")


def template_fields(template: str) -> set[str]:
    """The ``{name}`` fields a message template uses."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Rule(Generic[OptionsT]):
    """One rule, as a rule file defines it: a check kind with a message, level and options."""

    id: str
    kind: str
    level: Severity
    message: str
    description: str
    fix: str | None
    options: OptionsT
    source: str  # the rule file
    line: int = 1

    def finding(
        self,
        page: Page,
        span: Span,
        *,
        department: str | None = None,
        url: str | None = None,
        evidence: tuple[tuple[str, str], ...] = (),
        **fields: object,
    ) -> Finding:
        """A finding of this rule: the message and fix templates filled with ``fields``."""
        values: dict[str, object] = {"department": department or "", "url": url or "", **fields}
        fix = self.fix.format_map(values).strip() if self.fix else ""
        return Finding(
            rule=self.id,
            severity=self.level,
            path=page.path,
            span=span,
            message=self.message.format_map(values),
            fix=fix or None,
            department=department,
            url=url,
            evidence=evidence,
        )


@dataclass(frozen=True)
class Context:
    """Everything a check may read: all pages of the run, the registry, crawl results."""

    pages: Sequence[Page]
    registry: Registry
    is_placeholder: Callable[[Statement], bool]
    crawl: Mapping[str, CrawlResult] | None = None  # None when links were not checked
    base_url: str | None = None  # what site-relative links are resolved against


Run = Callable[[Rule[Any], Context], Iterable[Finding]]


@dataclass(frozen=True)
class CheckKind:
    """A check kind: code that rule files extend with data."""

    name: str
    options: type
    fields: frozenset[str]  # what message and fix templates may use
    run: Run
    summary: str


COMMON_FIELDS = frozenset({"department", "url"})
