"""One run, stage by stage: plan -> collect -> parse -> links (+ history) -> evaluate -> filter -> report.

Each stage is a small module with typed input and output; this one only puts them
in order. The CLI parses arguments, makes a ``RunRequest``, calls ``run`` and prints.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from checker.engine.api import Context
from checker.engine.collect import PageFile, collect
from checker.engine.evaluate import Evaluation, evaluate, link_sites
from checker.engine.filter import FindingFilter, apply_filters
from checker.engine.fingerprint import fingerprint
from checker.engine.kinds import placeholder_test
from checker.engine.pages import ParsedPages, split
from checker.engine.plan import Plan
from checker.engine.timing import Timings, stage
from checker.engine.waivers import apply_waivers
from checker.errors import CheckerError
from checker.model import Link, Page
from checker.model.finding import Finding, Severity
from checker.model.links import LinkResult
from checker.model.report import Report

if TYPE_CHECKING:
    # changes (git, subprocess) is imported only with --changed-since; history and links (the
    # URL rules, the crawler's options) only when links are checked
    from checker.engine.changes import Changes
    from checker.engine.history import RunHistory
    from checker.engine.links import LinkOptions, LinkProgress, LinkStage


T = TypeVar("T")


@dataclass(frozen=True)
class RunRequest:
    """What a run is asked to do: the paths, the plan, and how links are checked."""

    paths: Sequence[str]
    plan: Plan
    links: LinkOptions | None = None  # None: offline, no link is fetched
    root: Path | None = None  # fingerprints name pages relative to this (default: the working folder)
    filters: Sequence[FindingFilter] = ()
    progress: LinkProgress | None = None
    history: RunHistory | None = None  # the link store, used when links are checked
    fail_on: Severity = Severity.ERROR
    changes: Changes | None = None  # --changed-since: only these pages, and only these lines fail
    all_links: bool = False  # with changes: fetch every link of the changed pages, not only changed lines
    workers: int | None = None  # processes that parse pages (None: one per CPU for big inputs)
    overlap: bool = True  # check links while big inputs are parsed (False: parse every page, then check)
    timings: Timings | None = None  # --timings: where the time goes, by stage and by rule


def _on_changed_lines(changes: Changes) -> Callable[[Page, Link], bool]:
    def changed(page: Page, link: Link) -> bool:
        return changes.changed(page.path, link.span.start_line, link.span.end_line)

    return changed


def _change_notes(changes: Changes, given: int, checked: int) -> tuple[str, ...]:
    if checked == 0:
        return (f"no page among the {given} given changed since {changes.rev}; nothing to check",)
    return (
        f"{checked} of {given} pages changed since {changes.rev}; only findings on the lines the "
        "change added or modified fail the run",
    )


def _record_occurrences(history: RunHistory, context: Context, page_keys: dict[str, str]) -> None:
    for page in context.pages:
        history.record_occurrences(link_sites(page, context), page_keys)


@dataclass
class _Links:
    """What the link stage needs besides the pages: the request, the store, where pages are keyed."""

    request: RunRequest
    started: datetime
    page_keys: dict[str, str]
    context: Context  # for the link sites of each page (no results yet)
    history: RunHistory | None

    def cached(self) -> Callable[[Iterable[str]], Mapping[str, LinkResult]] | None:
        history, started = self.history, self.started
        return (lambda keys: history.cached(keys, started)) if history is not None else None

    def only(self) -> Callable[[Page, Link], bool] | None:
        changes = self.request.changes
        return _on_changed_lines(changes) if changes is not None and not self.request.all_links else None

    def check(self, pages: Sequence[Page] | AsyncIterator[Page], checker: Callable[..., T]) -> T:
        """``checker`` (``check_links`` or ``check_links_as_parsed``) on ``pages`` as the request says:
        its options and progress line, the store's results and records, the links to take."""
        request, history = self.request, self.history
        assert request.links is not None
        return checker(
            pages,
            request.links,
            request.progress,
            cached=self.cached(),
            record=history.record if history is not None else None,
            only=self.only(),
        )


