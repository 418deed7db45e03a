"""``statement-empty``: a department block whose statement has no text.

Fails: ``{div .statement}`` directly followed by ``{/div}``.
Passes: a statement with one or more paragraphs of text.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Page
from checker.model.finding import Finding

KIND = "statement-empty"


Options = NoOptions  # this kind takes no options


def check(rule: Rule[Options], page: Page, block: DepartmentBlock, context: Context) -> Iterator[Finding]:
    statement = block.statement
    if statement is not None and not statement.text.strip():
        yield rule.finding(page, statement.span, department=block.name)


CHECK = CheckKind(KIND, Options, frozenset(), Scope.BLOCK, check)
