"""What the build leaves out of a page: its comments, and the text written in them.

Two kinds of comment, neither shown on the published page:

- **HTML comments**, read by whole lines as before: a line that starts with ``<!--``, up to
  the line that holds ``-->``. Those lines are *commented*: kept aside, only to say why a page
  whose blocks are all commented out has none. On a line the page shows, a one-line
  ``<!-- checker: ... -->`` (a waiver written at the end of a line) is blanked out too.
  Two mistakes are ``Reading.problems`` (``Fault.UNCLOSED_COMMENT``, at the ``<!--``): a
  ``<!--`` with no ``-->`` anywhere after it, which is no comment (kramdown finds no comment
  there and prints ``<!--`` as text, so its line and the rest of the page are shown, and read
  here as shown); and a ``<!--`` inside an open comment, which does not nest: the first
  ``-->`` ends both, so the comment hides more, or less, than its writer meant.
- **kramdown's comment extension**: ``{::comment}`` ... ``{:/comment}`` (or ``{:/}``), inside
  one line or over several; ``{::comment /}`` is an empty one. kramdown drops it from the
  text (it writes an HTML comment), so it is blanked out of its lines, keeping every column; a
  line with nothing else on it is ``Kind.COMMENT``, which the structure scanner passes over (a
  waiver line is neither statement text nor stray text). A ``{::comment}`` with no closer after
  it is not a comment: kramdown prints it as text, so it stays in the line as written.

Only in a line of text or a ``##`` heading does kramdown simply drop a comment. After a token
(``{: .logo-ho}``, ``{div .department}``, ``#Action``...) it does not: it spoils an attribute
list, and after a pre-processor token it may reach the page. Such lines are noted in
``Reading.spoiled`` (a waiver there is malformed); see ``_Reader._classified``.

A ``Comment`` keeps its text line by line with positions, for ``parse.waivers``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.model import Fault, Position, Problem, Span
from checker.parse.lines import COMMENT_CLOSE, COMMENT_OPEN, Kind, Line, classify

KRAMDOWN_OPEN = re.compile(r"\{::comment(?:\s[^{}]*?)?(?P<empty>/)?\}")
KRAMDOWN_CLOSE = re.compile(r"\{:/(?:comment)?\}")
#: the lines kramdown reads as text, where a comment is dropped and the rest stays as it was
_TEXT_KINDS = frozenset({Kind.TEXT, Kind.HEADING})
#: a one-line HTML comment on a line the page shows is blanked out when it holds a waiver
_WAIVER_BODY = re.compile(r"\s*checker\b", re.IGNORECASE)


@dataclass(frozen=True)
class CommentLine:
    """The text of a comment on one line."""

    number: int
    column: int  # where ``text`` starts (1-based)
    text: str  # the comment's text on this line, stripped (never empty)


@dataclass(frozen=True)
class Comment:
    """One comment (``{::comment}`` or ``<!-- -->``): where it is, its text."""

    span: Span  # opener to closer (end column exclusive); an unclosed one: to the end of its line
    lines: tuple[CommentLine, ...]  # its text, line by line
    closed: bool = True  # False: a {::comment} never closed, which the build prints as text


@dataclass
class Reading:
    """The page's lines classified: those it shows (comments blanked), those inside HTML comments."""

    shown: list[Line] = field(default_factory=list)
    commented: list[Line] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: lines of markup with a comment after it, by number: the token, as written before the comment
    spoiled: dict[int, str] = field(default_factory=dict)
    #: HTML comments never closed, or opened inside another (``Fault.UNCLOSED_COMMENT``)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Open:
    """A comment opened and not yet closed."""

    start: Position
    lines: list[CommentLine] = field(default_factory=list)
    inner: Position | None = None  # an HTML comment: the first <!-- inside it

    def add(self, number: int, offset: int, segment: str) -> None:
        """The text ``segment`` of line ``number``, which starts at 0-based ``offset``."""
        if segment.strip():
            column = offset + len(segment) - len(segment.lstrip()) + 1
            self.lines.append(CommentLine(number, column, segment.strip()))

    def close(self, end: Position) -> Comment:
        return Comment(Span(self.start, end), tuple(self.lines))


