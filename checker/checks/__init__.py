"""Check kinds: an explicit registry, name -> ``CheckKind``. Rule files pick a kind by name."""

from __future__ import annotations

from checker.checks import (
    crest,
    departments,
    link_malformed,
    link_scheme,
    link_status,
    link_target,
    read_more,
    statement_empty,
    statement_pattern,
    structure,
)
from checker.checks.base import CheckKind, Context, Rule

__all__ = ["KINDS", "CheckKind", "Context", "Rule"]

KINDS: dict[str, CheckKind] = {
    check.name: check
    for check in (
        structure.CHECK,
        statement_pattern.CHECK,
        statement_empty.CHECK,
        read_more.CHECK,
        link_target.CHECK,
        link_malformed.CHECK,
        link_scheme.CHECK,
        *crest.CHECKS,
        *departments.CHECKS,
        *link_status.CHECKS,
    )
}
