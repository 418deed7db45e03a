r"""Strict YAML reading with line numbers, and the regular expressions rule files hold.

Files are read with ``yaml.compose`` so every value keeps its position. Readers
reject unknown keys, duplicate keys and wrong types with ``file:line: what is
wrong (allowed: ...)``; a user mistake never becomes a traceback.

What a file may cost is bounded before and while it is parsed: at most ``MAX_YAML_BYTES``
(1 MiB; checker's own files are a few KiB), nested at most ``MAX_DEPTH`` levels, and no
aliases (``*name``): an alias repeats a value without its text, so a small file could stand
for an enormous one (a "billion laughs"). Each is refused with the file and line.

Regular expressions (``Reader.regex``) run on RE2 (``google-re2``), whose matching time is
linear in the text whatever the pattern: a rule's ``(a+)+$`` cannot hang a run. The syntax is
Python's less what needs backtracking; a pattern that uses it (lookahead, lookbehind,
backreferences, atomic groups, possessive quantifiers, conditionals, ``\Z``, the ``x``, ``a``,
``u``, ``L`` flags) is refused when the file is loaded, saying what it uses. ``\w``, ``\d``,
``\s`` and ``\b`` are ASCII in RE2; ``\pL`` (a letter), ``\pN`` (a digit or numeral) and
``\p{Greek}`` name Unicode classes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import re2
import yaml

from checker.errors import ConfigError

Node = yaml.Node

#: the largest YAML file checker reads (rule files, the registry, profiles, the config file)
MAX_YAML_BYTES = 1024 * 1024
#: how deep collections may nest in one (checker's own files nest four levels at most)
MAX_DEPTH = 32
_FIRST_READ = 64 * 1024


class _Refused(yaml.MarkedYAMLError):
    """What the strict loader will not compose, with where it is."""


class _Strict(yaml.composer.Composer):
    """Composing without aliases and with a nesting limit (see the module docstring); the events
    come from the parser it is mixed with (pure Python, or libyaml's)."""

    _depth = 0

    if TYPE_CHECKING:

        def check_event(self, *choices: Any) -> bool: ...

        def peek_event(self) -> Any: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                problem=f"uses the alias *{event.anchor}: checker's YAML files take no aliases "
                "(write the value out where it is used)",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    problem=f"nests more than {MAX_DEPTH} levels deep",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictLoader(_Strict, yaml.SafeLoader):
    """``SafeLoader`` (pure Python) composing strictly: it words every error the user sees."""


def _strict_enough(root: Node | None) -> bool:
    """Whether a tree libyaml composed is one ``_Strict`` composes too: no node reached twice (an
    alias: libyaml shares the anchored node) and none nested more than ``MAX_DEPTH`` levels deep."""
    seen: set[int] = set()
    level: list[Node] = [] if root is None else [root]
    for _ in range(MAX_DEPTH):  # the nodes at each depth in turn, the root's first
        below: list[Node] = []
        for node in level:
            if id(node) in seen:
                return False
            seen.add(id(node))
            if isinstance(node, yaml.SequenceNode):
                below += node.value
            elif isinstance(node, yaml.MappingNode):
                for pair in node.value:
                    below += pair
        if not below:
            return True
        level = below
    return False  # nodes deeper than MAX_DEPTH


_FAST: type | None = None  # libyaml's parser and composer, when PyYAML was built with it
try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: the pure-Python loader alone
    pass
else:

    class _FastLoader(CParser, yaml.resolver.Resolver):
        """libyaml's parser and composer (C) with the pure-Python loader's resolver: the
        pure-Python scanner, parser and composer were most of checker's start-up (46 rule files).
        It takes aliases and any nesting; ``_strict_enough`` says whether ``_Strict`` would have
        composed the same tree, and any file it does not is read again by ``_StrictLoader``, so what
        is accepted, and every message, is the pure-Python loader's."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.Resolver.__init__(self)

    _FAST = _FastLoader


def _compose(text: str) -> Node | None:
    """The document's root node, composed by libyaml when there is one and the tree is one the
    strict loader would compose; else (a file it refuses, whose error is to be worded alike) by
    the strict loader."""
    if _FAST is not None:
        try:
            root: Node | None = yaml.compose(text, Loader=_FAST)
        except yaml.YAMLError:
            pass  # read again by the pure-Python loader, which says what is wrong
        else:
            if _strict_enough(root):
                return root
    return yaml.compose(text, Loader=_StrictLoader)


def _read_text(path: str | Path) -> str:
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            # what a file usually holds first: ``read(MAX_YAML_BYTES + 1)`` would make (and
            # shrink) a buffer of that size for every small file
            data = handle.read(_FIRST_READ)
            if len(data) == _FIRST_READ:
                data += handle.read(MAX_YAML_BYTES + 1 - _FIRST_READ)
    except FileNotFoundError:
        raise ConfigError(name, "does not exist") from None
    except OSError as exc:
        raise ConfigError(name, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_YAML_BYTES:
        raise ConfigError(
            name,
            f"is larger than {MAX_YAML_BYTES // 1024} KiB, the most checker reads of a YAML file "
            "(its own rule files are a few KiB): is it the right file?",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, f"cannot be read as UTF-8 text: {exc}") from None


def load(path: str | Path, *, shipped: bool = False) -> Node | None:
    """The document's root node, or None for an empty file.

    ``shipped``: one of checker's own files (the built-in rules), parsed and composed by libyaml
    when it is there: the pure-Python scanner, parser and composer were most of checker's
    start-up. libyaml is not used for the user's files, where it differs from the pure-Python
    loader at the edges (it takes tabs and some flow keys that loader refuses, and places an
    empty value's line differently), and the strict loader's messages are the ones users see;
    a test (``tests/test_startup.py``) checks it composes every shipped file exactly as the
    pure-Python loader does, and refuses what that loader refuses with its message.
    """
    name = str(path)
    text = _read_text(path)
    try:
        return _compose(text) if shipped else yaml.compose(text, Loader=_StrictLoader)
    except _Refused as exc:
        mark = exc.problem_mark
        raise ConfigError(name, str(exc.problem), mark.line + 1 if mark else None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(name, f"is not valid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, f"is not valid YAML: {exc}") from None


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
#: numbers in checker's files are small; a longer one is refused before Python converts it
_MAX_DIGITS = 30


def _yaml_number(node: yaml.ScalarNode, construct: Any) -> int | float | None:
    """An int or float scalar as YAML reads it (``0x1F``, ``1_000``, ``.inf``); None if absurd."""
    if len(str(node.value)) > _MAX_DIGITS:
        return None
    try:
        value = construct(node)
    except (ValueError, OverflowError):
        return None
    return value if isinstance(value, int | float) else None


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
        value = _yaml_number(node, _CONSTRUCTOR.construct_yaml_int)
        if not isinstance(value, int):
            raise self.error(node, f"{what} should be a whole number of at most {_MAX_DIGITS} digits")
        if value < minimum:
            raise self.error(node, f"{what} should be at least {minimum}, not {value}")
        return value

    def number(self, node: Node, what: str, minimum: float = 0.0) -> float:
        if not isinstance(node, yaml.ScalarNode) or not (
            node.tag.endswith(":int") or node.tag.endswith(":float")
        ):
            raise self.error(node, f"{what} should be a number, not {describe(node)}")
        construct = (
            _CONSTRUCTOR.construct_yaml_int
            if node.tag.endswith(":int")
            else _CONSTRUCTOR.construct_yaml_float
        )
        value = _yaml_number(node, construct)
        if value is None or not math.isfinite(value):
            raise self.error(node, f"{what} should be a finite number of at most {_MAX_DIGITS} digits")
        if value < minimum:
            raise self.error(node, f"{what} should be at least {minimum:g}, not {value:g}")
        return float(value)

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} should be a list, not {describe(node)}")
        return list(node.value)

    def strings(self, node: Node, what: str) -> list[str]:
        return [self.string(item, f"each item of {what}") for item in self.sequence(node, what)]

    def regex(self, node: Node, what: str) -> LinearPattern:
        text = self.string(node, what)
        try:
            return LinearPattern(text)
        except ValueError as exc:
            raise self.error(node, f"{what} {text!r} {exc}") from None


#: what RE2 says about a construct it does not run, and how to say it to a rule's author; the
#: patterns are compiled (and cached by ``re``) when a pattern is refused, not by every run
_UNSUPPORTED: tuple[tuple[str, re.RegexFlag, str], ...] = (
    (r"\(\?<?[=!]", re.NOFLAG, "lookaround ((?=, (?!, (?<=, (?<!)"),
    (r"escape sequence: \\[1-9]", re.NOFLAG, "a backreference (\\1 ... \\9)"),
    (r"\(\?>", re.NOFLAG, "an atomic group ((?>...))"),
    (r"repetition operator: [*+?}]\+", re.NOFLAG, "a possessive quantifier (*+, ++, ?+)"),
    (r"\(\?\(", re.NOFLAG, "a conditional group ((?(1)...|...))"),
    (r"escape sequence: \\Z", re.NOFLAG, "\\Z (write \\z for the end of the text)"),
    (r"\(\?#", re.NOFLAG, "a comment group ((?#...))"),
    (r"\(\?[a-zA-Z]*[^imsU:)a-zA-Z]?[xauL]", re.NOFLAG, "a flag RE2 does not have (it takes i, m, s and U)"),
    (r"repetition size", re.NOFLAG, "a repetition count over 1000 (nested counts multiply)"),
    (r"too large|out of memory", re.IGNORECASE, "more states than RE2's 8 MiB budget for a pattern"),
)


def _unsupported(reason: str, text: str = "") -> str:
    if "(?P" in reason and "(?P=" in text:
        reason = "invalid escape sequence: \\1"  # RE2 says only "(?P"
    for pattern, flags, construct in _UNSUPPORTED:
        if re.search(pattern, reason, flags):
            return (
                f"uses {construct}, which checker's regular expressions do not support: they run on "
                "RE2, in time linear in the text; rewrite it without that"
            )
    return f"is not a valid regular expression: {reason}"


class LinearPattern:
    """A rule's regular expression, matched by RE2 in time linear in the text.

    It has the matching methods of ``re.Pattern`` (``search``, ``match``, ``fullmatch``,
    ``finditer``, ``findall``, ``split``, ``sub``) and its ``pattern``, ``flags``, ``groups``
    and ``groupindex``; ``flags`` holds what was given of ``re.IGNORECASE``, ``re.MULTILINE``
    and ``re.DOTALL`` (inline ``(?i)`` stays in ``pattern``), so that
    ``LinearPattern(p.pattern, p.flags | re.IGNORECASE)`` is the same pattern, case ignored.
    ``ValueError`` says, in words, what in the text RE2 does not run.
    """

    __slots__ = ("_regexp", "flags", "pattern")

    def __init__(self, text: str, flags: int = 0) -> None:
        options = re2.Options()
        options.log_errors = False  # RE2 would write every refusal to stderr
        options.case_sensitive = not flags & re.IGNORECASE
        prefix = ("(?m)" if flags & re.MULTILINE else "") + ("(?s)" if flags & re.DOTALL else "")
        if flags & re.VERBOSE:
            raise ValueError(_unsupported("invalid perl operator: (?x"))
        try:
            self._regexp: Any = re2.compile(prefix + text, options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else ""
            reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
            raise ValueError(_unsupported(reason, text)) from None
        self.pattern = text
        self.flags = flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._regexp.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._regexp.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        return self._regexp.fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        return self._regexp.finditer(text, pos, endpos)  # type: ignore[no-any-return]

    def findall(self, text: str, pos: int = 0, endpos: int | None = None) -> list[Any]:
        return self._regexp.findall(text, pos, endpos)  # type: ignore[no-any-return]

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return self._regexp.split(text, maxsplit)  # type: ignore[no-any-return]

    def sub(self, replacement: Any, text: str, count: int = 0) -> str:
        return self._regexp.sub(replacement, text, count)  # type: ignore[no-any-return]

    @property
    def groups(self) -> int:
        return int(self._regexp.groups)

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self._regexp.groupindex)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinearPattern):
            return NotImplemented
        return (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"LinearPattern({self.pattern!r}{', re.IGNORECASE' if self.flags & re.IGNORECASE else ''})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (LinearPattern, (self.pattern, self.flags))
