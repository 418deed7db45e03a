"""Helpers for checks that read statement text: typography-normalised text with positions.

Everything here is linear in the statement and keeps memory to a small multiple of it: a
statement's source positions are computed on demand from a few numbers per line
(``Positions``), never held as one object per character, and its words keep where each
character came from in an ``array`` of 4-byte offsets. Checks read at most
``MAX_STATEMENT_CHARS`` of plain text (``too_long``); rule patterns run on RE2 (``linear``).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from html import unescape
from typing import Any, overload

import re2

from checker.model import LinkKind, Position, Span, Statement
from checker.text import plain_typography, typography_changes

#: the longest statement (in characters of plain text) the statement checks read; a real one is
#: under a thousand, so a longer one is reported as too long to check, not read
MAX_STATEMENT_CHARS = 20_000


def plain_text(statement: Statement) -> str:
    """The statement as the build prints it (plain quotes, ``...``): lines stripped, joined with ``\\n``."""
    return typography("\n".join(raw.strip() for _, raw in statement.lines))


@cache
def _typography() -> tuple[tuple[str, str], ...]:
    """Each character ``plain_typography`` changes (all outside ASCII, all in the BMP), and what to:
    read from its table, not found by trying every code point (a test checks they are the same)."""
    return typography_changes()


def typography(text: str) -> str:
    """``plain_typography(text)``, faster: ASCII text as it is, else one ``str.replace`` per character
    that is there (``str.translate`` with a table looks each character up). The same, as every
    character it changes is outside ASCII and what it becomes is ASCII."""
    if text.isascii():
        return text
    for char, plain in _typography():
        if char in text:
            text = text.replace(char, plain)
    return text


def too_long(statement: Statement) -> int | None:
    """The length of the statement's plain text when it is over ``MAX_STATEMENT_CHARS``, else None."""
    length = len(plain_text(statement))
    return length if length > MAX_STATEMENT_CHARS else None


#: a space character (what ``\s`` matches, ``str.isspace``) other than " "
_OTHER_SPACE = re.compile(r"[^\S ]")


@cache
def _expanding() -> re.Pattern[str]:
    """The characters ``plain_typography`` writes as more (or fewer) than one (``…`` -> ``...``)."""
    chars = [char for char, plain in _typography() if len(plain) != 1]
    return re.compile("[" + "".join(re.escape(char) for char in chars) + "]") if chars else re.compile("(?!)")


class _Expanded:
    """How the columns of a line with characters that are not one (``…``) map to its plain text."""

    __slots__ = ("_extra", "_offsets", "source")

    def __init__(self, source: str) -> None:
        self.source = source  # the stripped line, kept until its table is made
        self._offsets: array[int] | None = None  # plain offsets of the characters that are not one
        self._extra: array[int] | None = None  # characters added by each of those and those before

    def _tables(self) -> tuple[array[int], array[int]]:
        if self._offsets is None or self._extra is None:
            offsets, extra, added = array("q"), array("q"), 0
            for match in _expanding().finditer(self.source):
                offsets.append(match.start() + added)
                added += len(plain_typography(match.group(0))) - 1
                extra.append(added)
            self._offsets, self._extra, self.source = offsets, extra, ""
        return self._offsets, self._extra

    def source_offset(self, offset: int) -> int:
        """The offset in the stripped line of the character that plain offset ``offset`` comes from."""
        offsets, extra = self._tables()
        at = bisect_right(offsets, offset) - 1  # the last one that starts at or before ``offset``
        if at < 0:
            return offset
        before = extra[at - 1] if at else 0
        if offset <= offsets[at] + extra[at] - before:  # inside what it became: that character
            return offsets[at] - before
        return offset - extra[at]