def _parse_then_check(links: _Links, parsed: ParsedPages) -> tuple[list[Page], list[CheckerError], LinkStage]:
    """Every page parsed, then their links checked: for small inputs, parsed here in moments.

    Parsing here while links are checked would hold up the event loop for each page, and every
    request then in flight would seem slower than it is (``link-slow``, timeouts)."""
    from checker.engine.links import check_links  # noqa: PLC0415

    timings = links.request.timings
    with stage(timings, "parse pages"):
        pages, errors = split(parsed)
        parsed.close()  # the workers, if any, are done
    history = links.history
    if history is not None:
        history.begin(links.started, len(pages))
        _record_occurrences(history, replace(links.context, pages=pages), links.page_keys)
    with stage(timings, "check links"):
        checked = links.check(pages, check_links)
    return pages, errors, checked


def _parse_and_check(links: _Links, parsed: ParsedPages) -> tuple[list[Page], list[CheckerError], LinkStage]:
    """Pages parsed in worker processes while their links are checked here: each page's links go
    to the crawler as the page arrives, and its occurrences to the store, so the run takes about
    as long as the slower of the two rather than both."""
    import asyncio  # noqa: PLC0415

    from checker.engine.links import check_links_as_parsed  # noqa: PLC0415

    pages: list[Page] = []
    errors: list[CheckerError] = []
    history = links.history
    if history is not None:  # the number of pages is known at the end (``finish``)
        history.begin(links.started, len(parsed.files))

    async def arriving() -> AsyncIterator[Page]:
        async for outcome in parsed.arrivals():
            if isinstance(outcome, CheckerError):
                errors.append(outcome)
                continue
            pages.append(outcome)
            if history is not None:
                history.record_occurrences(link_sites(outcome, links.context), links.page_keys)
            yield outcome

    with stage(links.request.timings, "parse pages and check links (at once)"):
        checked = asyncio.run(links.check(arriving(), check_links_as_parsed))
    return pages, errors, checked


def _parse_and_evaluate(
    files: Sequence[PageFile], request: RunRequest, context: Context, freeze: bool
) -> tuple[list[CheckerError], Evaluation]:
    """Every page parsed and put through its page, block and link rules as it arrives (in input
    order, so the findings come out as ``evaluate`` gives them); the publication rules are left
    for ``Evaluation.finish``. ``context.pages`` (a list) is filled as pages arrive: the rules run
    here read only their own page. ``freeze``: each checked page is handed to the oldest
    generation, where the cycle collector no longer walks it (see ``run``)."""
    pages = context.pages
    assert isinstance(pages, list)
    errors: list[CheckerError] = []
    evaluation = Evaluation(request.plan.selected, context, request.timings)
    with (
        stage(request.timings, "parse pages and run page rules (at once)"),
        ParsedPages(files, request.workers) as parsed,
    ):
        for outcome in parsed:
            if isinstance(outcome, CheckerError):
                errors.append(outcome)
                continue
            pages.append(outcome)
            evaluation.page(outcome)
            if freeze:
                gc.freeze()
    return errors, evaluation


def _one_by_one(findings: list[Finding]) -> Iterator[Finding]:
    """``findings`` in order, each let go of by the list as it is handed on: the copies that carry
    their identities replace them without both sets being held at once (100,000 findings are 14
    MiB, and the run's peak is when the findings are made)."""
    findings.reverse()
    while findings:
        yield findings.pop()


def _settle(
    raw: list[Finding],
    *,
    pages: Sequence[Page],
    page_keys: dict[str, str],
    request: RunRequest,
    link_stage: LinkStage | None,
    started: datetime,
    history: RunHistory | None,
) -> tuple[list[Finding], dict[str, int]]:
    """The rules' findings (``raw``, emptied here) identified, waived, marked outside the change
    and filtered: those shown and how many were hidden; recorded in the link store, if any."""
    timings, changes = request.timings, request.changes
    with stage(timings, "fingerprints"):
        ordered = sorted(dict.fromkeys(raw), key=Finding.sort_key)
        raw.clear()  # the findings as the rules made them are now held by ``ordered`` alone
        identified = fingerprint(_one_by_one(ordered), {page.path: page for page in pages}, page_keys)
    with stage(timings, "waivers and filters"):
        identified, waived = apply_waivers(
            identified,
            pages,
            request.plan,
            page_keys,
            links=link_stage.summary if link_stage else None,
            today=started.astimezone().date(),
        )
        if changes is not None:
            from checker.engine.changes import mark_outside  # noqa: PLC0415

            identified = mark_outside(identified, changes)
    if history is not None:
        with stage(timings, "link store"):
            history.record_findings([found for found in identified if waived.keep(found)], page_keys)
            history.finish(datetime.now(UTC), len(pages))
    with stage(timings, "waivers and filters"):
        return apply_filters(sorted(identified, key=Finding.sort_key), (waived, *request.filters))