def _last_holding(lines: Sequence[str], mark: str, pattern: re.Pattern[str] | None = None) -> int:
    """The index of the last line that holds a closer (``mark``, and a match of ``pattern``
    when given), -1 when none does.

    A line has a closer after it exactly when its index is below this one, so one scan from
    the end, which stops at the first closer, answers that for every line.
    """
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index]
        if mark in text and (pattern is None or pattern.search(text) is not None):
            return index
    return -1


def _blanked(text: str, blanks: Sequence[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` range made spaces, keeping every column."""
    pieces: list[str] = []
    done = 0
    for first, end in sorted(blanks):
        start = max(first, done)
        if end > start:
            pieces.extend((text[done:start], " " * (end - start)))
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _opener_span(where: Position) -> Span:
    return Span(where, Position(where.line, where.column + len(COMMENT_OPEN)))


def _never_closed(where: Position) -> Problem:
    return Problem(
        Fault.UNCLOSED_COMMENT,
        "this <!-- is never closed: there is no --> after it, so it is no comment and the build "
        'prints "<!--" on the page, with everything after it',
        _opener_span(where),
        "end the comment with --> where what it hides ends, or remove the <!--",
    )


def _nested(start: Position, inner: Position, end: Position) -> Problem:
    return Problem(
        Fault.UNCLOSED_COMMENT,
        f"this HTML comment holds another <!-- (line {inner.line}), and comments do not nest: "
        f"the first --> (line {end.line}) ends it, so lines {start.line} to {end.line} are left "
        "out of the page, and anything meant to be hidden after that --> is shown",
        _opener_span(start),
        f"end this comment with --> before the <!-- on line {inner.line}",
    )


class _Reader:
    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        #: the last line holding a ``{:/comment}`` and a ``-->``: a line before it has one after it
        self.last_close = _last_holding(lines, "{:/", KRAMDOWN_CLOSE)
        self.last_html_close = _last_holding(lines, COMMENT_CLOSE)
        self.reading = Reading()
        self.html: _Open | None = None
        self.kramdown: _Open | None = None

    def read(self) -> Reading:
        shown = self.reading.shown
        for index, text in enumerate(self.lines):
            number = index + 1
            if self.html is not None:
                self._html_line(number, text)
            elif self.kramdown is None and "{::" not in text and COMMENT_OPEN not in text:
                # no comment in it or around it (a kramdown one opens with "{::"): as written
                shown.append(classify(number, text))
            elif self.kramdown is None and text.lstrip().startswith(COMMENT_OPEN):
                at = text.index(COMMENT_OPEN)
                if text.find(COMMENT_CLOSE, at + len(COMMENT_OPEN)) >= 0 or index < self.last_html_close:
                    self._html_line(number, text)
                else:  # no --> after it: no comment, a line the page shows
                    self.reading.problems.append(_never_closed(Position(number, at + 1)))
                    self._line(index, number, text)
            else:
                self._line(index, number, text)
        last = Position(len(self.lines), len(self.lines[-1]) + 1) if self.lines else Position(1, 1)
        for still_open in (self.html, self.kramdown):  # an HTML comment never closed runs to the end
            if still_open is not None:
                self.reading.comments.append(still_open.close(last))
        return self.reading

    def _html_line(self, number: int, text: str) -> None:
        """A line of a whole-line HTML comment (from ``<!--`` to the line holding ``-->``)."""
        self.reading.commented.append(classify(number, text))
        current, offset = self.html, 0
        if current is None:
            offset = text.index(COMMENT_OPEN)
            current = _Open(Position(number, offset + 1))
            offset += len(COMMENT_OPEN)
        end = text.find(COMMENT_CLOSE, offset)
        inner = text.find(COMMENT_OPEN, offset, len(text) if end < 0 else end)
        if inner >= 0 and current.inner is None:
            current.inner = Position(number, inner + 1)
        current.add(number, offset, text[offset:] if end < 0 else text[offset:end])
        if end < 0:
            self.html = current
        else:
            closed = Position(number, end + len(COMMENT_CLOSE) + 1)
            self.reading.comments.append(current.close(closed))
            if current.inner is not None:
                self.reading.problems.append(_nested(current.start, current.inner, closed))
            self.html = None

    def _line(self, index: int, number: int, text: str) -> None:
        blanks: list[tuple[int, int]] = []  # what the page does not show, as ranges of the line
        touched = self.kramdown is not None
        position = 0
        last_close = max((close.start() for close in KRAMDOWN_CLOSE.finditer(text)), default=-1)
        while True:
            if self.kramdown is not None:
                close = KRAMDOWN_CLOSE.search(text, position)
                end = close.start() if close else len(text)
                self.kramdown.add(number, position, text[position:end])
                if close is None:
                    blanks.append((position, len(text)))
                    break
                blanks.append((position, close.end()))
                self.reading.comments.append(self.kramdown.close(Position(number, close.end() + 1)))
                self.kramdown, position = None, close.end()
                continue
            opener = KRAMDOWN_OPEN.search(text, position)
            if opener is None:
                break
            start = Position(number, opener.start() + 1)
            if opener["empty"]:
                blanks.append(opener.span())
                self.reading.comments.append(Comment(Span(start, Position(number, opener.end() + 1)), ()))
            elif last_close < opener.end() and index >= self.last_close:
                unclosed = _Open(start)  # kramdown prints it, and any after it: the line keeps them
                unclosed.add(number, opener.end(), text[opener.end() :])
                self.reading.comments.append(
                    Comment(Span(start, Position(number, len(text) + 1)), tuple(unclosed.lines), closed=False)
                )
                break
            else:
                blanks.append(opener.span())
                self.kramdown = _Open(start)
            touched = True
            position = opener.end()
        shown = _blanked(text, blanks) if blanks else text
        waivers = self._html_waivers(number, shown)
        if waivers:
            shown = _blanked(shown, waivers)
        self.reading.shown.append(self._classified(number, text, shown if touched or waivers else None))

    def _html_waivers(self, number: int, shown: str) -> list[tuple[int, int]]:
        """Each one-line ``<!-- checker: ... -->`` of a line the page shows, to blank out."""
        found: list[tuple[int, int]] = []
        at = shown.find(COMMENT_OPEN)
        while at >= 0:
            body = at + len(COMMENT_OPEN)
            end = shown.find(COMMENT_CLOSE, body)
            if end < 0:
                break
            if _WAIVER_BODY.match(shown, body):
                waiver = _Open(Position(number, at + 1))
                waiver.add(number, body, shown[body:end])
                self.reading.comments.append(waiver.close(Position(number, end + len(COMMENT_CLOSE) + 1)))
                found.append((at, end + len(COMMENT_CLOSE)))
            at = shown.find(COMMENT_OPEN, end + len(COMMENT_CLOSE))
        return found

    def _classified(self, number: int, text: str, shown: str | None) -> Line:
        """The line as the page shows it; ``shown``: with its comments blanked, None if it has none.

        Only in text and ``##`` headings does kramdown drop a comment; after a token it is noted
        in ``spoiled``. An attribute list with anything after it is no longer one to kramdown
        (``{: .logo-ho} {::comment}...``: the heading loses its crest), so that line is classified
        as written; a pre-processor token (``{div .x}``, ``#Action``...) is still read by its
        plain text substitution, so that line is classified without the comment.
        """
        if shown is None:
            return classify(number, text)
        if not shown.strip():
            return Line(number, text, Kind.COMMENT, len(text) - len(text.lstrip()) + 1)
        line = classify(number, shown.rstrip())
        if line.kind in _TEXT_KINDS:
            return line
        self.reading.spoiled[number] = shown.strip()
        return classify(number, text) if line.kind is Kind.IAL else line


def read_lines(lines: Sequence[str]) -> Reading:
    """Each line classified as the page shows it, the lines inside HTML comments, and every comment."""
    return _Reader(lines).read()
