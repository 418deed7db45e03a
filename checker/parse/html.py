"""Published HTML -> page model (``checker.model.Page``): the same objects the Markdown parser makes.

The HTML is parsed with beautifulsoup4's ``html.parser`` builder, wrapped so that every element
knows where it is in the source: its start tag (from the parser's own position, and the start
tag's text), its end tag (recorded as the parser meets it, with the elements it closes), and
where each comment, declaration and processing instruction is. All spans are in the HTML
source as read (1-based line and column in characters, end exclusive), never in BeautifulSoup's
normalised output; minified HTML, all on one line, reads the same with other columns.

What the reader looks for, as the publication's build writes it (``docs/markup.md``):

- **department blocks**: ``div.department`` (a ``div`` whose classes include ``department``);
- in each, its **heading**: the first ``h2`` that is not inside its statement. The name is the
  heading's text with each ``<br>`` read as one space, entities decoded, spaces collapsed (the
  build wraps it in ``span.organisation-logo``); the crest classes are the ``h2``'s classes;
- its **statement**: the first ``div.statement``. Its ``lines`` are the source lines between the
  statement's start and end tags, with what a reader does not see (comments, ``<script>``,
  ``<style>``, ``<template>``), a department block inside it, and what lies outside it blanked
  with spaces, so that every column is the source's; lines holding only tags are left out. Tags
  stay in the lines, as raw HTML stays in a Markdown statement: the checks read words without
  them;
- **links**: every ``a[href]`` (``LinkKind.HTML``) and ``img[src]`` (``LinkKind.IMAGE``) on the
  page, outside scripts and templates, each spanning its start tag; a statement's links are
  those inside it;
- the **action header**: the first element with the class ``action-header``. The number is the
  one after "Action" in its ``h1`` (else the first number in it), the title the text of its
  first ``p``; the whole header is the title's span. This is what the build makes of
  ``#Action NN: Title``; a page whose heading the build did not read has no header (its text
  may be in an ``h1`` or a ``p``, and the problem points there).

A page is a department-response page when it has a department block or an action header (or is
named ``_actionNN.html``). Where the HTML has the wrong shape the page gets ``Problem``s with the
same ``Fault``s as the Markdown parser: a block with no ``h2`` or no statement (incomplete), two
of either (duplicate), the statement first (order), a block inside a block or a statement or
``h2`` inside a statement (nested), a crest-classed ``h2`` or a statement outside every block
(outside-block), text in a block outside its heading and statement (stray-text), a block, a
statement or a ``div`` around blocks with no end tag of its own (unclosed: in HTML a missing
``</div>`` is taken from the next one, so it shows as an enclosing ``div`` left open), and the
action header missing, without a number or title, doubled, or numbered unlike the file's name.
The Markdown-only faults (marker, detached attributes, stray ``{/div}``) have no HTML form.

Never raises on content, and stays linear on hostile nesting: a name, title or link text is
read up to ``TEXT_LIMIT`` characters. Markup that ``html.parser`` rejects outright, and a page
whose statements share lines so long that their blanked lines would not fit in memory (a
pathological minified page), are ``InputError``s.
"""

from __future__ import annotations

import bisect
import inspect
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    ParserRejectedMarkup,
    XMLParsedAsHTMLWarning,
)
from bs4.builder._htmlparser import BeautifulSoupHTMLParser, HTMLParserTreeBuilder
from bs4.element import NavigableString, PreformattedString, Script, Stylesheet, Tag, TemplateString

from checker.errors import InputError
from checker.model import (
    DepartmentBlock,
    Fault,
    Heading,
    Link,
    LinkKind,
    Page,
    PageKind,
    Position,
    Problem,
    Span,
    Statement,
)
from checker.parse.action import file_number, two_digits
from checker.parse.links import is_read_more
from checker.parse.source import Source, decode_html, read_bytes

__all__ = ["parse_html", "parse_html_file"]

