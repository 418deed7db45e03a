"""Markdown source -> page model (``checker.model.Page``)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from checker.model import DepartmentBlock, Fault, Link, Page, PageKind, Problem, Span, Statement
from checker.parse.lines import COMMENT_CLOSE, COMMENT_OPEN, Kind, Line, classify
from checker.parse.links import extract_links
from checker.parse.source import Source, read_source
from checker.parse.structure import StructureScanner

__all__ = ["parse_file", "parse_source"]

#: line kinds the pre-processor consumes; blanked out before Markdown sees the page
_PREPROCESSOR = frozenset({Kind.MARKER, Kind.OPEN, Kind.CLOSE, Kind.IAL, Kind.DIRECTIVE})


def _classified(lines: Sequence[str]) -> Iterator[Line]:
    """Classify each line; lines inside HTML comments are left out."""
    in_comment = False
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if in_comment:
            in_comment = COMMENT_CLOSE not in stripped
            continue
        if stripped.startswith(COMMENT_OPEN):
            in_comment = COMMENT_CLOSE not in stripped[len(COMMENT_OPEN) :]
            continue
        yield classify(number, text)


def _action(lines: Sequence[Line], problems: list[Problem]) -> tuple[int | None, str | None, Span | None]:
    actions = [line for line in lines if line.kind is Kind.ACTION]
    if not actions:
        first = next((line for line in lines if line.kind is not Kind.BLANK), None)
        span = Span.line(first.number, first.text) if first else Span.of(1, 1, 1, 1)
        problems.append(
            Problem(
                Fault.ACTION_HEADING,
                "no #Action NN: heading on a department-response page",
                span,
                "add #Action NN: title",
            )
        )
        return None, None, None
    action = actions[0]
    span = Span.of(action.number, action.column, action.number, len(action.text.rstrip()) + 1)
    for extra in actions[1:]:
        problems.append(
            Problem(
                Fault.DUPLICATE,
                f"a second action heading (the first is at line {action.number})",
                Span.line(extra.number, extra.text),
            )
        )
    if len(action.number_text) != 2:
        problems.append(
            Problem(
                Fault.ACTION_HEADING,
                f"action number {action.number_text!r} should be two digits",
                span,
                f"write #Action {int(action.number_text):02d}:",
            )
        )
    if not action.value:
        problems.append(
            Problem(
                Fault.ACTION_HEADING,
                "the action heading has no title",
                span,
                "add the action's title after the colon",
            )
        )
    return int(action.number_text), action.value or None, span


def _with_links(block: DepartmentBlock, links: Sequence[Link]) -> DepartmentBlock:
    """The block with its statement's links; ``links`` sorted by position."""
    statement = block.statement
    if statement is None:
        return block
    first = bisect.bisect_left(links, statement.span.start, key=lambda link: link.span.start)
    last = bisect.bisect_left(links, statement.span.end, key=lambda link: link.span.start)
    inside = tuple(links[first:last])
    return DepartmentBlock(
        block.span,
        block.heading,
        Statement(statement.text, statement.span, statement.text_span, statement.lines, inside),
        block.detached_ial,
    )


def parse_source(source: Source) -> Page:
    """Parse one page. Never raises on content: malformed structure becomes ``Page.problems``."""
    lines = source.lines
    classified = list(_classified(lines))
    markdown = list(lines)
    for line in classified:
        if line.kind in _PREPROCESSOR:
            markdown[line.number - 1] = ""
    hidden = {line.number for line in classified}
    for number in range(1, len(lines) + 1):
        if number not in hidden:  # HTML comments: no links in there
            markdown[number - 1] = ""
    links = extract_links("\n".join(markdown), lines)

    is_response = any(line.kind is Kind.MARKER for line in classified)
    has_blocks = any(line.kind is Kind.OPEN and "department" in line.classes for line in classified)
    if not (is_response or has_blocks):
        return Page(source.path, PageKind.OTHER, None, None, None, (), tuple(links), (), lines)

    problems: list[Problem] = []
    if not is_response:
        first = classified[0]
        problems.append(
            Problem(
                Fault.MARKER,
                "department blocks on a page without the {{DEPARTMENTRESPONSE}} marker",
                Span.line(first.number, first.text),
                "add {{DEPARTMENTRESPONSE}} as the first line",
            )
        )
    action_number, title, title_span = _action(classified, problems)
    blocks, structure = StructureScanner(classified).scan()
    problems.extend(structure)
    problems.sort(key=lambda problem: problem.span)
    departments = tuple(_with_links(block, links) for block in blocks)
    return Page(
        source.path,
        PageKind.DEPARTMENT_RESPONSE,
        action_number,
        title,
        title_span,
        departments,
        tuple(links),
        tuple(problems),
        lines,
    )


def parse_file(path: str) -> Page:
    """Read and parse one page. Raises ``InputError`` for a file that is not a readable UTF-8 page."""
    return parse_source(read_source(path))
