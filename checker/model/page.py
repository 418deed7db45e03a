"""The page model: what a page says, with exact source positions.

The model does not know which syntax it came from. The Markdown parser in
``checker.parse`` builds it today; a rendered-HTML reader can build the same
objects later. All positions are 1-based line and column (in characters).

The classes have ``__slots__``: a run over a large publication holds every page's model, a
dozen spans and positions for each department block, and an object without a ``__dict__``
takes half the memory.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import date


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A place in the source: 1-based line and column (in characters)."""

    line: int
    column: int


def _span(line: int, column: int, end_line: int, end_column: int) -> Span:
    """A span from its four numbers (``Span.of`` without the class lookup): how pickle rebuilds one.

    Each number is the one shared ``int`` of its value (``_NUMBERS``): Python shares only those up
    to 256, and every span of a long page would otherwise hold its own line numbers and columns
    (28 bytes each, about 25 KB a page of 100 department blocks), pickle making new ones again.
    """
    span = _new(Span)
    _set(span, "start_line", _number(line, line))
    _set(span, "start_column", _number(column, column))
    _set(span, "end_line", _number(end_line, end_line))
    _set(span, "end_column", _number(end_column, end_column))
    return span


_new = object.__new__
_set = object.__setattr__
#: each line number and column any span has had, as one ``int`` object: as many entries as the
#: longest page has lines, or its longest line characters
_NUMBERS: dict[int, int] = {}
_number = _NUMBERS.setdefault


class Span:
    """A range of the source, ``start`` to ``end`` (the end column exclusive).

    It keeps its four numbers, not two ``Position`` objects: a page holds a span for every link,
    heading, statement and block, and one object where there were three is 128 bytes less each
    (25 MiB on 100,000 links). ``start`` and ``end`` give ``Position``s, made when asked for; code
    that reads many spans reads ``start_line``... directly. Frozen, ordered by start then end,
    equal and hashed by its four numbers, as the dataclass it replaced.
    """

    __slots__ = ("end_column", "end_line", "start_column", "start_line")

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def __init__(self, start: Position, end: Position) -> None:
        _set(self, "start_line", _number(start.line, start.line))
        _set(self, "start_column", _number(start.column, start.column))
        _set(self, "end_line", _number(end.line, end.line))
        _set(self, "end_column", _number(end.column, end.column))

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return _span(line, column, end_line, end_column)

    @classmethod
    def line(cls, line: int, text: str) -> Span:
        """The whole of one source line."""
        return _span(line, 1, line, len(text) + 1)

    @property
    def start(self) -> Position:
        return Position(self.start_line, self.start_column)

    @property
    def end(self) -> Position:
        return Position(self.end_line, self.end_column)

    def _numbers(self) -> tuple[int, int, int, int]:
        return (self.start_line, self.start_column, self.end_line, self.end_column)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Callable[[int, int, int, int], Span], tuple[int, int, int, int]]:
        return _span, self._numbers()

    def __repr__(self) -> str:
        return f"Span(start={self.start!r}, end={self.end!r})"

    def __hash__(self) -> int:
        return hash(self._numbers())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() == other._numbers()

    def __lt__(self, other: Span) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() < other._numbers()

    def __le__(self, other: Span) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() <= other._numbers()

    def __gt__(self, other: Span) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() > other._numbers()

    def __ge__(self, other: Span) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return self._numbers() >= other._numbers()


class PageKind(enum.Enum):
    DEPARTMENT_RESPONSE = "department-response"
    OTHER = "other"


class LinkKind(enum.Enum):
    INLINE = "inline"  # [text](url), and reference links once resolved
    REFERENCE = "reference"  # [text][ref] / [text][] / [text] with a definition
    AUTOLINK = "autolink"  # <https://...>
    BARE = "bare"  # https://... in running text
    HTML = "html"  # <a href="...">
    IMAGE = "image"  # ![alt](src)
    UNRESOLVED = "unresolved"  # [text][ref] with no definition, or [Read more »] alone


@dataclass(frozen=True, slots=True)
class Link:
    """One link (or near miss) on a page, as written."""

    text: str
    url: str  # as written (entity-decoded); "" when the link has no target
    kind: LinkKind
    span: Span
    is_read_more: bool
    # what the parser saw when a link almost is one: ``detail`` says what is wrong in words
    # ("there is a space between "]" and "("", "the URL contains a space"), ``rewrite`` is the
    # link as it should be written; "" for a link written correctly
    detail: str = ""
    rewrite: str = ""

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def column(self) -> int:
        return self.span.start_column