#: elements whose content a reader never sees as text
HIDDEN = frozenset({"script", "style", "template"})
#: how much of an element's text is read for a name, a title or a link's text
TEXT_LIMIT = 1000
#: the build's names for an action's page, saved as HTML
ACTION_PAGE_NAME = re.compile(r"^_action[0-9]+\.(?:html?|xhtml|shtml)$", re.IGNORECASE)
_ACTION_NUMBER = re.compile(r"\baction\s*([0-9]+)", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9]+")
_SPACES = re.compile(r"\s+")
#: characters a reader does not see: soft hyphen, zero-width space and joiners, word joiner, BOM
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
#: an HTML link's target, with the spaces a browser strips from it
_URL_SPACE = " \t\n\r\f"
#: elements whose text may be an action heading the build did not read (``#action 5 - Title``)
_TEXT_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p"})
_UNREAD_ACTION = re.compile(r"^#*\s*action\s*[0-9]+", re.IGNORECASE)
#: a department block in a comment, as the build writes it or as its source does
_COMMENTED_BLOCK = re.compile(r"""class\s*=\s*["']?department\b|\{div \.department\}|\{department\}""")
_DEPARTMENT = '<div class="department">'
_STATEMENT = '<div class="statement">'


# -- positions ------------------------------------------------------------------------------


class _Locator:
    """Offsets in the source <-> 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]

    def offset(self, line: int, column0: int) -> int:
        line = min(max(line, 1), len(self.starts))
        return min(self.starts[line - 1] + column0, len(self.text))

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return Position(line, offset - self.starts[line - 1] + 1)

    def span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(max(end, start)))

    def line_number(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


@dataclass
class _Record:
    """What the parser saw, by source offset, beside the tree BeautifulSoup builds."""

    locator: _Locator
    start_tags: dict[tuple[int, int], int] = field(default_factory=dict)  # (line, column0) -> length
    ends: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(tag) -> end tag start, end
    implicit: set[int] = field(default_factory=set)  # id(tag): closed by another element's end tag
    hidden: list[tuple[int, int]] = field(default_factory=list)  # comments, declarations, PIs

    def closed(self, popped: Sequence[Tag], line: int, column0: int) -> None:
        """``popped`` (innermost first) were closed by the end tag at ``line``, ``column0``."""
        if not popped:
            return  # an end tag that closes nothing: the parser ignores it
        at = self.locator.offset(line, column0)
        outer = popped[-1]
        if (outer.sourceline, outer.sourcepos) == (line, column0):  # a void or self-closed element
            self.ends[id(outer)] = (at, at + self.start_tags.get((line, column0), 0))
        else:
            end = self.locator.text.find(">", at)
            self.ends[id(outer)] = (at, end + 1 if end >= 0 else len(self.locator.text))
        for inner in popped[:-1]:
            self.ends[id(inner)] = (at, at)
            self.implicit.add(id(inner))

    def skipped(self, line: int, column0: int, data: str) -> None:
        """A comment, declaration or processing instruction at ``line``, ``column0``."""
        text = self.locator.text
        start = self.locator.offset(line, column0)
        inside = text.find(data, start) if data else start
        close = text.find(">", (inside if inside >= 0 else start) + len(data))
        self.hidden.append((start, close + 1 if close >= 0 else len(text)))


class _Recorder(BeautifulSoupHTMLParser):
    """BeautifulSoup's parser, recording where start tags, end tags and comments are."""

    record: _Record

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]], handle_empty_element: bool = True
    ) -> None:
        self.record.start_tags[self.getpos()] = len(self.get_starttag_text() or "")
        super().handle_starttag(tag, attrs, handle_empty_element)

    def handle_endtag(self, tag: str, check_already_closed: bool = True) -> None:
        line, column0 = self.getpos()
        before = self.soup.currentTag
        super().handle_endtag(tag, check_already_closed)
        after = self.soup.currentTag
        popped: list[Tag] = []
        node: Tag | None = before
        while node is not None and node is not after:
            popped.append(node)
            node = node.parent
        if node is after:
            self.record.closed(popped, line, column0)

    def handle_comment(self, data: str) -> None:
        self.record.skipped(*self.getpos(), data)
        super().handle_comment(data)

    def handle_decl(self, decl: str) -> None:
        self.record.skipped(*self.getpos(), decl)
        super().handle_decl(decl)

    def unknown_decl(self, data: str) -> None:
        self.record.skipped(*self.getpos(), data)
        super().unknown_decl(data)

    def handle_pi(self, data: str) -> None:
        self.record.skipped(*self.getpos(), data)
        super().handle_pi(data)


