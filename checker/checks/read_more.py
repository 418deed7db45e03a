"""``read-more``: a real statement with no "Read more »" link to the department's strategy.

Fails: ``We will share common platforms.`` (no link).
Passes: ``We will share common platforms. [Read more »](https://www.gov.uk/...)``;
a placeholder (``Coming soon...``, ``tbc``, ``Awaiting DCLG confirmation``, with or without a
link) or an empty statement, which other rules report: completing a stand-in with a link
would only hide it. Placeholders are what the loaded ``placeholder: true`` rules match,
whether or not those rules are selected.
A ``[Read more »]`` with no target counts as present: ``link-missing-url`` reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Page
from checker.model.finding import Finding

KIND = "read-more"


Options = NoOptions  # this kind takes no options


def check(rule: Rule[Options], page: Page, block: DepartmentBlock, context: Context) -> Iterator[Finding]:
    statement = block.statement
    if statement is None or not statement.text.strip() or statement.text_span is None:
        return
    if context.is_placeholder(statement) or any(link.is_read_more for link in statement.links):
        return
    known = context.lookup(block.name) if block.name else None
    target = known.strategy if known and known.strategy else "the department's digital strategy URL"
    yield rule.finding(page, statement.text_span, department=block.name, strategy=target)


CHECK = CheckKind(KIND, Options, frozenset({"strategy"}), Scope.BLOCK, check)
