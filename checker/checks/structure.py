"""``structure``: malformed markup, as the parser found it; one rule per kind of fault.

Each ``structure-*`` rule reports the parser's problems of the ``faults`` it names
(``checker.model.Fault``), so a user can select, ignore or re-level each one.
Fails (``structure-unclosed``): a ``{div .statement}`` with no ``{/div}``;
(``structure-detached-attributes``): an attribute list separated from its heading by a blank line.
Passes: every page of the published corpus.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Fault, Page, Span
from checker.model.finding import Finding

KIND = "structure"
_FAULTS = tuple(fault.value for fault in Fault)


@dataclass(frozen=True)
class Options:
    """Which faults a ``structure-*`` rule reports."""

    faults: tuple[str, ...] = ()  # which kinds of problem this rule reports

    def __post_init__(self) -> None:
        for word in self.faults:
            if word not in _FAULTS:
                raise ValueError(f"unknown fault {word!r} (allowed: {', '.join(_FAULTS)})")


def department_at(blocks: list[DepartmentBlock], span: Span) -> str | None:
    """The department whose block holds ``span``; ``blocks`` sorted by start, never overlapping."""
    index = bisect.bisect_right(blocks, span.start, key=lambda block: block.span.start) - 1
    if index >= 0 and span.start <= blocks[index].span.end:
        return blocks[index].name
    return None


def check(rule: Rule[Options], page: Page, context: Context) -> Iterator[Finding]:
    wanted = frozenset(rule.options.faults)
    problems = [problem for problem in page.problems if problem.fault.value in wanted]
    if not problems:
        return
    blocks = sorted(page.departments, key=lambda block: block.span.start)
    for problem in problems:
        yield rule.finding(
            page,
            problem.span,
            department=department_at(blocks, problem.span),
            fault=problem.fault.value,
            problem=problem.message,
            suggestion=(problem.fix or "")[:1].upper() + (problem.fix or "")[1:],
        )


CHECK = CheckKind(KIND, Options, frozenset({"fault", "problem", "suggestion"}), Scope.PAGE, check)
