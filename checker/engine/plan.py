"""Stage *plan*: which rules run, at which level, from the rule folders, the profile and the selection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.builtin import builtin_rules_dir
from checker.config.profiles import apply_profile
from checker.config.rules import RuleSet, load_rules
from checker.config.selection import families, matches, unknown
from checker.engine.api import Rule
from checker.engine.kinds import KINDS, reads_link_results
from checker.errors import Origin
from checker.model.report import RuleInfo


@dataclass(frozen=True)
class Selection:
    """``--select``/``--ignore``: rule ids or families (``link-``), with where they were given."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    select_origin: Origin | None = None
    ignore_origin: Origin | None = None


@dataclass(frozen=True)
class Plan:
    """The rules that run and at which level, with every rule loaded."""

    rule_set: RuleSet
    selected: tuple[Rule[Any], ...]  # the rules that run, at this run's levels
    rules: tuple[RuleInfo, ...]  # every loaded rule, for formatters and `checker rules`

    @property
    def reads_link_results(self) -> bool:
        """Whether a selected rule needs the crawler: if not, no link is fetched."""
        return reads_link_results(self.selected)


def _split(selectors: Sequence[str]) -> tuple[str, ...]:
    return tuple(part.strip() for selector in selectors for part in selector.split(",") if part.strip())


def _check_known(selectors: Sequence[str], rule_ids: Sequence[str], origin: Origin | None, flag: str) -> None:
    for selector in unknown(selectors, rule_ids):
        raise (origin or Origin(flag)).error(
            f"{selector!r} names no rule (families: {', '.join(families(rule_ids))}; "
            "`checker rules` lists every rule)"
        )


def make_plan(
    extra_rules: Sequence[Path] = (),
    profile: str = "default",
    *,
    profile_origin: Origin | None = None,
    selection: Selection | None = None,
) -> Plan:
    builtin = builtin_rules_dir()
    rule_set = load_rules([builtin, *extra_rules], KINDS, shipped=(builtin,))
    profiled = apply_profile(
        rule_set.rules,
        rule_set.profiles,
        profile,
        profile_origin,
        reads_links=lambda rule: KINDS[rule.kind].reads_link_results,
    )
    selection = selection or Selection()
    select, ignore = _split(selection.select), _split(selection.ignore)
    ids = [rule.id for rule in rule_set.rules]
    _check_known(select, ids, selection.select_origin, "--select")
    _check_known(ignore, ids, selection.ignore_origin, "--ignore")
    selected = tuple(
        rule
        for rule in profiled
        if (not select or any(matches(rule.id, word) for word in select))
        and not any(matches(rule.id, word) for word in ignore)
    )
    levels = {rule.id: rule.level for rule in selected}
    infos = tuple(
        RuleInfo(
            id=rule.id,
            kind=rule.kind,
            level=levels.get(rule.id),
            default_level=rule.level,
            description=rule.description,
            fix=rule.fix,
            source=rule.source,
        )
        for rule in sorted(rule_set.rules, key=lambda rule: rule.id)
    )
    return Plan(rule_set, selected, infos)
