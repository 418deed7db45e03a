"""One small named pattern per token of the pre-processor markup (see docs/markup.md)."""

from __future__ import annotations

import enum
import functools
import re
from typing import NamedTuple

MARKER = re.compile(r"^\{\{DEPARTMENTRESPONSE\}\}$")
#: the action heading as editors write it, on purpose more lenient than the build (any number of
#: ``#``, any case, spaces anywhere, no colon or a stand-in for one), so that the page still parses;
#: ``parse.action`` reports every form the build would not read
ACTION = re.compile(
    r"^(?P<marks>#+)(?P<gap>\s*)(?P<word>action)(?P<space>\s*)(?P<number>[0-9]+)"
    r"(?P<before>\s*)(?P<colon>[:;.\-–—]?)(?P<after>\s*)(?P<title>.*)$",
    re.IGNORECASE,
)
OPEN = re.compile(r"^\{(?P<tag>[a-z][a-z0-9-]*)(?P<attrs>(?:\s+[.#][^\s{}]+)*)\s*\}$")
CLOSE = re.compile(r"^\{/(?P<tag>[a-z][a-z0-9-]*)\}$")
HEADING = re.compile(r"^(?P<marks>#{2,6})(?!#)\s*(?P<text>.*)$")  # closing #s: without_closing_hashes
IAL = re.compile(r"^\{:\s*(?P<attrs>[^{}]*)\}$")
COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"

#: ``{department}`` is ``{div .department}``; these bare forms open a block
SHORTHANDS = {"department": ("div", ("department",)), "statement": ("div", ("statement",))}
#: bare directives that open a block only when they have a ``{/name}`` closer
BLOCK_DIRECTIVES = frozenset({"div", "span", "collapsed"})


class Kind(enum.Enum):
    BLANK = "blank"
    MARKER = "marker"
    ACTION = "action"
    OPEN = "open"
    CLOSE = "close"
    HEADING = "heading"
    IAL = "ial"
    DIRECTIVE = "directive"  # {navigation}, {pull}, {include x}, {PDF=x} ...
    TEXT = "text"
    COMMENT = "comment"  # nothing but comments ({::comment}...): the build leaves it out (parse.comments)

    #: by identity, as members compare: ``Enum``'s own hashes the name in Python, and the parser
    #: looks a kind up in a set or a dict for every line of every page
    __hash__ = object.__hash__


class Line(NamedTuple):
    """One classified line. A named tuple, not a dataclass: one is made for every line of every
    page, and a tuple is built four times faster than a frozen dataclass."""

    number: int
    text: str  # the source line; on a line that shows text, its comments blanked out (parse.comments)
    kind: Kind
    column: int  # where the token starts (1-based), after indentation
    tag: str = ""  # OPEN/CLOSE: element name after shorthand expansion ("div")
    written: str = ""  # OPEN/CLOSE: the token as written, e.g. "{department}"
    classes: tuple[str, ...] = ()
    element_id: str | None = None
    level: int = 0  # HEADING: number of #
    value: str = ""  # HEADING text, ACTION title
    number_text: str = ""  # ACTION number as written


def without_closing_hashes(text: str) -> tuple[str, bool]:
    """A heading's text without its closing ``#``s (``Home Office ##``), and whether it had them.

    Done here, not in the patterns: a lazy ``.*?`` before an optional ``\\s+#+$`` retries at
    every space of the line, which takes seconds on a line of a few thousand spaces.
    """
    bare = text.rstrip("#")
    if bare != text and bare[-1:].isspace():
        return bare.rstrip(), True
    return text, False


def _attributes(attrs: str) -> tuple[tuple[str, ...], str | None]:
    classes, element_id = [], None
    for part in attrs.split():
        if part.startswith("."):
            classes.append(part[1:])
        elif part.startswith("#"):
            element_id = part[1:]
    return tuple(classes), element_id


#: what a token line says, apart from where it is: (kind, tag, written, classes, element_id, level,
#: value, number_text), the fields of ``Line`` after ``column``
_Token = tuple[Kind, str, str, tuple[str, ...], str | None, int, str, str]


def classify(number: int, text: str) -> Line:
    """The line's kind and what its token says.

    Every token starts with ``{`` or ``#`` (its patterns are anchored there), so a line that
    starts with anything else is text without trying a pattern: most lines of a page are
    blank or text. What a token line says depends on its stripped text only, and a page
    repeats a handful of them (``{div .department}``, ``{/div}``...), so it is read once.
    """
    stripped = text.strip()
    column = len(text) - len(text.lstrip()) + 1
    if not stripped:
        return Line(number, text, Kind.BLANK, column)
    if stripped[0] != "{" and stripped[0] != "#":
        return Line(number, text, Kind.TEXT, column)
    kind, *said = _remembered(stripped) if len(stripped) <= _REMEMBERED else _token(stripped)
    return Line._make((number, text, kind, column, *said))


#: the longest token line remembered: tokens are short, and a long line is not kept alive
_REMEMBERED = 256


def _token(stripped: str) -> _Token:
    """What a line starting with ``{`` or ``#`` says, in the order of precedence of the tokens:
    a ``#`` line is the action heading, a heading or text; a ``{{`` line the marker or a
    directive, ``{:`` an attribute list, ``{/`` a closer, any other ``{`` an opener."""
    if stripped[0] == "#":
        if match := ACTION.match(stripped):
            title, _ = without_closing_hashes(match["title"])
            return Kind.ACTION, "", "", (), None, 0, title.strip(), match["number"]
        if match := HEADING.match(stripped):
            heading, _ = without_closing_hashes(match["text"])
            return Kind.HEADING, "", "", (), None, len(match["marks"]), heading, ""
        return _PLAIN[Kind.TEXT]
    second = stripped[1:2]
    if second == "{":
        if MARKER.match(stripped):
            return _PLAIN[Kind.MARKER]
    elif second == ":":
        if match := IAL.match(stripped):
            classes, element_id = _attributes(match["attrs"])
            return Kind.IAL, "", "", classes, element_id, 0, "", ""
    elif second == "/":
        if match := CLOSE.match(stripped):
            tag = match["tag"]
            return Kind.CLOSE, SHORTHANDS.get(tag, (tag, ()))[0], stripped, (), None, 0, "", ""
    elif match := OPEN.match(stripped):
        tag, attrs = match["tag"], match["attrs"].strip()
        if tag in SHORTHANDS and not attrs:
            tag, classes = SHORTHANDS[tag]
            return Kind.OPEN, tag, stripped, classes, None, 0, "", ""
        if attrs or tag in BLOCK_DIRECTIVES:
            classes, element_id = _attributes(attrs)
            return Kind.OPEN, tag, stripped, classes, element_id, 0, "", ""
        return _PLAIN[Kind.DIRECTIVE]
    return _PLAIN[Kind.DIRECTIVE] if stripped.endswith("}") else _PLAIN[Kind.TEXT]


#: the kinds whose line says nothing more
_PLAIN: dict[Kind, _Token] = {
    kind: (kind, "", "", (), None, 0, "", "") for kind in (Kind.TEXT, Kind.MARKER, Kind.DIRECTIVE)
}
_remembered = functools.lru_cache(maxsize=4096)(_token)
