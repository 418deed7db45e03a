"""Helpers for the cross-page kinds: the run's pages read as one publication.

- The *action pages* are the department-response pages; each department's *responses* are its
  blocks on them, keyed by its registry name (or, for a name the registry does not know, the
  name as written, compared loosely).
- The *index* (``_index.md`` by convention) lists each department's digital strategy, one list
  item each: ``- [Home Office Digital Strategy](http://...)``, or plain text for a department
  with no strategy yet (``- Department for Communities and Local Government Digital Strategy
  (Awaiting DCLG confirmation)``).
- The *strategy chapter* defines each action as ``####Action NN: title``; by convention it is
  any page that is not an action page and holds such headings.

Both are found among the run's pages, by a file-name pattern a rule's options may change; when
one is not among them, the rules that need it say nothing (checking a single page is quiet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from checker.engine.api import Context
from checker.model import DepartmentBlock, Link, Page, PageKind, Span
from checker.model.registry import Registry
from checker.text import heading_text, name_key, plain_typography

#: the strategy chapter's action heading: ``####Action 07: Corporate publishing ...``
CHAPTER_ACTION = re.compile(
    r"^#{2,6}[ \t]*Action[ \t]+(?P<number>[0-9]{1,3})[ \t]*:[ \t]*(?P<title>\S.*?)[ \t#]*$"
)
#: a Markdown list item: ``- text``, ``* text``, ``+ text``, ``1. text``
LIST_ITEM = re.compile(r"^[ \t]{0,3}(?:[-*+]|[0-9]{1,9}[.)])[ \t]+(?P<text>\S.*?)[ \t]*$")
#: what follows a department's name in an index item: `` Digital Strategy``, a note in brackets
_NAME_TAIL = re.compile(
    r"(?:\s*\([^()]*\))+\s*$|\s*[-:,]?\s*(?:(?:its|our)\s+)?digital\s+strategy\s*$", re.IGNORECASE
)
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"


@dataclass(frozen=True)
class IndexEntry:
    """One department's item in the index."""

    name: str  # the department's name as the item gives it, without "Digital Strategy" and notes
    url: str | None  # the item's link; None for a plain item (no strategy published)
    span: Span  # the link, or the item's text


@dataclass(frozen=True)
class ChapterAction:
    """One ``####Action NN: title`` heading of the strategy chapter."""

    number: int
    title: str
    span: Span  # the heading line


@dataclass(frozen=True)
class Response:
    """One department's block on one action page."""

    page: Page
    block: DepartmentBlock
    key: str  # the department: its registry name, or the loose key of an unknown name
    name: str  # the heading as the reader sees it on this page

    @property
    def heading_span(self) -> Span:
        return self.block.heading.span if self.block.heading else self.block.span


def visible_lines(page: Page) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each source line outside ``<!-- ... -->`` comments."""
    in_comment = False
    for number, text in enumerate(page.lines, start=1):
        if not in_comment and _COMMENT_OPEN not in text:  # the usual line: all of it is shown
            if text.strip():
                yield number, text
            continue
        rest = text
        shown = ""
        while rest:
            if in_comment:
                end = rest.find(_COMMENT_CLOSE)
                if end < 0:
                    rest = ""
                else:
                    rest, in_comment = rest[end + len(_COMMENT_CLOSE) :], False
            else:
                start = rest.find(_COMMENT_OPEN)
                if start < 0:
                    shown, rest = shown + rest, ""
                else:
                    shown, rest, in_comment = shown + rest[:start], rest[start + len(_COMMENT_OPEN) :], True
        if shown.strip():
            yield number, shown


def matches(page: Page, pattern: str) -> bool:
    """Whether the page's path ends with ``pattern`` (a glob, matched from the right: ``_index.md``,
    ``departmentactions/_index.md``, ``*-actions-and-themes.md``)."""
    return bool(pattern) and PurePath(page.path.replace("\\", "/")).match(pattern)


def action_pages(pages: Sequence[Page]) -> list[Page]:
    return [page for page in pages if page.kind is PageKind.DEPARTMENT_RESPONSE]


def find_index(pages: Sequence[Page], pattern: str) -> Page | None:
    """The index: the first page (by path) named by ``pattern`` that is not an action page."""
    found = sorted(
        (page for page in pages if page.kind is not PageKind.DEPARTMENT_RESPONSE and matches(page, pattern)),
        key=lambda page: page.path,
    )
    return found[0] if found else None


def find_chapter(pages: Sequence[Page], pattern: str) -> Page | None:
    """The strategy chapter: the first page (by path) named by ``pattern``, or with ``pattern``
    empty, the first page that is not an action page and holds ``####Action NN:`` headings."""
    candidates = sorted(
        (page for page in pages if page.kind is not PageKind.DEPARTMENT_RESPONSE),
        key=lambda page: page.path,
    )
    for page in candidates:
        if matches(page, pattern) if pattern else chapter_actions(page):
            return page
    return None


