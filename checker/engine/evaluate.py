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
from checker.model.report import RuleFailure
from checker.urls import web_target


def link_sites(page: Page, context: Context) -> Iterator[LinkSite]:
    """Every link of ``page``, with the department whose statement holds it and its result.

    ``evaluate`` joins each page once for every link rule; each distinct URL's target and fetch
    key are worked out once per run (``Context.shared``, ``Context.fetch_key``), as a
    publication repeats its URLs.
    """
    owner: dict[Span, str | None] = {}
    for block in page.departments:
        if block.statement is not None:
            for link in block.statement.links:
                owner[link.span] = block.name
    results = context.link_results
    targets: dict[str, str | None] = context.shared(web_target, dict)  # by URL as written
    for link in page.links:
        target: str | None = None
        if link.url:
            try:
                target = targets[link.url]
            except KeyError:
                target = targets[link.url] = web_target(link.url, context.base_url)
        result = (
            results.get(context.fetch_key(target)) if results is not None and target is not None else None
        )
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


class Evaluation:
    """``evaluate``, a page at a time: for a run that checks pages as they are parsed.

    Page, block and link rules read nothing of the other pages (``Context.pages`` is for the
    publication rules), so ``page(page)`` checks one page whenever it is ready, provided the
    context already has what its link rules read (offline: nothing); ``finish()`` runs the
    publication rules, once ``context.pages`` holds every page, and gives what ``evaluate``
    gives for the same pages in the same order.
    """

    def __init__(self, selected: Sequence[Rule[Any]], context: Context) -> None:
        self.context = context
        self._by_scope: Mapping[Scope, list[Rule[Any]]] = {
            scope: [rule for rule in selected if KINDS[rule.kind].scope is scope] for scope in Scope
        }
        self._runner = _Runner()

    def page(self, page: Page) -> None:
        runner, context, by_scope = self._runner, self.context, self._by_scope
        for rule in by_scope[Scope.PAGE]:
            runner.call(rule, page, KINDS[rule.kind].check, rule, page, context)
        for rule in by_scope[Scope.BLOCK]:
            runner.call(rule, page, _per_block, KINDS[rule.kind].check, rule, page, context)
        if by_scope[Scope.LINK]:
            sites = list(link_sites(page, context))
            for rule in by_scope[Scope.LINK]:
                runner.call(rule, page, _per_link, KINDS[rule.kind].check, rule, sites, context)

    def finish(self) -> tuple[list[Finding], list[RuleFailure]]:
        for rule in self._by_scope[Scope.PUBLICATION]:
            self._runner.call(rule, None, KINDS[rule.kind].check, rule, self.context)
        return self._runner.findings, self._runner.failures


def evaluate(selected: Sequence[Rule[Any]], context: Context) -> tuple[list[Finding], list[RuleFailure]]:
    evaluation = Evaluation(selected, context)
    for page in context.pages:
        evaluation.page(page)
    return evaluation.finish()
