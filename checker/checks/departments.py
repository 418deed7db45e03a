"""Department names against the registry: three kinds.

``department-unknown`` fails: ``##Department for Digital Things`` (suggests the closest known name).
``department-duplicate`` fails: two ``##Home Office`` blocks on one page.
``department-order`` fails: ``Home Office`` before ``Cabinet Office`` (registry order); passes
when the known departments appear in the registry's order, whatever is missing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Heading, Page
from checker.model.finding import Finding
from checker.model.registry import Department

UNKNOWN, DUPLICATE, ORDER = "department-unknown", "department-duplicate", "department-order"


Options = NoOptions  # these kinds take no options


def check_unknown(
    rule: Rule[Options], page: Page, block: DepartmentBlock, context: Context
) -> Iterator[Finding]:
    heading = block.heading
    if heading is None or context.lookup(heading.name) is not None:
        return
    closest = context.closest(heading.name)
    suggestion = f"did you mean {closest.name!r}?" if closest else "add it to the department registry"
    yield rule.finding(page, heading.span, department=heading.name, suggestion=suggestion)


def check_duplicate(rule: Rule[Options], page: Page, context: Context) -> Iterator[Finding]:
    first: dict[str, Heading] = {}
    for block in page.departments:
        heading = block.heading
        if heading is None:
            continue
        known = context.lookup(heading.name)
        key = known.name if known else heading.name.casefold()
        if key in first:
            yield rule.finding(
                page, heading.span, department=heading.name, first_line=first[key].span.start_line
            )
        else:
            first[key] = heading


def _in_order(positions: Sequence[int]) -> set[int]:
    """Indexes of a longest strictly increasing subsequence: the blocks that are in order.

    Patience sorting, O(n log n): ``tails[k]`` is the index ending the best run of length k+1.
    """
    tails: list[int] = []
    tail_values: list[int] = []
    previous = [-1] * len(positions)
    for index, value in enumerate(positions):
        length = bisect.bisect_left(tail_values, value)
        if length:
            previous[index] = tails[length - 1]
        if length == len(tails):
            tails.append(index)
            tail_values.append(value)
        else:
            tails[length] = index
            tail_values[length] = value
    kept: set[int] = set()
    index = tails[-1] if tails else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


def check_order(rule: Rule[Options], page: Page, context: Context) -> Iterator[Finding]:
    known: list[tuple[Heading, Department]] = []
    seen: set[str] = set()
    for block in page.departments:
        department = context.lookup(block.heading.name) if block.heading else None
        if block.heading and department and department.name not in seen:
            seen.add(department.name)
            known.append((block.heading, department))
    keep = _in_order([department.order for _, department in known])
    kept = [d for i, (_, d) in enumerate(known) if i in keep]
    for index, (heading, department) in enumerate(known):
        if index in keep:
            continue
        after = [d.name for d in kept if d.order < department.order]
        before = [d.name for d in kept if d.order > department.order]
        place = " and ".join(
            [*([f"after {after[-1]}"] if after else []), *([f"before {before[0]}"] if before else [])]
        )
        yield rule.finding(page, heading.span, department=heading.name, place=place)


CHECKS = (
    CheckKind(UNKNOWN, Options, frozenset({"suggestion"}), Scope.BLOCK, check_unknown),
    CheckKind(DUPLICATE, Options, frozenset({"first_line"}), Scope.PAGE, check_duplicate),
    CheckKind(ORDER, Options, frozenset({"place"}), Scope.PAGE, check_order),
)
