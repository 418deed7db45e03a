"""One small named pattern per token of the pre-processor markup (see docs/markup.md)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Line:
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


def classify(number: int, text: str) -> Line:
    stripped = text.strip()
    column = len(text) - len(text.lstrip()) + 1
    if not stripped:
        return Line(number, text, Kind.BLANK, column)
    if MARKER.match(stripped):
        return Line(number, text, Kind.MARKER, column)
    if match := ACTION.match(stripped):
        title, _ = without_closing_hashes(match["title"])
        return Line(number, text, Kind.ACTION, column, value=title.strip(), number_text=match["number"])
    if match := HEADING.match(stripped):
        heading, _ = without_closing_hashes(match["text"])
        return Line(number, text, Kind.HEADING, column, level=len(match["marks"]), value=heading)
    if match := IAL.match(stripped):
        classes, element_id = _attributes(match["attrs"])
        return Line(number, text, Kind.IAL, column, classes=classes, element_id=element_id)
    if match := CLOSE.match(stripped):
        tag = match["tag"]
        return Line(number, text, Kind.CLOSE, column, tag=SHORTHANDS.get(tag, (tag, ()))[0], written=stripped)
    if match := OPEN.match(stripped):
        tag, attrs = match["tag"], match["attrs"].strip()
        if tag in SHORTHANDS and not attrs:
            tag, classes = SHORTHANDS[tag]
            return Line(number, text, Kind.OPEN, column, tag=tag, written=stripped, classes=classes)
        if attrs or tag in BLOCK_DIRECTIVES:
            classes, element_id = _attributes(attrs)
            return Line(
                number,
                text,
                Kind.OPEN,
                column,
                tag=tag,
                written=stripped,
                classes=classes,
                element_id=element_id,
            )
        return Line(number, text, Kind.DIRECTIVE, column)
    if stripped.startswith("{") and stripped.endswith("}"):
        return Line(number, text, Kind.DIRECTIVE, column)
    return Line(number, text, Kind.TEXT, column)
