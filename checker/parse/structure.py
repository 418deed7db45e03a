"""The block structure of a department-response page, read line by line.

A stack of open elements is carried down the page. Department blocks are built
as their lines go by; every malformed construct becomes a ``Problem`` with the
exact span, and the scanner recovers (closing what must be closed) so that one
mistake does not cascade into a page of findings.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.model import DepartmentBlock, Fault, Heading, Link, Problem, Span, Statement
from checker.parse.lines import Kind, Line
from checker.text import heading_text

DEPARTMENT, STATEMENT, OTHER = "department", "statement", "other"
#: a heading's name, read once for each way it is written: a publication repeats its departments
_heading_name = functools.lru_cache(maxsize=1024)(heading_text)
_REMEMBERED = 256  # the longest heading whose name is remembered


@dataclass
class _Open:
    """A block opened and not yet closed."""

    line: Line
    role: str

    def describe(self) -> str:
        return f"{self.line.written} (line {self.line.number})"


@dataclass
class _Statement:
    """A statement block being read."""

    opener: Line
    lines: list[Line] = field(default_factory=list)
    end: Line | None = None


@dataclass
class _Department:
    """A department block being read."""

    opener: Line
    heading: Heading | None = None
    heading_line: int = 0
    statement: _Statement | None = None
    detached_ial: Span | None = None


def _token_span(line: Line) -> Span:
    return Span.of(line.number, line.column, line.number, len(line.text.rstrip()) + 1)


class StructureScanner:
    """``lines``: the lines the page shows; ``links``: every link on the page, in source order,
    for each statement to hold its own."""

    def __init__(self, lines: Sequence[Line], links: Sequence[Link] = ()) -> None:
        self.lines = lines
        self.links = links
        self.link_starts = [(link.span.start_line, link.span.start_column) for link in links]
        self.stack: list[_Open] = []
        self.problems: list[Problem] = []
        self.blocks: list[DepartmentBlock] = []
        self.current: _Department | None = None
        self.previous: Line | None = None

    def problem(self, fault: Fault, line: Line, message: str, fix: str | None = None) -> None:
        self.problems.append(Problem(fault, message, _token_span(line), fix))

    # -- the walk -------------------------------------------------------------------

    def scan(self) -> tuple[list[DepartmentBlock], list[Problem]]:
        handlers = {
            Kind.OPEN: self._on_open,
            Kind.CLOSE: self._on_close,
            Kind.HEADING: self._on_heading,
            Kind.IAL: self._on_ial,
            Kind.TEXT: self._on_text,
        }  # the other kinds (blank, marker, action, directive, comment) change nothing here
        for line in self.lines:
            handler = handlers.get(line.kind)
            if handler is not None:
                handler(line)
            self.previous = line
        self._close_at_end()
        return self.blocks, self.problems

    def _in_statement(self) -> _Statement | None:
        if self.current and self.current.statement and self.current.statement.end is None:
            return self.current.statement
        return None

    def _on_open(self, line: Line) -> None:
        if "department" in line.classes:
            if self.current is not None:
                self.problem(
                    Fault.NESTED,
                    line,
                    f"a department block opens inside another one, {self._open_of(DEPARTMENT).describe()}",
                    "close the earlier block with {/div} before this line",
                )
                self._pop_to(DEPARTMENT, line, report=False)
            self.stack.append(_Open(line, DEPARTMENT))
            self.current = _Department(line)
        elif "statement" in line.classes:
            self._open_statement(line)
        else:
            self.stack.append(_Open(line, OTHER))

    def _open_statement(self, line: Line) -> None:
        if self.current is None:
            self.problem(
                Fault.OUTSIDE_BLOCK,
                line,
                "a statement outside any department block",
                "put it inside a {div .department} block",
            )
            self.stack.append(_Open(line, OTHER))
            return
        if self._in_statement():
            self.problem(
                Fault.NESTED,
                line,
                "a statement opens inside another statement",
                "close the first one with {/div}",
            )
            self._pop_to(STATEMENT, line, report=False)
        elif self.current.statement is not None:
            self.problem(
                Fault.DUPLICATE,
                line,
                f"a second statement in the department block that opens at line {self.current.opener.number}",
                "merge the two statements into one",
            )
            self.stack.append(_Open(line, OTHER))
            return
        if self.current.heading is None:
            self.problem(
                Fault.ORDER,
                line,
                "the statement comes before the department's ## heading",
                "put the heading first",
            )
        self.stack.append(_Open(line, STATEMENT))
        self.current.statement = _Statement(line)

    def _on_close(self, line: Line) -> None:
        if not self.stack:
            self.problem(
                Fault.STRAY_CLOSE, line, f"stray {line.written}: no block is open here", "remove this line"
            )
            return
        if self.stack[-1].line.tag != line.tag:
            matching = [item for item in self.stack if item.line.tag == line.tag]
            if not matching:
                self.problem(
                    Fault.STRAY_CLOSE,
                    line,
                    f"{line.written} does not match the open {self.stack[-1].describe()}",
                    f"close it with {{/{self.stack[-1].line.tag}}}",
                )
                return
            while self.stack[-1].line.tag != line.tag:
                self._report_unclosed(self.stack[-1], line)
                self._finish(self.stack.pop(), line)
        self._finish(self.stack.pop(), line)

    def _on_heading(self, line: Line) -> None:
        if line.level != 2:
            self._on_text(line)
            return
        current = self.current
        if current is None:
            self.problem(
                Fault.OUTSIDE_BLOCK,
                line,
                "a department heading outside any department block",
                "put it in a {div .department}",
            )
        elif self._in_statement():
            self.problem(
                Fault.NESTED,
                line,
                "a ## heading inside a statement",
                "close the statement before the heading",
            )
        elif current.heading is not None:
            self.problem(
                Fault.DUPLICATE,
                line,
                f"a second heading in the department block headed at line {current.heading_line}",
                "each department needs its own {div .department} block",
            )
        else:
            raw = line.value
            name = _heading_name(raw) if len(raw) <= _REMEMBERED else heading_text(raw)
            current.heading = Heading(raw, name, _token_span(line), (), None, None)
            current.heading_line = line.number

    def _on_ial(self, line: Line) -> None:
        current = self.current
        if current is None or self._in_statement():
            return  # an attribute list for a paragraph or block in the statement: plain kramdown
        heading = current.heading
        if heading is not None and self.previous is not None and self.previous.number == current.heading_line:
            if heading.ial_span is None:
                current.heading = Heading(
                    heading.raw, heading.name, heading.span, line.classes, line.element_id, _token_span(line)
                )
            return
        where = (
            f"directly below the heading (line {current.heading_line})" if heading else "below a ## heading"
        )
        self.problem(
            Fault.DETACHED_ATTRIBUTES,
            line,
            f"attribute list {line.text.strip()} is not {where}, so it does not apply to the heading",
            "move it to the line right below the heading, with no blank line between",
        )
        if current.detached_ial is None:
            current.detached_ial = _token_span(line)

    def _on_text(self, line: Line) -> None:
        statement = self._in_statement()
        if statement is not None:
            statement.lines.append(line)
        elif self.current is not None and not self._inside_other():
            self.problem(
                Fault.STRAY_TEXT,
                line,
                "text in a department block outside its statement",
                "move it inside the {div .statement} block",
            )

    def _inside_other(self) -> bool:
        return bool(self.stack) and self.stack[-1].role == OTHER

    # -- closing ----------------------------------------------------------------------

    def _open_of(self, role: str) -> _Open:
        return next(item for item in reversed(self.stack) if item.role == role)

    def _pop_to(self, role: str, at: Line, *, report: bool) -> None:
        while self.stack:
            item = self.stack.pop()
            if report:
                self._report_unclosed(item, at)
            self._finish(item, at)
            if item.role == role:
                return

    def _report_unclosed(self, item: _Open, at: Line) -> None:
        self.problem(
            Fault.UNCLOSED,
            item.line,
            f"{item.line.written} is not closed before line {at.number}",
            "add {/div}",
        )

    def _finish(self, item: _Open, end: Line) -> None:
        if item.role == STATEMENT and self.current and self.current.statement:
            self.current.statement.end = end
        elif item.role == DEPARTMENT and self.current:
            self._finish_department(self.current, end)
            self.current = None

    def _finish_department(self, block: _Department, end: Line) -> None:
        opener = block.opener
        if block.heading is None:
            self.problem(
                Fault.INCOMPLETE,
                opener,
                "a department block with no ## heading",
                "add ##Department name below this line",
            )
        if block.statement is None:
            self.problem(
                Fault.INCOMPLETE,
                opener,
                "a department block with no {div .statement}",
                "add the statement block",
            )
        statement = self._build_statement(block.statement, end) if block.statement else None
        span = Span.of(opener.number, opener.column, end.number, len(end.text.rstrip()) + 1)
        self.blocks.append(DepartmentBlock(span, block.heading, statement, block.detached_ial))

    def _build_statement(self, statement: _Statement, end: Line) -> Statement:
        closer = statement.end or end
        opener = statement.opener
        lines = tuple((line.number, line.text) for line in statement.lines)
        text_span = None
        if statement.lines:
            first, last = statement.lines[0], statement.lines[-1]
            text_span = Span.of(first.number, first.column, last.number, len(last.text.rstrip()) + 1)
        span = Span.of(opener.number, opener.column, closer.number, len(closer.text.rstrip()) + 1)
        return Statement(span=span, text_span=text_span, lines=lines, links=self._links_in(span))

    def _links_in(self, span: Span) -> tuple[Link, ...]:
        """The links that start inside ``span`` (from its start up to, not including, its end)."""
        starts = self.link_starts
        first = bisect.bisect_left(starts, (span.start_line, span.start_column))
        last = bisect.bisect_left(starts, (span.end_line, span.end_column), first)
        return tuple(self.links[first:last])

    def _close_at_end(self) -> None:
        if not self.lines:
            return
        last = self.lines[-1]
        while self.stack:
            item = self.stack.pop()
            self.problem(
                Fault.UNCLOSED,
                item.line,
                f"{item.line.written} is never closed",
                "add {/div} where the block ends",
            )
            self._finish(item, last)
