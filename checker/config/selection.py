"""Choosing rules by id or family, as linters do: ``link-dead``, or ``link-`` / ``link`` for the family."""

from __future__ import annotations

from collections.abc import Collection, Iterable


def matches(rule_id: str, selector: str) -> bool:
    """``selector`` names ``rule_id`` itself, or a family it belongs to (``structure`` or ``structure-``)."""
    family = selector.rstrip("-")
    return rule_id == selector or rule_id.startswith(family + "-")


def unknown(selectors: Iterable[str], rule_ids: Collection[str]) -> list[str]:
    """The selectors that name no rule (a typo the user should hear about)."""
    return [selector for selector in selectors if not any(matches(rule, selector) for rule in rule_ids)]


def families(rule_ids: Iterable[str]) -> list[str]:
    """The family prefixes in use (``crest-``, ``link-`` ...), for error messages."""
    return sorted({rule.split("-")[0] + "-" for rule in rule_ids if "-" in rule})