class Positions(Sequence[Position]):
    """The source position of each character of ``plain_text(statement)``, plus one for the end.

    ``positions[i]`` is computed when asked, from four numbers per line (in arrays) and, for a
    line with a character that is not one in plain text (``…``), a table of those; the joining
    newline is where the line before it ends, and the one past the end is the column after the last.
    """

    def __init__(self, statement: Statement) -> None:
        self._numbers, self._indents = array("q"), array("q")
        self._starts, self._lengths = array("q"), array("q")  # of each line's plain text
        self._expanded: dict[int, _Expanded] = {}
        start = 0
        for at, (number, raw) in enumerate(statement.lines):
            if at:
                start += 1  # the joining newline
            stripped = raw.strip()
            length = len(stripped)
            if _expanding().search(stripped):
                length = len(typography(stripped))
                self._expanded[at] = _Expanded(stripped)
            self._numbers.append(number)
            self._indents.append(len(raw) - len(raw.lstrip()))
            self._starts.append(start)
            self._lengths.append(length)
            start += length
        self._size = start  # the plain text's length
        #: for each line, where the first line from it on with a character starts (or the end)
        self._next_start = array("q", [start]) * (len(self._starts) + 1)
        for at in range(len(self._starts) - 1, -1, -1):
            self._next_start[at] = self._starts[at] if self._lengths[at] else self._next_start[at + 1]

    def _column(self, at: int, offset: int) -> int:
        """The source column of plain offset ``offset`` of line ``at`` (``0 <= offset < length``)."""
        expanded = self._expanded.get(at)
        return self._indents[at] + (expanded.source_offset(offset) if expanded else offset) + 1

    def __len__(self) -> int:
        return self._size + 1 if self._size else 0

    @overload
    def __getitem__(self, index: int) -> Position: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Position]: ...

    def __getitem__(self, index: int | slice) -> Position | Sequence[Position]:
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("position index out of range")
        if index == self._size:  # one past the end
            last = self[index - 1]
            return Position(last.line, last.column + 1)
        at = bisect_right(self._starts, index) - 1
        while at >= 0:
            offset, length = index - self._starts[at], self._lengths[at]
            if offset < length:
                return Position(self._numbers[at], self._column(at, offset))
            if length:  # the newline after it: where the line ends
                return Position(self._numbers[at], self._column(at, length - 1))
            index = self._starts[at] - 1  # an empty line: where the one before it ends
            at -= 1
        return Position(self._numbers[0], self._indents[0] + 1)

    def first_at_or_after(self, line: int, column: int) -> int:
        """The first index whose position is ``line``, ``column`` or after it (positions never go
        back); the text's length when there is none. Two numbers, not a ``Position``: a span keeps
        its ends as numbers, and this is asked for both ends of every link of every statement."""
        at = bisect_left(self._numbers, line)
        if at < len(self._numbers) and self._numbers[at] == line:
            length = self._lengths[at]
            offset = min(max(column - 1 - self._indents[at], 0), length)
            if at in self._expanded and offset:  # the first plain offset at or after that column
                low, high = 0, length
                while low < high:
                    middle = (low + high) // 2
                    if self._column(at, middle) < column:
                        low = middle + 1
                    else:
                        high = middle
                offset = low
            if offset < length:
                return self._starts[at] + offset
            at += 1
        return self._next_start[at]


def plain_positions(statement: Statement) -> Positions:
    """The source position of each character of ``plain_text(statement)``, plus one for the end."""
    return Positions(statement)


def text_span(positions: Sequence[Position], start: int, end: int) -> Span:
    first = positions[start]
    last = positions[max(end - 1, start)]
    return Span(first, Position(last.line, last.column + 1))


