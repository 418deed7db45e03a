"""``statement-pattern``: statement text that matches a pattern, such as placeholder text.

Fails (placeholder-text's patterns): ``Coming soon...``, ``Awaiting DCLG confirmation``,
``TBC``, ``[insert figures]``.
Passes: ``We will cooperate with Government Digital Service ... [Read more »](https://...)``.

Each pattern is a Python regular expression searched in the statement's text
after curly quotes and ``…`` are made plain, so ``Coming soon…`` and
``Coming soon...`` are the same. One finding per statement, at the first match. With ``placeholder: true`` a
match also marks the statement as a stand-in, so ``read-more-missing`` leaves it alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.statements import plain_positions, plain_text, text_span
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Page, Statement
from checker.model.finding import Finding

KIND = "statement-pattern"


@dataclass(frozen=True)
class Options:
    patterns: tuple[re.Pattern[str], ...] = ()
    placeholder: bool = False  # a match means the department has not really responded


def first_match(options: Options, statement: Statement) -> re.Match[str] | None:
    text = plain_text(statement)
    matches = [match for pattern in options.patterns if (match := pattern.search(text))]
    return min(matches, key=lambda match: match.start(), default=None)


def check(rule: Rule[Options], page: Page, block: DepartmentBlock, context: Context) -> Iterator[Finding]:
    statement = block.statement
    match = first_match(rule.options, statement) if statement is not None else None
    if statement is None or match is None:
        return
    positions = plain_positions(statement)
    start, end = match.span()
    if start == end:  # a pattern that matched nothing visible: point at the whole text
        start, end = 0, len(positions) - 1
    text = match.group(0).strip()
    yield rule.finding(
        page, text_span(positions, start, end), department=block.name, subject=text.casefold(), text=text
    )


CHECK = CheckKind(KIND, Options, frozenset({"text"}), Scope.BLOCK, check)
