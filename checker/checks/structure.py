"""``structure``: malformed markup, as the parser found it.

Fails: a ``{/div}`` with nothing open, a department block with no heading,
an attribute list separated from its heading by a blank line.
Passes: every page of the published corpus.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.base import CheckKind, Context, Rule
from checker.finding import Finding
from checker.model import DepartmentBlock, Span

KIND = "structure"


@dataclass(frozen=True)
class Options:
    pass


def department_at(blocks: list[DepartmentBlock], span: Span) -> str | None:
    """The department whose block holds ``span``; ``blocks`` sorted by start, never overlapping."""
    index = bisect.bisect_right(blocks, span.start, key=lambda block: block.span.start) - 1
    if index >= 0 and span.start <= blocks[index].span.end:
        return blocks[index].name
    return None


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page in context.pages:
        blocks = sorted(page.departments, key=lambda block: block.span.start)
        for problem in page.problems:
            yield rule.finding(
                page,
                problem.span,
                department=department_at(blocks, problem.span),
                problem=problem.message,
                suggestion=(problem.fix or "")[:1].upper() + (problem.fix or "")[1:],
            )


CHECK = CheckKind(KIND, Options, frozenset({"problem", "suggestion"}), check, "malformed page structure")
