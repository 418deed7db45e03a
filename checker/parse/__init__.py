"""Markdown source -> page model (``checker.model.Page``).

A page is a department-response page when it has the ``{{DEPARTMENTRESPONSE}}`` marker, a
department block, or the build's name for an action's page (``_action05.md``): a page that is
meant to hold responses and holds none is a fault to report, not a page with nothing to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from checker.model import Fault, Page, PageKind, Problem, Span
from checker.parse.action import Action, file_number, is_action_page_name, read_action, two_digits
from checker.parse.comments import read_lines
from checker.parse.lines import Kind, Line
from checker.parse.links import extract_links
from checker.parse.source import Source, read_source
from checker.parse.structure import StructureScanner
from checker.parse.waivers import find_waivers

__all__ = ["parse_file", "parse_html", "parse_html_file", "parse_source"]

#: line kinds the pre-processor consumes, and comment lines; blanked out before Markdown sees the page
_PREPROCESSOR = frozenset({Kind.MARKER, Kind.OPEN, Kind.CLOSE, Kind.IAL, Kind.DIRECTIVE, Kind.COMMENT})
#: what the page shows none of
_NOTHING = frozenset({Kind.BLANK, Kind.COMMENT})


def _is_department_opener(line: Line) -> bool:
    return line.kind is Kind.OPEN and "department" in line.classes


def _first_line_span(lines: Sequence[Line]) -> Span:
    """The first line of the page, or line 1 column 1 of an empty one."""
    return Span.line(lines[0].number, lines[0].text) if lines else Span.of(1, 1, 1, 1)


def _no_marker(lines: Sequence[Line], has_blocks: bool, path: str) -> Problem:
    what = "department blocks on a page" if has_blocks else f"{PurePath(path).name} is an action page, but"
    return Problem(
        Fault.MARKER,
        f"{what} without the {{{{DEPARTMENTRESPONSE}}}} marker: the build does not treat it as a "
        "department-response page",
        _first_line_span(lines),
        "add {{DEPARTMENTRESPONSE}} as the first line",
    )


def _empty_page(commented: Sequence[Line], path: str) -> Problem:
    """One problem for a page with nothing on it: its missing marker, heading and blocks are one fault."""
    number = file_number(path)
    heading = f"#Action {two_digits(number)}: Title" if number is not None else "#Action NN: Title"
    only_comments = any(line.kind is not Kind.BLANK for line in commented)
    holds = "holds only HTML comments" if only_comments else "is empty"
    return Problem(
        Fault.NO_DEPARTMENTS,
        f"the department-response page {holds}, so the published page has no responses",
        Span.of(1, 1, 1, 1),
        f'start it with {{{{DEPARTMENTRESPONSE}}}} and "{heading}", then a {{div .department}} block '
        "for each department",
    )


def _no_departments(shown: Sequence[Line], commented: Sequence[Line], action: Action | None) -> Problem:
    """No department block on a department-response page: where the blocks should be, and why."""
    section = next((line for line in shown if line.kind is Kind.OPEN and "section" in line.classes), None)
    if section is not None:
        span = Span.of(section.number, section.column, section.number, len(section.text.rstrip()) + 1)
    elif action is not None:
        span = action.span
    else:
        span = _first_line_span([line for line in shown if line.kind is not Kind.BLANK])
    hidden = next((line for line in commented if _is_department_opener(line)), None)
    if hidden is not None:
        return Problem(
            Fault.NO_DEPARTMENTS,
            "no department blocks on this department-response page: the department blocks "
            f"(from line {hidden.number}) are inside an HTML comment, which the build leaves out",
            span,
            "remove the <!-- and --> around the department blocks",
        )
    return Problem(
        Fault.NO_DEPARTMENTS,
        "no department blocks on this department-response page, so the published page has no responses",
        span,
        "add a {div .department} block for each department, inside {div .section}",
    )


def parse_source(source: Source) -> Page:
    """Parse one page. Never raises on content: malformed structure becomes ``Page.problems``."""
    lines = source.lines
    reading = read_lines(lines)
    shown, commented = reading.shown, reading.commented
    markdown = list(lines)
    for line in shown:  # comments blanked out of the lines that show text
        markdown[line.number - 1] = "" if line.kind in _PREPROCESSOR else line.text
    for line in commented:  # HTML comments: no links in there
        markdown[line.number - 1] = ""
    links = extract_links("\n".join(markdown), lines)

    is_marked = any(line.kind is Kind.MARKER for line in shown)
    has_blocks = any(_is_department_opener(line) for line in shown)
    if not (is_marked or has_blocks or is_action_page_name(source.path)):
        waivers = find_waivers(reading, (), lines)
        return Page(
            source.path,
            PageKind.OTHER,
            None,
            None,
            None,
            (),
            tuple(links),
            tuple(reading.problems),
            lines,
            waivers,
        )
    if all(line.kind in _NOTHING for line in shown):
        empty = (_empty_page(commented, source.path), *reading.problems)
        waivers = find_waivers(reading, (), lines)
        return Page(
            source.path, PageKind.DEPARTMENT_RESPONSE, None, None, None, (), (), empty, lines, waivers
        )

    problems: list[Problem] = list(reading.problems)  # comments never closed
    if not is_marked:
        problems.append(_no_marker(shown, has_blocks, source.path))
    action, heading_problems = read_action(
        [line for line in shown if line.kind is not Kind.COMMENT], source.path
    )
    problems.extend(heading_problems)
    blocks, structure = StructureScanner(shown, links).scan()  # each statement with its links
    problems.extend(structure)
    if not blocks:
        problems.append(_no_departments(shown, commented, action))
    problems.sort(key=lambda problem: problem.span)
    return Page(
        source.path,
        PageKind.DEPARTMENT_RESPONSE,
        action.number if action else None,
        action.title if action else None,
        action.span if action else None,
        tuple(blocks),
        tuple(links),
        tuple(problems),
        lines,
        find_waivers(reading, blocks, lines),
    )


def parse_html(source: Source) -> Page:
    """Parse one HTML page (``checker.parse.html.parse_html``).

    Imported when first called: the HTML parser brings in beautifulsoup4 and soupsieve, which
    cost a Markdown-only run some 60 ms of start-up for nothing.
    """
    from checker.parse.html import parse_html as parse  # noqa: PLC0415

    return parse(source)


def parse_html_file(path: str) -> Page:
    """Read and parse one HTML page (``checker.parse.html.parse_html_file``), imported when called."""
    from checker.parse.html import parse_html_file as parse  # noqa: PLC0415

    return parse(path)


def parse_file(path: str) -> Page:
    """Read and parse one page. Raises ``InputError`` for a file that is not a readable UTF-8 page."""
    return parse_source(read_source(path))
