"""Rule files: one YAML file per rule, extending a check kind with data.

    id: placeholder-text          # the public rule id
    kind: placeholder             # the check kind (code) it extends
    level: error                  # error | warning | info
    message: "{department}: ..."  # template; fields depend on the kind
    description: ...              # what it flags and why (shown by `checker rules`)
    fix: ...                      # suggested fix, a template too (optional)
    options: {patterns: [...]}    # the kind's options (optional)

A rules folder holds rule files plus, optionally, ``departments.yaml`` (the
registry) and ``profiles.yaml``. Later folders add rules and replace rules with
the same id; a later registry replaces the earlier one.

Templates take plain ``{field}``s only (``{department:d}`` or ``{text!r}`` is refused when the
rule loads, as a value from a page could make it fail when the finding is written). Regular
expression options run on RE2, linear in the text; what it cannot run (lookaround,
backreferences...) is refused when the rule loads (``yamlfile.Reader.regex``). A YAML file is
at most 1 MiB (``yamlfile.MAX_YAML_BYTES``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from checker.config.profiles import Profile, load_profiles
from checker.config.registry import load_registry
from checker.config.yamlfile import Node, Reader, load
from checker.engine.api import COMMON_FIELDS, CheckKind, Rule, template_fields
from checker.errors import ConfigError
from checker.model.finding import Severity
from checker.model.registry import Registry

RULE_KEYS = ("id", "kind", "level", "message", "description", "fix", "options")
LEVELS = tuple(severity.label for severity in sorted(Severity, reverse=True))
REGISTRY_FILE, PROFILES_FILE = "departments.yaml", "profiles.yaml"
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RuleSet:
    """What the rule folders hold: the rules, the department registry, the profiles."""

    rules: tuple[Rule[Any], ...]
    registry: Registry
    profiles: dict[str, Profile]


def _option(reader: Reader, node: Node, name: str, hint: Any) -> Any:
    what = f"option {name!r}"
    if hint is bool:
        return reader.boolean(node, what)
    if hint is int:
        return reader.integer(node, what)
    if hint is float:
        return reader.number(node, what)
    if hint is str:
        return reader.string(node, what)
    if hint == re.Pattern[str]:
        return reader.regex(node, what)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_option(reader, child, name, item) for child in reader.sequence(node, what))
    raise TypeError(f"unsupported option type {hint!r}")  # a programming error in a check kind


@functools.cache
def _option_types(options: type) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """The type of each option of a kind's options class, and their names in order: read once per
    class (``get_type_hints`` evaluates every annotation), not once per rule file."""
    hints = MappingProxyType(typing.get_type_hints(options))
    return hints, tuple(field.name for field in dataclasses.fields(options))


def read_options(reader: Reader, node: Node | None, kind: CheckKind) -> Any:
    hints, names = _option_types(kind.options)
    if node is None:
        return kind.options()
    what = f"options of kind {kind.name!r}" + ("" if names else " (this kind takes none)")
    given = reader.mapping(node, what, allowed=names or ("",))
    values = {name: _option(reader, value, name, hints[name]) for name, value in given.items()}
    try:
        return kind.options(**values)
    except ValueError as exc:
        raise reader.error(node, f"{what}: {exc}") from None


def _template(reader: Reader, node: Node, what: str, kind: CheckKind) -> str:
    text = reader.string(node, what)
    allowed = kind.fields | COMMON_FIELDS
    try:
        used = template_fields(text)
    except ValueError as exc:
        raise reader.error(node, f"{what} {exc}") from None
    for field in sorted(used - allowed):
        raise reader.error(
            node,
            f"{what} uses {{{field}}}, which kind {kind.name!r} does not provide "
            f"(allowed: {', '.join(sorted(allowed))})",
        )
    return text


def load_rule(path: Path, kinds: Mapping[str, CheckKind], *, shipped: bool = False) -> Rule[Any]:
    """One rule file; ``shipped``: one of checker's own (read faster, see ``yamlfile.load``)."""
    reader = Reader(path)
    root = load(path, shipped=shipped)
    if root is None:
        raise ConfigError(str(path), "is empty; a rule file needs id, kind, level and message")
    keys = reader.mapping(root, "a rule", allowed=RULE_KEYS, required=("id", "kind", "level", "message"))
    rule_id = reader.string(keys["id"], "id")
    if not _ID.match(rule_id):
        raise reader.error(keys["id"], f"id {rule_id!r} should be lowercase words joined by hyphens")
    kind = kinds.get(reader.string(keys["kind"], "kind"))
    if kind is None:
        raise reader.error(
            keys["kind"], f"unknown kind {keys['kind'].value!r} (allowed: {', '.join(sorted(kinds))})"
        )
    return Rule(
        id=rule_id,
        kind=kind.name,
        level=Severity.parse(reader.choice(keys["level"], "level", LEVELS)),
        message=_template(reader, keys["message"], "message", kind),
        description=reader.string(keys["description"], "description").strip()
        if "description" in keys
        else "",
        fix=_template(reader, keys["fix"], "fix", kind).strip() if "fix" in keys else None,
        options=read_options(reader, keys.get("options"), kind),
        source=str(path),
    )


def load_rules(
    folders: Sequence[Path], kinds: Mapping[str, CheckKind], *, shipped: Collection[Path] = ()
) -> RuleSet:
    """Load every rule folder in order; later folders override earlier ones; ``kinds``: the check kinds.

    ``shipped``: the folders among them that hold checker's own rules (read faster, see
    ``yamlfile.load``)."""
    rules: dict[str, Rule[Any]] = {}
    registry: Registry | None = None
    profiles: dict[str, Profile] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(str(folder), "is not a folder of rule files")
        defined_here: dict[str, str] = {}
        ours = folder in shipped
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            if path.name == REGISTRY_FILE:
                registry = load_registry(path, shipped=ours)
            elif path.name == PROFILES_FILE:
                profiles.update(load_profiles(path, shipped=ours))
            else:
                rule = load_rule(path, kinds, shipped=ours)
                if rule.id in defined_here:
                    raise ConfigError(
                        str(path), f"rule {rule.id!r} is already defined in {defined_here[rule.id]}", 1
                    )
                defined_here[rule.id] = str(path)
                rules[rule.id] = rule
    if registry is None:
        raise ConfigError(
            str(folders[-1]), f"no {REGISTRY_FILE} (the department registry) in any rules folder"
        )
    for profile in profiles.values():
        profile.validate(rules)
    return RuleSet(tuple(rules.values()), registry, profiles)