def linear(pattern: Any, *, ignore_case: bool = False) -> Any:
    """``pattern`` (an ``re.Pattern``, or a rule file's pattern) compiled by RE2, linear in the text.

    Its ``re.IGNORECASE``, ``re.MULTILINE`` and ``re.DOTALL`` are kept, and ``ignore_case`` adds
    the first; ``ValueError`` when RE2 cannot run it (lookaround, backreferences...).
    """
    options = getattr(pattern, "options", None)  # RE2's own, on a pattern compiled here
    if options is not None and hasattr(options, "case_sensitive"):
        if not options.case_sensitive or not ignore_case:
            return pattern
        flags = 0
    else:
        flags = getattr(pattern, "flags", 0)
    if flags & re.VERBOSE:
        raise ValueError(f"the pattern {pattern.pattern!r} is verbose (re.X), which RE2 does not read")
    compiled = re2.Options()
    compiled.log_errors = False
    compiled.case_sensitive = not (ignore_case or flags & re.IGNORECASE)
    prefix = ("(?m)" if flags & re.MULTILINE else "") + ("(?s)" if flags & re.DOTALL else "")
    try:
        return re2.compile(prefix + pattern.pattern, compiled)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise ValueError(
            f"the pattern {pattern.pattern!r} cannot run in linear time (RE2: {reason})"
        ) from None


def either(patterns: tuple[Any, ...]) -> Any | None:
    """One RE2 pattern that matches where any of ``patterns`` does, so that a text is read once
    rather than once per pattern; None when there are none, or they cannot be one: their options
    differ, or two use one group name. Made once per tuple of patterns (a rule's options).

    RE2 is an automaton: the alternation ``(?:a)|(?:b)`` matches a text (anywhere, or whole) exactly
    when ``a`` or ``b`` does, so it gives the same yes or no; which part matched, and where, is
    for the patterns themselves to say.
    """
    return _either(patterns) if patterns else None


@lru_cache(maxsize=128)
def _either(patterns: tuple[Any, ...]) -> Any | None:
    if len(patterns) == 1:
        return patterns[0]
    settings = {tuple(getattr(pattern.options, name) for name in re2.Options.NAMES) for pattern in patterns}
    if len(settings) != 1:
        return None
    try:
        return re2.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns), patterns[0].options)
    except re2.error:
        return None


@dataclass(frozen=True, eq=False)
class Words:
    """A statement's words: its plain text with links and markup taken out, spaces collapsed.

    ``Coming soon... [Read more »](https://...)`` -> ``Coming soon...``;
    ``**TBC**`` -> ``TBC``; ``Awaiting <br> DCLG confirmation`` -> ``Awaiting DCLG confirmation``.
    ``index[i]`` is where ``text[i]`` is in ``plain_text(statement)`` (4 bytes a character).
    """

    text: str
    index: Sequence[int]


