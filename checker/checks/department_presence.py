"""``department-presence``: a department that answers most actions is absent from one action page.

A department "answers most actions" when it has a block on more than ``most`` (a fraction) of
the actions the run's action pages cover; each action page without it is reported, on its
``#Action`` heading, pointing at the department's response on the nearest action it answers.
Pages whose intro names a single department (``Here's how Cabinet Office is responding to this
action:``, what the ``single`` pattern matches in a line of the page) are about that department
alone: they are exempt, and their actions are not counted.

Fails: actions 01, 02 and 03 each with ``Home Office``, action 05 without it.
Passes: a department on 1 of 3 actions (not most); action 04 (``Here's how Cabinet Office is
responding to this action:``) with only the Cabinet Office; a single page checked on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.publication import (
    Response,
    action_label,
    action_order,
    action_pages,
    all_responses,
    by_department,
    title_span,
    visible_lines,
)
from checker.checks.statements import typography
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import Page
from checker.model.finding import Finding, Related

KIND = "department-presence"
SINGLE = re.compile(r"^\s*Here's how (?!departments\b)\S.* is responding to this action", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    most: float = 0.5  # a department on more than this fraction of the actions is expected on each
    single: re.Pattern[str] = SINGLE  # a line that makes its page about one department: exempt

    def __post_init__(self) -> None:
        if not 0 <= self.most < 1:
            raise ValueError(f"most must be at least 0 and less than 1, not {self.most}")


def is_single(page: Page, pattern: re.Pattern[str], seen: dict[str, bool] | None = None) -> bool:
    """Whether a visible line of ``page`` matches ``pattern`` (curly quotes plain).

    ``seen``: the answer for each line text met before (pages repeat most of their lines), kept
    by the caller for the run.
    """
    known = {} if seen is None else seen
    for _, text in visible_lines(page):
        found = known.get(text)
        if found is None:
            found = known[text] = pattern.search(typography(text)) is not None
        if found:
            return True
    return False


def action_key(page: Page) -> str:
    return f"{page.action_number:02d}" if page.action_number is not None else page.path


def _nearest(page: Page, answers: list[Response]) -> Response:
    """The department's response on the closest action before ``page``, else the first after it."""
    before = [response for response in answers if action_order(response.page) < action_order(page)]
    return before[-1] if before else answers[0]


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    options = rule.options
    seen: dict[str, bool] = {}
    pages = sorted(
        (page for page in action_pages(context.pages) if not is_single(page, options.single, seen)),
        key=action_order,
    )
    actions = {action_key(page) for page in pages}
    total = len(actions)
    kept = {id(page) for page in pages}
    # ``responses(pages, context)``: the run's responses (shared, in the same order) on these pages
    mine = (response for response in all_responses(context) if id(response.page) in kept)
    for answers in by_department(mine).values():
        answered = {action_key(response.page) for response in answers}
        if len(answered) <= options.most * total:
            continue
        present = {response.page.path for response in answers}
        name = answers[0].name
        for page in pages:
            if page.path in present:
                continue
            nearest = _nearest(page, answers)
            where = f"{nearest.name}'s response to {action_label(nearest.page)}"
            yield rule.finding(
                page,
                title_span(page),
                department=name,
                subject=f"absent: {answers[0].key}",
                answered=len(answered),
                total=total,
                action=action_label(page),
                related=(Related(nearest.page.path, nearest.heading_span, where),),
            )


CHECK = CheckKind(KIND, Options, frozenset({"answered", "total", "action"}), Scope.PUBLICATION, check)
