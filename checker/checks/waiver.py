"""``waiver``: an inline waiver that does not do its job: unused, expired or malformed.

The kind only declares the rules (``waiver-unused``, ``waiver-expired``, ``waiver-malformed``,
told apart by the ``problem`` option) so that users select, ignore and re-level them; its check
finds nothing. The engine's waiver stage (``checker.engine.waivers``), which runs after every
check, makes these findings with ``Rule.finding``: only there is it known what each waiver covered.

Fails (``waiver-malformed``): ``{::comment}checker: allow placeholder-text{:/comment}`` (no reason);
(``waiver-expired``): ``... until 2013-01-31 -- ...`` after that day;
(``waiver-unused``): a waiver for ``crest-missing`` in a block whose heading has its crest.
Passes: a waiver, live, that covers a finding in its block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import Page
from checker.model.finding import Finding

KIND = "waiver"
UNUSED, EXPIRED, MALFORMED = "unused", "expired", "malformed"
PROBLEMS = (UNUSED, EXPIRED, MALFORMED)

#: the template fields: the rules named (as written, comma-separated), the last day or "", the
#: reason, what is wrong with a malformed one, what an expired one means now, and where an
#: unused one looked ("on its line", "in its department block", "on this page")
FIELDS = frozenset({"rules", "until", "reason", "problem", "consequence", "where"})


@dataclass(frozen=True)
class Options:
    """Which waivers a ``waiver-*`` rule reports."""

    problem: str = ""  # which waivers this rule reports: unused, expired or malformed

    def __post_init__(self) -> None:
        if self.problem not in PROBLEMS:
            raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}, not {self.problem!r}")


def check(rule: Rule[Options], page: Page, context: Context) -> Iterator[Finding]:
    """Nothing at evaluate time: the engine's waiver stage reports waivers, after every check."""
    return iter(())


CHECK = CheckKind(KIND, Options, FIELDS, Scope.PAGE, check)
