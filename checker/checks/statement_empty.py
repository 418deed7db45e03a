"""``statement-empty``: a department block whose statement has no text.

Fails: ``{div .statement}`` directly followed by ``{/div}``.
Passes: a statement with one or more paragraphs of text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.checks.base import CheckKind, Context, Rule
from checker.checks.statements import statements
from checker.finding import Finding

KIND = "statement-empty"


@dataclass(frozen=True)
class Options:
    pass


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page in context.pages:
        for block, statement in statements(page):
            if not statement.text.strip():
                yield rule.finding(page, statement.span, department=block.name)


CHECK = CheckKind(KIND, Options, frozenset(), check, "a statement with no text")
