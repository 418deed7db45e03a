"""Stage *evaluate*: run every selected rule where its scope says, and keep going when one fails.

The engine does the walking (checks never loop over pages themselves): page rules
once per page, block rules once per department block, link rules once per link with
the department that holds it and its crawl result, publication rules once per run.
A check that raises is recorded as a ``RuleFailure`` with its rule id and page; the
other rules' findings still come out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from checker.engine.api import Context, LinkSite, Rule, Scope
from checker.engine.kinds import KINDS
from checker.model import Page, Span
from checker.model.finding import Finding
from checker.model.links import fetch_key
from checker.model.report import RuleFailure
from checker.urls import web_target


def link_sites(page: Page, context: Context) -> Iterator[LinkSite]:
    """Every link of ``page``, with the department whose statement holds it and its result."""
    owner: dict[Span, str | None] = {}
    for block in page.departments:
        if block.statement is not None:
            for link in block.statement.links:
                owner[link.span] = block.name
    results = context.link_results
    for link in page.links:
        target = web_target(link.url, context.base_url) if link.url else None
        result = results.get(fetch_key(target)) if results is not None and target is not None else None
        yield LinkSite(page, owner.get(link.span), link, target, result)


def _per_block(
    check: Callable[..., Iterable[Finding]], rule: Rule[Any], page: Page, context: Context
) -> list[Finding]:
    return [found for block in page.departments for found in check(rule, page, block, context)]


def _per_link(
    check: Callable[..., Iterable[Finding]], rule: Rule[Any], sites: Sequence[LinkSite], context: Context
) -> list[Finding]:
    return [found for site in sites for found in check(rule, site, context)]


class _Runner:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.failures: list[RuleFailure] = []
        self._failed: set[tuple[str, str | None]] = set()

    def call(
        self, rule: Rule[Any], page: Page | None, produce: Callable[..., Iterable[Finding]], *args: Any
    ) -> None:
        path = page.path if page is not None else None
        if (rule.id, path) in self._failed:
            return
        try:
            self.findings.extend(list(produce(*args)))
        except Exception as error:  # a bug in one check must not hide every other finding
            self._failed.add((rule.id, path))
            self.failures.append(RuleFailure(rule.id, path, f"{type(error).__name__}: {error}"))


def evaluate(selected: Sequence[Rule[Any]], context: Context) -> tuple[list[Finding], list[RuleFailure]]:
    by_scope: Mapping[Scope, list[Rule[Any]]] = {
        scope: [rule for rule in selected if KINDS[rule.kind].scope is scope] for scope in Scope
    }
    runner = _Runner()
    for page in context.pages:
        for rule in by_scope[Scope.PAGE]:
            runner.call(rule, page, KINDS[rule.kind].check, rule, page, context)
        for rule in by_scope[Scope.BLOCK]:
            runner.call(rule, page, _per_block, KINDS[rule.kind].check, rule, page, context)
        if by_scope[Scope.LINK]:
            sites = list(link_sites(page, context))
            for rule in by_scope[Scope.LINK]:
                runner.call(rule, page, _per_link, KINDS[rule.kind].check, rule, sites, context)
    for rule in by_scope[Scope.PUBLICATION]:
        runner.call(rule, None, KINDS[rule.kind].check, rule, context)
    return runner.findings, runner.failures