#: whether the parser is made with the soup (4.13) or given it after (4.12)
_PARSER_TAKES_SOUP = "soup" in inspect.signature(BeautifulSoupHTMLParser.__init__).parameters


class _Builder(HTMLParserTreeBuilder):
    """The ``html.parser`` tree builder, with ``_Recorder`` as its parser."""

    def __init__(self, record: _Record, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record = record

    def feed(self, markup: Any, _parser_class: type[BeautifulSoupHTMLParser] = _Recorder) -> None:
        args, kwargs = self.parser_args
        assert self.soup is not None  # BeautifulSoup sets it before it feeds the builder
        if _PARSER_TAKES_SOUP:  # beautifulsoup4 4.13 and later
            parser = _Recorder(self.soup, *args, **kwargs)
        else:
            parser = _Recorder(*args, **kwargs)
            parser.soup = self.soup
        parser.record = self.record
        try:
            parser.feed(markup)
            parser.close()
        except AssertionError as error:  # html.parser's way of giving up on a declaration
            raise ParserRejectedMarkup(error) from None
        parser.already_closed_empty_element = []


def _soup(source: Source, record: _Record) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            return BeautifulSoup(source.text, builder=_Builder(record))
        except ParserRejectedMarkup as error:
            raise InputError(source.path, f"cannot be read as HTML: {error}") from None


# -- the document, with positions ---------------------------------------------------------------


def _has_class(tag: Tag, name: str) -> bool:
    return name in _classes(tag)


def _classes(tag: Tag) -> tuple[str, ...]:
    value = tag.get("class")
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value)


