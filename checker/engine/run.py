"""One run, stage by stage: plan -> collect -> parse -> links (+ history) -> evaluate -> filter -> report.

Each stage is a small module with typed input and output; this one only puts them
in order. The CLI parses arguments, makes a ``RunRequest``, calls ``run`` and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checker.engine.api import Context
from checker.engine.changes import Changes, mark_outside
from checker.engine.collect import collect
from checker.engine.evaluate import evaluate, link_sites
from checker.engine.filter import FindingFilter, apply_filters
from checker.engine.fingerprint import fingerprint
from checker.engine.history import RunHistory
from checker.engine.kinds import placeholder_test
from checker.engine.links import LinkOptions, LinkProgress, LinkStage, check_links
from checker.engine.pages import parse_pages
from checker.engine.plan import Plan
from checker.engine.waivers import apply_waivers
from checker.model import Link, Page
from checker.model.finding import Finding, Severity
from checker.model.report import Report


@dataclass(frozen=True)
class RunRequest:
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


def _on_changed_lines(changes: Changes) -> Callable[[Page, Link], bool]:
    def changed(page: Page, link: Link) -> bool:
        return changes.changed(page.path, link.span.start.line, link.span.end.line)

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


def run(request: RunRequest) -> Report:
    started = datetime.now(UTC)
    the_plan = request.plan
    files, input_errors = collect(request.paths, request.root)
    changes = request.changes
    given = len(files)
    if changes is not None:
        files = [file for file in files if changes.touches(file.path)]
    pages, read_errors = parse_pages(files)
    page_keys = {file.path: file.key for file in files}
    registry, is_placeholder = the_plan.rule_set.registry, placeholder_test(the_plan.rule_set.rules)
    base_url = request.links.base_url if request.links else None
    stage: LinkStage | None = None
    history = request.history if request.links is not None and the_plan.reads_link_results else None
    failing_runs: dict[str, int] = {}
    if request.links is not None and the_plan.reads_link_results:
        if history is not None:
            history.begin(started, len(pages))
            _record_occurrences(history, Context(pages, registry, is_placeholder, None, base_url), page_keys)
        stage = check_links(
            pages,
            request.links,
            request.progress,
            cached=(lambda keys: history.cached(keys, started)) if history is not None else None,
            record=history.record if history is not None else None,
            only=_on_changed_lines(changes) if changes is not None and not request.all_links else None,
        )
        if history is not None:
            failing_runs = history.failing_runs()
    context = Context(
        pages,
        registry,
        is_placeholder,
        stage.results if stage else None,
        base_url,
        failing_runs,
    )
    raw, failures = evaluate(the_plan.selected, context)
    ordered = sorted(dict.fromkeys(raw), key=Finding.sort_key)
    identified = fingerprint(ordered, {page.path: page for page in pages}, page_keys)
    identified, waived = apply_waivers(
        identified,
        pages,
        the_plan,
        page_keys,
        links=stage.summary if stage else None,
        today=started.astimezone().date(),
    )
    if changes is not None:
        identified = mark_outside(identified, changes)
    if history is not None:
        history.record_findings([found for found in identified if waived.keep(found)], page_keys)
        history.finish(datetime.now(UTC), len(pages))
    shown, hidden = apply_filters(sorted(identified, key=Finding.sort_key), (waived, *request.filters))
    root = (request.root or Path.cwd()).resolve()
    return Report(
        findings=tuple(shown),
        files=tuple(page.path for page in pages),
        errors=(*input_errors, *read_errors),
        links=stage.summary if stage else None,
        notes=(
            *(_change_notes(changes, given, len(files)) if changes else ()),
            *(stage.notes if stage else ()),
        ),
        rules=the_plan.rules,
        link_results=stage.results if stage else {},
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
