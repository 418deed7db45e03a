"""Strict YAML reading with line numbers.

Files are read with ``yaml.compose`` so every value keeps its position. Readers
reject unknown keys, duplicate keys and wrong types with ``file:line: what is
wrong (allowed: ...)``; a user mistake never becomes a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import yaml

from checker.errors import ConfigError

Node = yaml.Node


def load(path: str | Path) -> Node | None:
    """The document's root node, or None for an empty file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(name, "does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, f"cannot be read as UTF-8 text: {exc}") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(name, f"is not valid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, f"is not valid YAML: {exc}") from None


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


def describe(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return f"{node.tag.rsplit(':', 1)[-1]} {node.value!r}"


class Reader:
    """Typed access to one YAML file's nodes; every error names the file and line."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    def error(self, node: Node, message: str) -> ConfigError:
        return ConfigError(self.path, message, line_of(node))

    def mapping(
        self, node: Node, what: str, allowed: Collection[str], required: Collection[str] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} should be a mapping, not {describe(node)}")
        result: dict[str, Node] = {}
        for key_node, value in node.value:
            key = self.key(key_node)
            if key in result:
                raise self.error(key_node, f"duplicate key {key!r} in {what}")
            if allowed and key not in allowed:
                raise self.error(
                    key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})"
                )
            result[key] = value
        for key in required:
            if key not in result:
                raise self.error(node, f"{what} is missing the key {key!r} (required: {', '.join(required)})")
        return result

    def any_mapping(self, node: Node, what: str) -> dict[str, Node]:
        return self.mapping(node, what, allowed=())

    def key(self, node: Node) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":str"):
            raise self.error(node, f"keys should be plain words, not {describe(node)}")
        return str(node.value)

    def string(self, node: Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":str"):
            raise self.error(node, f"{what} should be text, not {describe(node)}")
        return str(node.value)

    def choice(self, node: Node, what: str, choices: Collection[str]) -> str:
        value = self.string(node, what)
        if value not in choices:
            raise self.error(node, f"{what} is {value!r} (allowed: {', '.join(choices)})")
        return value

    def boolean(self, node: Node, what: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":bool"):
            raise self.error(node, f"{what} should be true or false, not {describe(node)}")
        return str(node.value).lower() in ("true", "yes", "on")

    def integer(self, node: Node, what: str, minimum: int = 0) -> int:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":int"):
            raise self.error(node, f"{what} should be a whole number, not {describe(node)}")
        value = int(str(node.value))
        if value < minimum:
            raise self.error(node, f"{what} should be at least {minimum}, not {value}")
        return value

    def number(self, node: Node, what: str, minimum: float = 0.0) -> float:
        if not isinstance(node, yaml.ScalarNode) or not (
            node.tag.endswith(":int") or node.tag.endswith(":float")
        ):
            raise self.error(node, f"{what} should be a number, not {describe(node)}")
        value = float(str(node.value))
        if value < minimum:
            raise self.error(node, f"{what} should be at least {minimum:g}, not {value:g}")
        return value

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} should be a list, not {describe(node)}")
        return list(node.value)

    def strings(self, node: Node, what: str) -> list[str]:
        return [self.string(item, f"each item of {what}") for item in self.sequence(node, what)]

    def regex(self, node: Node, what: str) -> re.Pattern[str]:
        text = self.string(node, what)
        try:
            return re.compile(text)
        except re.error as exc:
            raise self.error(node, f"{what} {text!r} is not a valid regular expression: {exc}") from None
