"""Stage *evaluate*: run every selected rule where its scope says, and keep going when one fails.

The engine does the walking (checks never loop over pages themselves): page rules
once per page, block rules once per department block, link rules once per link with
the department that holds it and its crawl result (the kinds that read results, once per
link that has one), publication rules once per run.
A check that raises is recorded as a ``RuleFailure`` with its rule id and page; the
other rules' findings still come out. Given ``Timings``, every call of a rule is timed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from checker.engine.api import Context, LinkSite, Rule, Scope
from checker.engine.kinds import KINDS
from checker.engine.timing import Timings
from checker.model import Page
from checker.model.finding import Finding
from checker.model.links import LinkResult
from checker.model.report import RuleFailure
from checker.urls import web_target


def link_sites(page: Page, context: Context) -> Iterator[LinkSite]:
    """Every link of ``page``, with the department whose statement holds it and its result.

    ``evaluate`` joins each page once for every link rule; each distinct URL's target, fetch key
    and result are worked out once per run (``Context.shared``, ``Context.fetch_key``), as a
    publication repeats its URLs.
    """
    owner: dict[tuple[int, int, int, int], str | None] = {}  # by span: its four numbers, hashed in C
    for block in page.departments:
        statement = block.statement
        if statement is not None and statement.links:
            name = block.name
            for link in statement.links:
                span = link.span
                owner[span.start_line, span.start_column, span.end_line, span.end_column] = name
    ends: dict[str, tuple[str | None, LinkResult | None]] = context.shared(_link_end, dict)  # by URL
    for link in page.links:
        url = link.url
        target: str | None = None
        result: LinkResult | None = None
        if url:
            try:
                target, result = ends[url]
            except KeyError:
                target, result = ends[url] = _link_end(url, context)
        span = link.span
        department = owner.get((span.start_line, span.start_column, span.end_line, span.end_column))
        yield LinkSite(page, department, link, target, result)


def _link_end(url: str, context: Context) -> tuple[str | None, LinkResult | None]:
    """Where a URL as written leads (its web target, if any) and what the crawler found there."""
    target = web_target(url, context.base_url)
    results = context.link_results
    if results is None or target is None:
        return target, None
    return target, results.get(context.fetch_key(target))


def _per_block(
    check: Callable[..., Iterable[Finding]], rule: Rule[Any], page: Page, context: Context
) -> list[Finding]:
    return [found for block in page.departments for found in check(rule, page, block, context)]


def _per_link(
    check: Callable[..., Iterable[Finding]], rule: Rule[Any], sites: Sequence[LinkSite], context: Context
) -> list[Finding]:
    return [found for site in sites for found in check(rule, site, context)]


class _Runner:
    def __init__(self, timings: Timings | None = None) -> None:
        self.findings: list[Finding] = []
        self.failures: list[RuleFailure] = []
        self._failed: set[tuple[str, str | None]] = set()
        self._timings = timings

    def call(
        self, rule: Rule[Any], page: Page | None, produce: Callable[..., Iterable[Finding]], *args: Any
    ) -> None:
        path = page.path if page is not None else None
        if (rule.id, path) in self._failed:
            return
        timings = self._timings
        started = timings.clock() if timings is not None else 0.0
        try:
            found = produce(*args)  # all of it before any is kept: a check may raise half way
            self.findings.extend(found if type(found) is list else list(found))
        except Exception as error:  # a bug in one check must not hide every other finding
            self._failed.add((rule.id, path))
            self.failures.append(RuleFailure(rule.id, path, f"{type(error).__name__}: {error}"))
        if timings is not None:
            timings.add_rule(rule.id, timings.clock() - started)


class Evaluation:
    """``evaluate``, a page at a time: for a run that checks pages as they are parsed.

    Page, block and link rules read nothing of the other pages (``Context.pages`` is for the
    publication rules), so ``page(page)`` checks one page whenever it is ready, provided the
    context already has what its link rules read (offline: nothing); ``finish()`` runs the
    publication rules, once ``context.pages`` holds every page, and gives what ``evaluate``
    gives for the same pages in the same order.
    """

    def __init__(
        self, selected: Sequence[Rule[Any]], context: Context, timings: Timings | None = None
    ) -> None:
        self.context = context
        self._by_scope: Mapping[Scope, list[Rule[Any]]] = {
            scope: [rule for rule in selected if KINDS[rule.kind].scope is scope] for scope in Scope
        }
        self._runner = _Runner(timings)
        self._page_rules = [(rule, KINDS[rule.kind].check) for rule in self._by_scope[Scope.PAGE]]
        self._block_rules = [(rule, KINDS[rule.kind].check) for rule in self._by_scope[Scope.BLOCK]]
        #: link rules, and whether each reads the crawler's results: those are given only the links
        #: that have one (offline: none), as a link with no result gives them nothing to report
        self._link_rules = [
            (rule, KINDS[rule.kind].check, KINDS[rule.kind].reads_link_results)
            for rule in self._by_scope[Scope.LINK]
        ]

    def page(self, page: Page) -> None:
        runner, context = self._runner, self.context
        for rule, check in self._page_rules:
            runner.call(rule, page, check, rule, page, context)
        if page.departments:
            for rule, check in self._block_rules:
                runner.call(rule, page, _per_block, check, rule, page, context)
        if self._link_rules and page.links:
            sites = list(link_sites(page, context))
            found: list[LinkSite] | None = None  # the sites with a result, when a rule reads them
            for rule, check, reads_results in self._link_rules:
                if reads_results:
                    if found is None:
                        found = [site for site in sites if site.result is not None]
                    if found:
                        runner.call(rule, page, _per_link, check, rule, found, context)
                else:
                    runner.call(rule, page, _per_link, check, rule, sites, context)

    def finish(self) -> tuple[list[Finding], list[RuleFailure]]:
        """The publication rules run; every finding and failure; the context's tables let go."""
        for rule in self._by_scope[Scope.PUBLICATION]:
            self._runner.call(rule, None, KINDS[rule.kind].check, rule, self.context)
        self.context.forget()
        return self._runner.findings, self._runner.failures


def evaluate(
    selected: Sequence[Rule[Any]], context: Context, timings: Timings | None = None
) -> tuple[list[Finding], list[RuleFailure]]:
    evaluation = Evaluation(selected, context, timings)
    for page in context.pages:
        evaluation.page(page)
    return evaluation.finish()