@dataclass(frozen=True, slots=True)
class Heading:
    """A department block's heading."""

    raw: str  # heading text as written, e.g. "Cabinet<br>Office"
    name: str  # <br> collapsed to one space: "Cabinet Office"
    span: Span
    classes: tuple[str, ...]  # from the attribute list directly below it
    element_id: str | None
    ial_span: Span | None  # where the attribute list is, if any


@dataclass(frozen=True, slots=True)
class Statement:
    """A department block's statement."""

    span: Span  # the statement block, opener to closer
    text_span: Span | None  # first to last character of text; None when empty
    lines: tuple[tuple[int, str], ...]  # (line number, source line) of each non-blank line
    links: tuple[Link, ...]

    @property
    def text(self) -> str:
        """The statement's source text: its lines, each stripped, joined with "\n". Made when asked
        for (two checks ask), not kept beside the lines it repeats (40 KB a page of 100 blocks)."""
        return "\n".join(raw.strip() for _, raw in self.lines)


@dataclass(frozen=True, slots=True)
class DepartmentBlock:
    """One department's block: its heading and statement."""

    span: Span
    heading: Heading | None
    statement: Statement | None
    detached_ial: Span | None = None  # an attribute list that does not sit under the heading

    @property
    def name(self) -> str | None:
        return self.heading.name if self.heading else None


class Fault(enum.StrEnum):
    """What kind of malformed structure a ``Problem`` is; each is reported by its own ``structure-*`` rule."""

    UNCLOSED = "unclosed"  # a {div} not closed where it should be, or never
    STRAY_CLOSE = "stray-close"  # a {/div} with nothing open, or not matching what is open
    NESTED = "nested"  # a block opened inside one it may not be in
    OUTSIDE_BLOCK = "outside-block"  # a heading or statement outside any department block
    DUPLICATE = "duplicate"  # a second heading or statement in one block, a second action heading
    INCOMPLETE = "incomplete"  # a department block with no heading or no statement
    ORDER = "order"  # the statement before the heading
    DETACHED_ATTRIBUTES = "detached-attributes"  # an attribute list not directly under its heading
    STRAY_TEXT = "stray-text"  # text in a department block outside its statement
    ACTION_HEADING = "action-heading"  # the #Action NN: heading missing or malformed
    MARKER = "marker"  # department blocks, or an _actionNN.md name, without the {{DEPARTMENTRESPONSE}} marker
    NO_DEPARTMENTS = "no-departments"  # a department-response page with no department block (or empty)
    ACTION_MISMATCH = "action-mismatch"  # the #Action NN: number is not the one in the file name
    UNCLOSED_COMMENT = "unclosed-comment"  # a <!-- never closed, or opened inside another comment


@dataclass(frozen=True, slots=True)
class Problem:
    """Malformed structure the parser found. The ``structure`` kind reports these, by ``fault``."""

    fault: Fault
    message: str
    span: Span
    fix: str | None = None


class Reach(enum.StrEnum):
    """How far a waiver reaches: see ``Waiver``."""

    LINE = "line"  # written at the end of a line of the page: findings on that line
    BLOCK = "block"  # on a line of its own in a department block: that block's findings
    PAGE = "page"  # on a line of its own outside every department block: the whole page


@dataclass(frozen=True, slots=True)
class Waiver:
    """An inline waiver, ``{::comment}checker: allow RULE until DATE -- reason{:/comment}`` (docs/waivers.md).

    Findings of ``rules`` on the lines of ``scope`` are not reported while it is live (up to
    and including ``until``). A waiver with a ``problem`` is malformed and waives nothing;
    whether its rules exist is for the engine to say, which knows them.
    """

    rules: tuple[str, ...]  # rule ids or families (``link-``), as --select takes them
    until: date | None  # the last day it applies; None: no end
    reason: str
    span: Span  # the waiver as written
    scope: Span  # the lines it covers: its line, its department block, or the whole page
    reach: Reach
    problem: str | None = None  # why it is malformed ("it gives no reason ..."); None: well formed


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its action, department blocks, links, problems and waivers."""

    path: str
    kind: PageKind
    action_number: int | None
    title: str | None
    title_span: Span | None
    departments: tuple[DepartmentBlock, ...]
    links: tuple[Link, ...]  # every link on the page, in source order
    problems: tuple[Problem, ...]
    lines: tuple[str, ...] = field(repr=False, default=())  # source lines, for excerpts and fixes
    waivers: tuple[Waiver, ...] = ()  # the ``checker: allow`` comments, in source order