_HTML_LINK_END = re.compile(r"</a\s*>", re.IGNORECASE)
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)  # [ref]: https://...
#: each markup pattern, what a match becomes, and the characters one of which every match holds
_MARKUP: tuple[tuple[re.Pattern[str], Callable[[str], str], str], ...] = (
    # an HTML tag such as <br>, <strong>
    (re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>"), lambda tag: " ", "<"),
    # an entity such as &hellip; &nbsp; &#8217;
    (
        re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"),
        lambda ref: plain_typography(unescape(ref)),
        "&",
    ),
    # emphasis, code and strike marks, backslash escapes
    (re.compile(r"\\(?=[^\w\s])|[*_`~]+"), lambda mark: "", "\\*_`~"),
)
#: then spaces collapse to one: each space character (``\s``) becomes " " where it is, and a run
#: of them the one at its start
_SPACES = re.compile(r" {2,}")
#: text pieces joined at a time, so that a statement of many small edits needs no list as long
_CHUNK = 4096


def _link_ranges(statement: Statement, plain: str) -> list[tuple[int, int]]:
    """Where each link and reference definition is in the plain text; an HTML link runs to its ``</a>``."""
    ranges = [match.span() for match in _DEFINITION.finditer(plain)] if "]:" in plain else []
    if not statement.links:
        return ranges
    closers: list[tuple[int, int]] | None = None
    positions = Positions(statement)
    for link in statement.links:
        span = link.span
        start = positions.first_at_or_after(span.start_line, span.start_column)
        end = positions.first_at_or_after(span.end_line, span.end_column)
        if start >= end:
            continue
        if link.kind is LinkKind.HTML:
            if closers is None:
                closers = [match.span() for match in _HTML_LINK_END.finditer(plain)]
            after = bisect_left(closers, (end, -1))
            if after < len(closers):
                end = closers[after][1]
        ranges.append((start, end))
    return ranges


def _replace(text: str, index: array[int], edits: Iterable[tuple[int, int, str]]) -> tuple[str, array[int]]:
    """``text`` with each ``(start, end, replacement)`` made, in order; each replacement character
    is where the replaced text started. Edits that overlap one made already are cut to what is left."""
    chunks: list[str] = []
    pieces: list[str] = []
    kept = array("i")
    done = 0
    for first, end, replacement in edits:
        if end <= done:
            continue
        start = max(first, done)
        pieces.append(text[done:start])
        kept.extend(index[done:start])
        if start < len(text):
            pieces.append(replacement)
            kept.extend(array("i", [index[start]]) * len(replacement))
        done = end
        if len(pieces) >= _CHUNK:
            chunks.append("".join(pieces))
            pieces.clear()
    if done == 0:
        return text, index
    pieces.append(text[done:])
    kept.extend(index[done:])
    chunks.append("".join(pieces))
    return "".join(chunks), kept


@cache
def _numbers() -> array[int]:
    return array("i", range(MAX_STATEMENT_CHARS + 1))


def _counting(length: int) -> array[int]:
    """``array("i", range(length))``, copied from one made once (building it counts in Python)."""
    return _numbers()[:length] if length <= MAX_STATEMENT_CHARS else array("i", range(length))


def statement_words(statement: Statement, plain: str | None = None) -> Words:
    """The statement's words, without its links (text and address) or markup: see ``Words``.

    ``plain``: ``plain_text(statement)``, when the caller has it already.
    """
    text = plain_text(statement) if plain is None else plain
    links = _link_ranges(statement, text)
    index = _counting(len(text))
    text, index = _replace(text, index, sorted((start, end, " ") for start, end in links))
    for pattern, replacement, _needs in _MARKUP:  # every pass, with where each character came from
        edits = ((*match.span(), replacement(match.group(0))) for match in pattern.finditer(text))
        text, index = _replace(text, index, edits)
    text = _OTHER_SPACE.sub(" ", text)  # one character for one: the index stays as it is
    text, index = _replace(text, index, ((*match.span(), " ") for match in _SPACES.finditer(text)))
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if start >= end:
        return Words("", array("i"))
    return Words(text[start:end], index[start:end])


def words_text(statement: Statement, plain: str | None = None) -> str:
    """``statement_words(statement, plain).text``, without working out where each character came
    from: the same steps, each one pass of ``re.sub`` (what most callers need, and a fraction of
    the cost). The steps match what ``_replace`` does, as the markup patterns never match empty text.
    """
    text = plain_text(statement) if plain is None else plain
    text = _cut(text, sorted(_link_ranges(statement, text)))
    for pattern, replacement, needs in _MARKUP:
        # a pass of the pattern only over a text that holds a character its every match needs:
        # an "in" per character is some thirty times quicker than a search that finds nothing
        if any(char in text for char in needs):
            text = pattern.sub(_of_match(replacement), text)
    if not text.isprintable():  # "\s" but " " is unprintable, every character of it (str.isspace)
        text = _OTHER_SPACE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _of_match(replacement: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    return lambda match: replacement(match.group(0))


def _cut(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """What ``_replace`` makes of ``text`` with each range (sorted) replaced by one space."""
    pieces: list[str] = []
    done = 0
    for first, end in ranges:
        if end <= done:
            continue
        start = max(first, done)
        pieces.append(text[done:start])
        if start < len(text):
            pieces.append(" ")
        done = end
    if done == 0:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
