"""The rules engine: run every selected rule over the whole set of pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.checks import KINDS
from checker.checks.base import Context, Rule
from checker.checks.statement_pattern import Options as PatternOptions
from checker.checks.statement_pattern import first_match
from checker.config.registry import Registry
from checker.finding import Finding
from checker.model import Page, Statement

if TYPE_CHECKING:
    from checker.crawl.result import CrawlResult


def placeholder_test(rules: Iterable[Rule[Any]]) -> Callable[[Statement], bool]:
    """A statement is a placeholder when a loaded ``placeholder: true`` rule matches it, enabled or not."""
    options = [
        rule.options
        for rule in rules
        if isinstance(rule.options, PatternOptions) and rule.options.placeholder
    ]

    def is_placeholder(statement: Statement) -> bool:
        return any(first_match(option, statement) for option in options)

    return is_placeholder


def run(
    selected: Sequence[Rule[Any]],
    pages: Sequence[Page],
    registry: Registry,
    *,
    all_rules: Sequence[Rule[Any]] = (),
    crawl: Mapping[str, CrawlResult] | None = None,
    base_url: str | None = None,
) -> list[Finding]:
    """Every finding of ``selected`` rules on ``pages``, in a stable order."""
    context = Context(pages, registry, placeholder_test(all_rules or selected), crawl, base_url)
    findings: list[Finding] = []
    for rule in selected:
        findings.extend(KINDS[rule.kind].run(rule, context))
    return sorted(set(findings), key=Finding.sort_key)