def chapter_actions(page: Page) -> tuple[ChapterAction, ...]:
    """The chapter's ``####Action NN: title`` headings, in source order."""
    found: list[ChapterAction] = []
    for number, text in visible_lines(page):
        match = CHAPTER_ACTION.match(text.strip())
        if match:
            indent = len(text) - len(text.lstrip())
            span = Span.of(number, indent + 1, number, len(text.rstrip()) + 1)
            found.append(ChapterAction(int(match["number"]), match["title"], span))
    return tuple(found)


def entry_name(text: str) -> str:
    """``Home Office Digital Strategy (Awaiting confirmation)`` -> ``Home Office``."""
    name = heading_text(text)
    while (shorter := _NAME_TAIL.sub("", name)) != name:
        name = shorter
    return name.strip() or heading_text(text)


def index_entries(page: Page) -> tuple[IndexEntry, ...]:
    """The index's list items, each with its department's name and its link (if any)."""
    by_line: dict[int, list[Link]] = {}
    for link in page.links:
        by_line.setdefault(link.line, []).append(link)
    entries: list[IndexEntry] = []
    for number, text in visible_lines(page):
        match = LIST_ITEM.match(text)
        if not match:
            continue
        links = [link for link in by_line.get(number, ()) if link.url]
        if links:
            link = links[0]
            entries.append(IndexEntry(entry_name(link.text or match["text"]), link.url, link.span))
        else:
            start = match.start("text") + 1
            span = Span.of(number, start, number, match.end("text") + 1)
            entries.append(IndexEntry(entry_name(match["text"]), None, span))
    return tuple(entries)


def list_span(page: Page) -> Span:
    """From the index's first list item to the end of its last one (line 1 when it has none)."""
    items = [(number, text) for number, text in visible_lines(page) if LIST_ITEM.match(text)]
    if not items:
        first = page.lines[0] if page.lines else ""
        return Span.line(1, first)
    (first_line, first_text), (last_line, last_text) = items[0], items[-1]
    indent = len(first_text) - len(first_text.lstrip())
    return Span.of(first_line, indent + 1, last_line, len(last_text.rstrip()) + 1)


def department_key(registry: Registry | Context, name: str) -> str:
    """The department a name stands for: its registry name, else the name compared loosely.

    Given the run's ``Context``, each distinct name is looked up once per run.
    """
    known = registry.lookup(name)
    return known.name if known else f"?{name_key(name)}"


def responses(pages: Sequence[Page], registry: Registry | Context) -> list[Response]:
    """Every department block with a heading on the action pages, in page order (by path)."""
    found: list[Response] = []
    keys: dict[str, str] = {}  # a publication repeats its department names
    for page in sorted(action_pages(pages), key=action_order):
        for block in page.departments:
            if block.heading is not None and block.heading.name:
                name = block.heading.name
                key = keys.get(name)
                if key is None:
                    key = keys[name] = department_key(registry, name)
                found.append(Response(page, block, key, name))
    return found


def all_responses(context: Context) -> tuple[Response, ...]:
    """``responses`` of all the run's pages, worked out once per run and shared by the rules."""
    return context.shared(all_responses, lambda: tuple(responses(context.pages, context)))


def by_department(answered: Iterable[Response]) -> dict[str, list[Response]]:
    """The responses of each department (by key), in order; the departments in order of first answer."""
    grouped: dict[str, list[Response]] = {}
    for response in answered:
        grouped.setdefault(response.key, []).append(response)
    return grouped


def read_more_links(response: Response) -> list[Link]:
    """The response's "Read more" links that have a URL."""
    statement = response.block.statement
    return [link for link in statement.links if link.is_read_more and link.url] if statement else []


def action_order(page: Page) -> tuple[int, str]:
    """Action pages by action number, then path (pages with no number last)."""
    return (page.action_number if page.action_number is not None else 10**6, page.path)


def action_label(page: Page) -> str:
    """``action 05``, or the page's file name when its heading gives no number."""
    if page.action_number is not None:
        return f"action {page.action_number:02d}"
    return PurePath(page.path).name


def title_span(page: Page) -> Span:
    """The page's ``#Action`` heading, or its first line."""
    if page.title_span is not None:
        return page.title_span
    return Span.line(1, page.lines[0] if page.lines else "")


def plain(text: str) -> str:
    """Text as a reader sees it, for comparing: entities decoded, typography plain, spaces collapsed."""
    return " ".join(plain_typography(heading_text(text)).split())
