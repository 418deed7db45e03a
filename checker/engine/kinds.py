"""The check kinds rule files can name: an explicit registry, name -> ``CheckKind``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from checker.checks import (
    action_titles,
    crest,
    department_presence,
    departments,
    index,
    link_malformed,
    link_scheme,
    link_status,
    link_target,
    read_more,
    read_more_consistency,
    read_more_target,
    statement_duplicate,
    statement_empty,
    statement_pattern,
    structure,
    waiver,
)
from checker.engine.api import CheckKind, Rule
from checker.model import Statement

KINDS: Mapping[str, CheckKind] = {
    check.name: check
    for check in (
        structure.CHECK,
        statement_pattern.CHECK,
        statement_empty.CHECK,
        read_more.CHECK,
        read_more_target.CHECK,
        link_target.CHECK,
        link_malformed.CHECK,
        link_scheme.CHECK,
        waiver.CHECK,
        *crest.CHECKS,
        *departments.CHECKS,
        *link_status.CHECKS,
        read_more_consistency.CHECK,
        index.CHECK,
        action_titles.CHECK,
        department_presence.CHECK,
        statement_duplicate.CHECK,
    )
}


def placeholder_test(rules: Iterable[Rule[Any]]) -> Callable[[Statement], bool]:
    """A statement is a placeholder when a loaded ``placeholder: true`` rule matches it, enabled or not.

    Several rules ask about each statement (``read-more-missing`` per block, ``statement-duplicate``
    for the whole publication), so each statement's answer is worked out once: the test is made
    once per run, and keeps the statements it has judged (by identity, the statement held so that
    its id stays its own) with the answer.
    """
    options = [
        rule.options
        for rule in rules
        if isinstance(rule.options, statement_pattern.Options) and rule.options.placeholder
    ]
    judged: dict[int, tuple[Statement, bool]] = {}

    def is_placeholder(statement: Statement) -> bool:
        known = judged.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        answer = any(statement_pattern.first_match(option, statement) for option in options)
        judged[id(statement)] = (statement, answer)
        return answer

    return is_placeholder


def reads_link_results(rules: Iterable[Rule[Any]]) -> bool:
    """Whether any of ``rules`` needs the crawler's results (if none does, no link is fetched)."""
    return any(KINDS[rule.kind].reads_link_results for rule in rules)
