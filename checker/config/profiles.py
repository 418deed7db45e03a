"""Profiles: named selections of rules with level overrides.

profiles:
  strict:
    description: every warning is an error
    extends: default
    levels: {link-insecure: error, department-order: error}
  quick:
    levels: {department-order: off}
    ignore: [link-]          # rule ids or families (``link-``) to turn off
  gate:
    warnings_are_errors: true   # every rule at warning level (after ``levels``) is an error
  words:
    fetch_links: false       # no rule that needs a link fetched: the run sends no request
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checker.config.selection import families, matches, unknown
from checker.config.yamlfile import Reader, line_of, load
from checker.engine.api import Rule
from checker.errors import ConfigError, Origin
from checker.model.finding import Severity

OFF = "off"
LEVEL_WORDS = ("error", "warning", "info", OFF)


@dataclass(frozen=True)
class Profile:
    """A rule profile from ``profiles.yaml``: rule levels, rules left out, what it extends."""

    name: str
    description: str = ""
    extends: str | None = None
    levels: Mapping[str, str] = field(default_factory=dict)  # rule id -> level word or "off"
    source: str = ""
    line: int = 0
    level_lines: Mapping[str, int] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()  # rule ids or families turned off
    ignore_line: int = 0
    warnings_are_errors: bool | None = None  # None: as the profile it extends says
    fetch_links: bool | None = None  # False: leave out every rule that reads link results

    def validate(self, rules: Mapping[str, Rule[Any]]) -> None:
        for rule_id, line in self.level_lines.items():
            if rule_id not in rules:
                raise ConfigError(
                    self.source,
                    f"profile {self.name!r} names unknown rule {rule_id!r} "
                    f"(rules: {', '.join(sorted(rules))})",
                    line,
                )
        for selector in unknown(self.ignore, rules):
            raise ConfigError(
                self.source,
                f"profile {self.name!r} ignores {selector!r}, which names no rule "
                f"(families: {', '.join(families(rules))})",
                self.ignore_line,
            )


def load_profiles(path: str | Path, *, shipped: bool = False) -> dict[str, Profile]:
    """``shipped``: checker's own file (read faster, see ``yamlfile.load``)."""
    reader = Reader(path)
    root = load(path, shipped=shipped)
    if root is None:
        return {}
    top = reader.mapping(root, "the profiles file", allowed=("profiles",), required=("profiles",))
    profiles: dict[str, Profile] = {}
    for name, node in reader.any_mapping(top["profiles"], "profiles").items():
        keys = reader.mapping(
            node,
            f"profile {name!r}",
            allowed=("description", "extends", "levels", "ignore", "warnings_are_errors", "fetch_links"),
        )
        levels: dict[str, str] = {}
        lines: dict[str, int] = {}
        if "levels" in keys:
            for rule_id, value in reader.any_mapping(
                keys["levels"], f"the levels of profile {name!r}"
            ).items():
                if value.tag.endswith(":bool") and str(value.value).lower() in ("off", "false", "no"):
                    levels[rule_id] = OFF
                else:
                    levels[rule_id] = reader.choice(value, f"the level of {rule_id!r}", LEVEL_WORDS)
                lines[rule_id] = line_of(value)
        profiles[name] = Profile(
            name=name,
            description=reader.string(keys["description"], "description") if "description" in keys else "",
            extends=reader.string(keys["extends"], "extends") if "extends" in keys else None,
            levels=levels,
            source=str(path),
            line=node.start_mark.line + 1,
            level_lines=lines,
            ignore=tuple(reader.strings(keys["ignore"], "ignore")) if "ignore" in keys else (),
            ignore_line=line_of(keys["ignore"]) if "ignore" in keys else 0,
            warnings_are_errors=(
                reader.boolean(keys["warnings_are_errors"], "warnings_are_errors")
                if "warnings_are_errors" in keys
                else None
            ),
            fetch_links=reader.boolean(keys["fetch_links"], "fetch_links") if "fetch_links" in keys else None,
        )
    return profiles


def apply_profile(
    rules: tuple[Rule[Any], ...],
    profiles: Mapping[str, Profile],
    name: str,
    origin: Origin | None = None,
    reads_links: Callable[[Rule[Any]], bool] = lambda rule: False,
) -> list[Rule[Any]]:
    """The rules a profile selects, with its levels.

    ``default`` needs no definition: every rule as its file writes it. ``origin`` says where
    the name came from (``--profile``, or the config file and line), for the error.
    """
    chain: list[Profile] = []
    current: str | None = name
    asked_by = origin or Origin("--profile")
    while current is not None:
        if current == "default" and "default" not in profiles:
            break
        profile = profiles.get(current)
        if profile is None:
            known = ", ".join(sorted({"default", *profiles}))
            raise asked_by.error(f"unknown profile {current!r} (allowed: {known})")
        if profile in chain:
            raise ConfigError(profile.source, f"profile {current!r} extends itself", profile.line)
        chain.append(profile)
        current = profile.extends
        asked_by = Origin(profile.source, profile.line)
    levels: dict[str, str] = {}
    ignored: list[str] = []
    promote, fetch_links = False, True
    for profile in reversed(chain):
        levels.update(profile.levels)
        ignored.extend(profile.ignore)
        if profile.warnings_are_errors is not None:
            promote = profile.warnings_are_errors
        if profile.fetch_links is not None:
            fetch_links = profile.fetch_links
    selected = []
    for rule in rules:
        word = levels.get(rule.id)
        if word == OFF or (word is None and any(matches(rule.id, selector) for selector in ignored)):
            continue
        if not fetch_links and reads_links(rule):
            continue
        level = Severity.parse(word) if word else rule.level
        if promote and level is Severity.WARNING:
            level = Severity.ERROR
        selected.append(replace(rule, level=level) if level is not rule.level else rule)
    return selected