def run(request: RunRequest) -> Report:
    started = datetime.now(UTC)
    the_plan, timings = request.plan, request.timings
    with stage(timings, "find pages"):
        files, input_errors = collect(request.paths, request.root)
    changes = request.changes
    given = len(files)
    if changes is not None:
        files = [file for file in files if changes.touches(file.path)]
    page_keys = {file.path: file.key for file in files}
    registry, is_placeholder = the_plan.rule_set.registry, placeholder_test(the_plan.rule_set.rules)
    base_url = request.links.base_url if request.links else None
    link_stage: LinkStage | None = None
    history = request.history if request.links is not None and the_plan.reads_link_results else None
    failing_runs: dict[str, int] = {}
    if request.links is not None and the_plan.reads_link_results:
        links = _Links(
            request, started, page_keys, Context([], registry, is_placeholder, None, base_url), history
        )
        with ParsedPages(files, request.workers) as parsed:  # workers start before any event loop
            overlap = request.overlap and parsed.workers > 1
            pages, read_errors, link_stage = (_parse_and_check if overlap else _parse_then_check)(
                links, parsed
            )
        if history is not None:
            failing_runs = history.failing_runs()
    # The pages (millions of objects on a big publication) live until the report is made, and the
    # checks then make findings by the hundred thousand: each full collection that sets off would
    # scan every page again. Frozen, the cycle collector leaves what exists now alone; reference
    # counting still frees whatever dies (pages and findings hold no cycles), and the collector gets
    # it all back once the findings are filtered. Should a stage raise first, only cycles among these
    # objects would wait for a collection. Not done when the process has frozen objects of its own.
    frozen = not gc.get_freeze_count()
    if link_stage is None:
        # no link results to wait for: each page is checked as it arrives, here, while the
        # workers (for a big input) parse the next ones
        pages = []
        context = Context(pages, registry, is_placeholder, None, base_url)
        read_errors, evaluation = _parse_and_evaluate(files, request, context, frozen)
        with stage(timings, "publication rules"):
            raw, failures = evaluation.finish()
    else:
        if frozen:
            gc.freeze()
        context = Context(pages, registry, is_placeholder, link_stage.results, base_url, failing_runs)
        with stage(timings, "rules"):
            raw, failures = evaluate(the_plan.selected, context, timings)
    shown, hidden = _settle(
        raw,
        pages=pages,
        page_keys=page_keys,
        request=request,
        link_stage=link_stage,
        started=started,
        history=history,
    )
    if frozen:
        gc.unfreeze()
    root = (request.root or Path.cwd()).resolve()
    return Report(
        findings=tuple(shown),
        files=tuple(page.path for page in pages),
        errors=(*input_errors, *read_errors),
        links=link_stage.summary if link_stage else None,
        notes=(
            *(_change_notes(changes, given, len(files)) if changes else ()),
            *(link_stage.notes if link_stage else ()),
        ),
        rules=the_plan.rules,
        link_results=link_stage.results if link_stage else {},
        failures=tuple(failures),
        hidden=hidden,
        root=str(root),
        started=started,
        finished=datetime.now(UTC),
        fail_on=request.fail_on,
    )


def check(paths: Sequence[str], plan: Plan, links: LinkOptions | None = None) -> Report:
    """``run`` with the defaults: for tests, benchmarks and library use."""
    return run(RunRequest(paths, plan, links))


def evaluate_pages(pages: Sequence[Page], plan: Plan) -> list[Finding]:
    """The offline findings of pages already parsed (no collect, no links, no filters but the
    pages' waivers), sorted."""
    context = Context(pages, plan.rule_set.registry, placeholder_test(plan.rule_set.rules))
    raw, failures = evaluate(plan.selected, context)
    if failures:
        raise RuntimeError(f"rule {failures[0].rule} failed: {failures[0].error}")
    found, waived = apply_waivers(sorted(dict.fromkeys(raw), key=Finding.sort_key), pages, plan, {})
    return [finding for finding in found if waived.keep(finding)]