def _attribute(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else " ".join(value)


def _is_department(tag: Tag | None) -> bool:
    return tag is not None and tag.name == "div" and _has_class(tag, "department")


def _is_statement(tag: Tag | None) -> bool:
    return tag is not None and tag.name == "div" and _has_class(tag, "statement")


def _is_text(node: object) -> bool:
    """A text node a reader sees: not a comment, declaration, script or style."""
    return isinstance(node, NavigableString) and not isinstance(
        node, PreformattedString | Script | Stylesheet | TemplateString
    )


def _visible_strings(tag: Tag) -> Iterator[str]:
    """The text a reader sees in ``tag``, with each ``<br>`` as a space, in document order.

    A walk of its own: ``Tag.descendants`` first looks for the last descendant, which costs as
    much as the whole element however little of it is read.
    """
    stack = list(reversed(tag.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name == "br":
                yield " "
            elif node.name not in HIDDEN and not _is_department(node):  # a block is not a name's text
                yield ""
                stack.extend(reversed(node.contents))
        elif _is_text(node):
            yield str(node)


def shown_text(tag: Tag, limit: int = TEXT_LIMIT) -> str:
    """``Attorney <br> General&#39;s`` -> ``Attorney General's``: as a reader sees it, one space.

    At most about ``limit`` characters, read from at most ``2 * limit`` elements: the text of an
    element holds that of every element inside it, which hostile nesting makes quadratic.
    """
    parts: list[str] = []
    size = 0
    for count, part in enumerate(_visible_strings(tag)):
        parts.append(part)
        size += len(part)
        if size > limit or count > 2 * limit:
            break
    return _SPACES.sub(" ", _INVISIBLE.sub("", "".join(parts)[:limit])).strip()


def _own_text(tag: Tag) -> str:
    """The text written directly in ``tag``, not in the elements inside it."""
    return _SPACES.sub(" ", "".join(str(node) for node in tag.children if _is_text(node))).strip()


class _Document:
    """The parsed page: the tree, where each element is, and which block each element is in."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.locator = _Locator(source.text)
        self.record = _Record(self.locator)
        self.soup = _soup(source, self.record)
        self.tags: list[Tag] = [node for node in self.soup.descendants if isinstance(node, Tag)]
        # nearest enclosing department, statement and hidden element of each tag (not itself)
        self.department_of: dict[int, Tag | None] = {}
        self.statement_of: dict[int, Tag | None] = {}
        self.is_hidden: set[int] = set()
        for tag in self.tags:
            parent = tag.parent
            key = id(parent)
            self.department_of[id(tag)] = parent if _is_department(parent) else self.department_of.get(key)
            self.statement_of[id(tag)] = parent if _is_statement(parent) else self.statement_of.get(key)
            if key in self.is_hidden or (parent is not None and parent.name in HIDDEN):
                self.is_hidden.add(id(tag))
        hidden = [(self.start(tag), self.end(tag)) for tag in self.tags if tag.name in HIDDEN]
        self.hidden = _merge([*self.record.hidden, *hidden])

    # where an element is
    def start(self, tag: Tag) -> int:
        if tag.sourceline is None or tag.sourcepos is None:
            return 0
        return self.locator.offset(tag.sourceline, tag.sourcepos)

    def start_tag_end(self, tag: Tag) -> int:
        if tag.sourceline is None or tag.sourcepos is None:
            return 0
        return self.start(tag) + self.record.start_tags.get((tag.sourceline, tag.sourcepos), 0)

    def end_tag_start(self, tag: Tag) -> int:
        """Where the element's content ends: its end tag, or where it was closed without one."""
        ends = self.record.ends.get(id(tag))
        return ends[0] if ends else len(self.text)

    def end(self, tag: Tag) -> int:
        ends = self.record.ends.get(id(tag))
        return ends[1] if ends else len(self.text)

    def is_closed(self, tag: Tag) -> bool:
        """Whether the element has its own end tag (or needs none)."""
        return id(tag) in self.record.ends and id(tag) not in self.record.implicit

    def span(self, tag: Tag) -> Span:
        """Start tag to end tag; an element with no end tag ends at its last character."""
        end = self.end(tag)
        if not self.is_closed(tag):
            end = max(len(self.text[:end].rstrip()), self.start_tag_end(tag))
        return self.locator.span(self.start(tag), end)

    def tag_span(self, tag: Tag) -> Span:
        return self.locator.span(self.start(tag), self.start_tag_end(tag))

    def tag_ranges(self, tags: Iterable[Tag]) -> list[tuple[int, int]]:
        """Where the start and end tags of ``tags`` are written."""
        ranges: list[tuple[int, int]] = []
        for tag in tags:
            ranges.append((self.start(tag), self.start_tag_end(tag)))
            if self.is_closed(tag):
                ranges.append((self.end_tag_start(tag), self.end(tag)))
        return ranges

    def start_tag_text(self, tag: Tag) -> str:
        return _SPACES.sub(" ", self.text[self.start(tag) : self.start_tag_end(tag)])

    def describe(self, tag: Tag) -> str:
        return f"{self.start_tag_text(tag)} (line {self.locator.line_number(self.start(tag))})"


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _segments(start: int, end: int, holes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` outside ``holes`` (sorted, not overlapping)."""
    parts: list[tuple[int, int]] = []
    at = start
    first = max(bisect.bisect_right(holes, (start, start)) - 1, 0)
    for low, high in holes[first:]:
        if low >= end:
            break
        if high <= at:
            continue
        if low > at:
            parts.append((at, low))
        at = max(at, high)
    if at < end:
        parts.append((at, end))
    return parts


def _pieces(doc: _Document, segments: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    """Each segment cut at line ends: (line number, 0-based column, text)."""
    text, starts = doc.text, doc.locator.starts
    for start, end in segments:
        at = start
        line = doc.locator.line_number(start)
        while at < end:
            stop = text.find("\n", at, end)
            stop = end if stop < 0 else stop
            if stop > at:
                yield line, at - starts[line - 1], text[at:stop]
            at, line = stop + 1, line + 1


def _extents(doc: _Document, segments: Iterable[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Per line, the 0-based columns of its first and (just past) its last non-space character."""
    extents: dict[int, tuple[int, int]] = {}
    for line, column, piece in _pieces(doc, segments):
        if not piece.strip():
            continue
        first = column + len(piece) - len(piece.lstrip())
        last = column + len(piece.rstrip())
        if line in extents:
            first, last = min(first, extents[line][0]), max(last, extents[line][1])
        extents[line] = (first, last)
    return extents


# -- the page -----------------------------------------------------------------------------------


@dataclass
class _Block:
    tag: Tag
    headings: list[Tag] = field(default_factory=list)
    statements: list[Tag] = field(default_factory=list)
    holds_block: bool = False  # a department block opens inside this one


class _Reader:
    def __init__(self, doc: _Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        #: how many characters the statements' lines may hold in all: each is a whole source line, the
        #: rest blanked, and statements that share a line (minified HTML) each hold all of it before them
        self.budget = 8 * len(doc.text) + 2**26

    def problem(self, fault: Fault, tag: Tag, message: str, fix: str | None = None) -> None:
        self.problems.append(Problem(fault, message, self.doc.tag_span(tag), fix))

    # links
    def links(self) -> list[Link]:
        doc = self.doc
        links: list[Link] = []
        for tag in doc.tags:
            if id(tag) in doc.is_hidden or tag.name not in ("a", "img"):
                continue
            if tag.name == "a" and (href := _attribute(tag, "href")) is not None:
                text = shown_text(tag)
                url = href.strip(_URL_SPACE)
                links.append(Link(text, url, LinkKind.HTML, doc.tag_span(tag), is_read_more(text)))
            elif tag.name == "img" and (src := _attribute(tag, "src")) is not None:
                alt = _SPACES.sub(" ", _attribute(tag, "alt") or "").strip()
                links.append(Link(alt, src.strip(_URL_SPACE), LinkKind.IMAGE, doc.tag_span(tag), False))
        return links

    # department blocks
    def blocks(self) -> list[_Block]:
        doc = self.doc
        blocks = {
            id(tag): _Block(tag) for tag in doc.tags if _is_department(tag) and id(tag) not in doc.is_hidden
        }
        for tag in doc.tags:
            if id(tag) in doc.is_hidden:
                continue
            owner = doc.department_of[id(tag)]
            block = blocks.get(id(owner)) if owner is not None else None
            if _is_department(tag) and block is not None:
                block.holds_block = True
                self.problem(
                    Fault.NESTED,
                    tag,
                    f"a department block opens inside another one, {doc.describe(block.tag)}",
                    "close the earlier block with </div> before this one ({/div} in the page's source)",
                )
            elif _is_statement(tag):
                self._statement(tag, block)
            elif tag.name == "h2":
                self._heading(tag, block)
        return list(blocks.values())

    def _inside_own_statement(self, tag: Tag, block: _Block) -> bool:
        statement = self.doc.statement_of[id(tag)]
        return statement is not None and self.doc.department_of[id(statement)] is block.tag

    def _statement(self, tag: Tag, block: _Block | None) -> None:
        if block is None:
            self.problem(
                Fault.OUTSIDE_BLOCK,
                tag,
                "a statement outside any department block",
                f"put it inside a {_DEPARTMENT} block ({{div .department}} in the page's source)",
            )
        elif self._inside_own_statement(tag, block):
            self.problem(
                Fault.NESTED, tag, "a statement inside another statement", "close the first one with </div>"
            )
        else:
            block.statements.append(tag)

    def _heading(self, tag: Tag, block: _Block | None) -> None:
        if block is None:
            logo = any(
                isinstance(child, Tag) and _has_class(child, "organisation-logo") for child in tag.contents
            )
            if logo or any(name.startswith("logo-") for name in _classes(tag)):
                self.problem(
                    Fault.OUTSIDE_BLOCK,
                    tag,
                    "a department heading outside any department block",
                    f"put it in a {_DEPARTMENT} block ({{div .department}} in the page's source)",
                )
        elif self._inside_own_statement(tag, block):
            self.problem(
                Fault.NESTED,
                tag,
                "an <h2> heading inside a statement",
                "close the statement before the heading",
            )
        else:
            block.headings.append(tag)

    def department(self, block: _Block, links: Sequence[Link], offsets: Sequence[int]) -> DepartmentBlock:
        doc = self.doc
        tag = block.tag
        heading = block.headings[0] if block.headings else None
        statement = block.statements[0] if block.statements else None
        first_line = doc.locator.line_number(doc.start(heading)) if heading is not None else 0
        for extra in block.headings[1:]:
            self.problem(
                Fault.DUPLICATE,
                extra,
                f"a second heading in the department block headed at line {first_line}",
                "each department needs its own department block",
            )
        for extra in block.statements[1:]:
            self.problem(
                Fault.DUPLICATE,
                extra,
                f"a second statement in the department block that opens at line "
                f"{doc.locator.line_number(doc.start(tag))}",
                "merge the two statements into one",
            )
        if heading is None:
            self.problem(
                Fault.INCOMPLETE,
                tag,
                "a department block with no <h2> heading",
                "add the department's name as its <h2> (##Name in the page's source)",
            )
        if statement is None:
            self.problem(
                Fault.INCOMPLETE,
                tag,
                f"a department block with no {_STATEMENT}",
                "add the statement block ({div .statement} in the page's source)",
            )
        if heading is not None and statement is not None and doc.start(statement) < doc.start(heading):
            self.problem(
                Fault.ORDER,
                statement,
                "the statement comes before the department's <h2> heading",
                "put the heading first",
            )
        for element in (tag, statement):
            if (
                element is not None
                and not doc.is_closed(element)
                and not (element is tag and block.holds_block)
            ):
                self._unclosed(element)
        self._stray_text(block)
        return DepartmentBlock(
            doc.span(tag),
            self._heading_of(heading) if heading is not None else None,
            self._statement_of(statement, links, offsets) if statement is not None else None,
        )

    def _unclosed(
        self, tag: Tag, fix: str = "add </div> where the block ends ({/div} in the page's source)"
    ) -> None:
        doc = self.doc
        closer = doc.end_tag_start(tag)
        where = (
            "is never closed"
            if closer >= len(doc.text)
            else f"is not closed before line {doc.locator.line_number(closer)}"
        )
        self.problem(Fault.UNCLOSED, tag, f"{doc.start_tag_text(tag)} {where}", fix)

    def _heading_of(self, tag: Tag) -> Heading:
        doc = self.doc
        raw = doc.text[doc.start_tag_end(tag) : doc.end_tag_start(tag)].strip()
        return Heading(raw, shown_text(tag), doc.span(tag), _classes(tag), _attribute(tag, "id"), None)

    def _own(self, root: Tag, stop: Callable[[Tag], bool]) -> tuple[list[Tag], list[Tag]]:
        """The elements inside ``root``, not looking inside those ``stop`` says (returned apart)."""
        own: list[Tag] = []
        stopped: list[Tag] = []
        stack = [node for node in reversed(root.contents) if isinstance(node, Tag)]
        while stack:
            node = stack.pop()
            if stop(node):
                stopped.append(node)
            elif node.name not in HIDDEN:
                own.append(node)
                stack.extend(child for child in reversed(node.contents) if isinstance(child, Tag))
        return own, stopped

    def _holes(self, start: int, end: int, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """``ranges`` and the hidden parts of the page (comments, scripts...) in ``[start, end)``."""
        hidden = self.doc.hidden
        first = max(bisect.bisect_right(hidden, (start, start)) - 1, 0)
        last = bisect.bisect_left(hidden, (end, end))
        return _merge([*hidden[first:last], *ranges])

    def _statement_of(self, tag: Tag, links: Sequence[Link], offsets: Sequence[int]) -> Statement:
        """The statement: its lines (all but what it shows blanked), its text, its links."""
        doc = self.doc
        start, end = doc.start_tag_end(tag), doc.end_tag_start(tag)
        own, blocks = self._own(tag, _is_department)  # a block inside a statement is not its text
        nested = [(doc.start(block), doc.end(block)) for block in blocks]
        shown = _segments(start, end, self._holes(start, end, nested))
        words = _extents(doc, _segments(start, end, self._holes(start, end, [*nested, *doc.tag_ranges(own)])))
        inside = [
            links[index]
            for low, high in shown
            for index in range(bisect.bisect_left(offsets, low), bisect.bisect_left(offsets, high))
        ]
        pieces: dict[int, list[tuple[int, str]]] = {}
        for number, column, piece in _pieces(doc, shown):
            pieces.setdefault(number, []).append((column, piece))
        wanted = sorted((set(words) | {link.line for link in inside}) & set(pieces))
        self.budget -= sum(pieces[number][-1][0] + len(pieces[number][-1][1]) for number in wanted)
        if self.budget < 0:
            raise InputError(
                doc.source.path,
                "has too many statements on too long lines to read (is it minified?); "
                "put a line break between its elements",
            )
        lines: list[tuple[int, str]] = []
        for number in wanted:
            parts: list[str] = []
            width = 0
            for column, piece in pieces[number]:
                parts += (" " * (column - width), piece)
                width = column + len(piece)
            row = "".join(parts)
            if row.strip():
                lines.append((number, row.rstrip()))
        text_span = None
        if lines:
            (first, first_line), (last, last_line) = lines[0], lines[-1]
            indent = len(first_line) - len(first_line.lstrip())
            text_span = Span.of(first, indent + 1, last, len(last_line) + 1)
        return Statement(doc.span(tag), text_span, tuple(lines), tuple(inside))

    def _stray_text(self, block: _Block) -> None:
        """Text a reader sees in the block outside its headings and statements: one problem a line."""
        doc = self.doc
        tag = block.tag
        start, end = doc.start_tag_end(tag), doc.end_tag_start(tag)
        own, apart = self._own(
            tag, lambda node: node.name == "h2" or _is_statement(node) or _is_department(node)
        )
        ranges = [(doc.start(node), doc.end(node)) for node in apart]
        holes = self._holes(start, end, [*ranges, *doc.tag_ranges(own)])
        for number, (first, last) in sorted(_extents(doc, _segments(start, end, holes)).items()):
            self.problems.append(
                Problem(
                    Fault.STRAY_TEXT,
                    "text in a department block outside its statement",
                    Span.of(number, first + 1, number, last + 1),
                    f"move it inside the {_STATEMENT} ({{div .statement}} in the page's source)",
                )
            )

    # the action header
    def action(self, path: str, blocks: Sequence[_Block]) -> tuple[int | None, str | None, Span | None]:
        doc = self.doc
        headers = [
            tag for tag in doc.tags if _has_class(tag, "action-header") and id(tag) not in doc.is_hidden
        ]
        if not headers:
            self._no_header()
            return None, None, None
        header = headers[0]
        first_line = doc.locator.line_number(doc.start(header))
        for extra in headers[1:]:
            self.problem(
                Fault.DUPLICATE, extra, f"a second action header (the first is at line {first_line})"
            )
        heading = header.find("h1")
        said = shown_text(heading if isinstance(heading, Tag) else header)
        match = _ACTION_NUMBER.search(said) or _NUMBER.search(said)
        written = match.group(match.re.groups) if match else None
        paragraph = header.find("p")
        title = (shown_text(paragraph) if isinstance(paragraph, Tag) else "") or None
        span = doc.span(header)
        if written is None:
            self.problem(
                Fault.ACTION_HEADING,
                header,
                "the action header has no action number",
                'the page\'s source needs "#Action NN: Title"',
            )
        if title is None:
            self.problem(
                Fault.ACTION_HEADING,
                header,
                "the action header has no title",
                'the page\'s source needs "#Action NN: Title"',
            )
        number = int(written) if written is not None else None
        in_name = file_number(path)
        if number is not None and written is not None and in_name is not None and in_name != number:
            right = two_digits(in_name)
            self.problems.append(
                Problem(
                    Fault.ACTION_MISMATCH,
                    f"the action header says Action {written} but the file {PurePath(path).name} "
                    f"is action {right}",
                    span,
                    f'write "#Action {right}: {title or "Title"}" in the page\'s source, or rename the file '
                    f"if {written} is the right number",
                )
            )
        return number, title, span

    def _no_header(self) -> None:
        """No action header: where the heading the build did not read is, else where the page starts."""
        doc = self.doc
        near = next(
            (
                tag
                for tag in doc.tags
                if tag.name in _TEXT_BLOCKS
                and id(tag) not in doc.is_hidden
                and _UNREAD_ACTION.match(_own_text(tag))
            ),
            None,
        )
        needed = 'the build makes it from a "#Action NN: Title" heading'
        if near is not None:
            message = (
                f'no action header on this department-response page: {needed}, and "{shown_text(near)}" '
                "is not one"
            )
            fix = 'write the heading as "#Action NN: Title" (one #, two digits, ": ") in the page\'s source'
        else:
            message = f"no action header (.action-header) on a department-response page: {needed}"
            fix = 'add "#Action NN: Title" below the {{DEPARTMENTRESPONSE}} marker in the page\'s source'
        start = (
            near
            or self.first_of(lambda tag: _has_class(tag, "section"))
            or self.first_of(lambda tag: tag.name == "body")
        )
        span = doc.tag_span(start) if start is not None else Span.of(1, 1, 1, 1)
        self.problems.append(Problem(Fault.ACTION_HEADING, message, span, fix))

    def first_of(self, wanted: Callable[[Tag], bool]) -> Tag | None:
        return next((tag for tag in self.doc.tags if id(tag) not in self.doc.is_hidden and wanted(tag)), None)

    def no_departments(self, title_span: Span | None) -> None:
        doc = self.doc
        section = self.first_of(lambda tag: _has_class(tag, "section"))
        if section is not None:
            span = doc.tag_span(section)
        elif title_span is not None:
            span = title_span
        else:
            span = Span.of(1, 1, 1, 1)
        hidden = next(
            (
                start + match.start() - start
                for start, end in doc.record.hidden
                if (match := _COMMENTED_BLOCK.search(doc.text, start, end))
            ),
            None,
        )
        if hidden is not None:
            message = (
                "no department blocks on this department-response page: the department blocks (from line "
                f"{doc.locator.line_number(hidden)}) are inside an HTML comment, which the build leaves out"
            )
            fix = "remove the <!-- and --> around the department blocks"
        else:
            message = (
                "no department blocks on this department-response page, "
                "so the published page has no responses"
            )
            fix = f"add a {_DEPARTMENT} block for each department ({{div .department}} in the page's source)"
        self.problems.append(Problem(Fault.NO_DEPARTMENTS, message, span, fix))

    def unclosed_holders(self, blocks: Sequence[_Block]) -> None:
        """A ``div`` around department blocks that is never closed: a ``</div>`` is missing inside it."""
        doc = self.doc
        holders: dict[int, Tag] = {}
        seen: set[int] = set()
        for block in blocks:
            for parent in block.tag.parents:
                if id(parent) in seen:
                    break  # and so are its ancestors: each element is looked at once
                seen.add(id(parent))
                if parent.name == "div" and not _is_department(parent) and not doc.is_closed(parent):
                    holders[id(parent)] = parent
        for tag in holders.values():
            self._unclosed(
                tag,
                "a </div> is missing inside it: check that each department block and statement is closed "
                "({/div} in the page's source)",
            )


def is_action_page_name(path: str) -> bool:
    return bool(ACTION_PAGE_NAME.match(PurePath(path).name))


def parse_html(source: Source) -> Page:
    """Parse one HTML page. Never raises on content: a page of the wrong shape has ``Page.problems``."""
    lines = source.lines
    if not source.text.strip():
        if not is_action_page_name(source.path):
            return Page(source.path, PageKind.OTHER, None, None, None, (), (), (), lines)
        empty = Problem(
            Fault.NO_DEPARTMENTS,
            "the department-response page is empty, so the published page has no responses",
            Span.of(1, 1, 1, 1),
            "build the page again from its source",
        )
        return Page(source.path, PageKind.DEPARTMENT_RESPONSE, None, None, None, (), (), (empty,), lines)
    doc = _Document(source)
    reader = _Reader(doc)
    links = reader.links()
    blocks = reader.blocks()
    has_header = any(_has_class(tag, "action-header") for tag in doc.tags if id(tag) not in doc.is_hidden)
    if not (blocks or has_header or is_action_page_name(source.path)):
        return Page(source.path, PageKind.OTHER, None, None, None, (), tuple(links), (), lines)
    number, title, title_span = reader.action(source.path, blocks)
    offsets = [doc.locator.offset(link.line, link.column - 1) for link in links]  # in source order
    departments = tuple(reader.department(block, links, offsets) for block in blocks)
    reader.unclosed_holders(blocks)
    if not blocks:
        reader.no_departments(title_span)
    problems = tuple(sorted(reader.problems, key=lambda problem: problem.span))
    return Page(
        source.path,
        PageKind.DEPARTMENT_RESPONSE,
        number,
        title,
        title_span,
        departments,
        tuple(links),
        problems,
        lines,
    )


def parse_html_file(path: str) -> Page:
    """Read and parse one HTML page. Raises ``InputError`` for a file that cannot be read."""
    return parse_html(decode_html(path, read_bytes(path)))
