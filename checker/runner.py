"""One run: collect pages, parse them, (crawl their links), run the rules, build the report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker import engine
from checker.checks.base import Rule
from checker.collect import collect
from checker.config.profiles import apply_profile
from checker.config.rules import RuleSet, load_rules
from checker.errors import CheckerError, ConfigError
from checker.model import Page
from checker.parse import parse_file
from checker.report import Report

_PACKAGE_RULES = Path(__file__).resolve().parent.parent / "rules"
_INSTALLED_RULES = Path(sys.prefix) / "share" / "checker" / "rules"


def builtin_rules() -> Path:
    """The rules that ship with checker: the checkout's ``rules/``, or the installed copy."""
    for folder in (_PACKAGE_RULES, _INSTALLED_RULES):
        if (folder / "departments.yaml").is_file():
            return folder
    raise ConfigError(str(_PACKAGE_RULES), "the built-in rules folder is missing; reinstall checker")


@dataclass(frozen=True)
class Plan:
    rule_set: RuleSet
    selected: tuple[Rule[Any], ...]


def plan(extra_rules: Sequence[Path], profile: str) -> Plan:
    rule_set = load_rules([builtin_rules(), *extra_rules])
    return Plan(rule_set, tuple(apply_profile(rule_set.rules, rule_set.profiles, profile)))


def parse_pages(paths: Sequence[str]) -> tuple[list[Page], list[CheckerError]]:
    files, errors = collect(paths)
    errors_out: list[CheckerError] = list(errors)
    pages: list[Page] = []
    for path in files:
        try:
            pages.append(parse_file(path))
        except CheckerError as error:
            errors_out.append(error)
    return pages, errors_out


def check(paths: Sequence[str], the_plan: Plan) -> Report:
    pages, errors = parse_pages(paths)
    findings = engine.run(
        the_plan.selected, pages, the_plan.rule_set.registry, all_rules=the_plan.rule_set.rules
    )
    return Report(tuple(findings), tuple(page.path for page in pages), tuple(errors))
