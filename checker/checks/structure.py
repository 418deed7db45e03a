"""``structure``: malformed markup, as the parser found it.

Fails: a ``{/div}`` with nothing open, a department block with no heading,
an attribute list separated from its heading by a blank line.
Passes: every page of the published corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.base import CheckKind, Context, Rule
from checker.finding import Finding
from checker.model import Page, Span

KIND = "structure"


@dataclass(frozen=True)
class Options:
    pass


def department_at(page: Page, span: Span) -> str | None:
    for block in page.departments:
        if block.span.start <= span.start <= block.span.end:
            return block.name
    return None


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page in context.pages:
        for problem in page.problems:
            yield rule.finding(
                page,
                problem.span,
                department=department_at(page, problem.span),
                problem=problem.message,
                suggestion=(problem.fix or "")[:1].upper() + (problem.fix or "")[1:],
            )


CHECK = CheckKind(KIND, Options, frozenset({"problem", "suggestion"}), check, "malformed page structure")
