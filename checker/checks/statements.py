"""Helpers for checks that read statement text: typography-normalised text with positions."""

from __future__ import annotations

from collections.abc import Iterator

from checker.model import DepartmentBlock, Page, Position, Span, Statement
from checker.text import plain_typography


def statements(page: Page) -> Iterator[tuple[DepartmentBlock, Statement]]:
    for block in page.departments:
        if block.statement is not None:
            yield block, block.statement


def plain_text(statement: Statement) -> tuple[str, list[Position]]:
    """The statement as the build prints it (plain quotes, ``...``), with each character's source position.

    Lines are stripped and joined with ``\\n``; the position list has one entry per
    character plus one for the end.
    """
    chars: list[str] = []
    positions: list[Position] = []
    for index, (number, raw) in enumerate(statement.lines):
        if index:
            chars.append("\n")
            positions.append(positions[-1])
        indent = len(raw) - len(raw.lstrip())
        for offset, char in enumerate(raw.strip()):
            plain = plain_typography(char)
            chars.append(plain)
            positions.extend([Position(number, indent + offset + 1)] * len(plain))
    if positions:
        last = positions[-1]
        positions.append(Position(last.line, last.column + 1))
    return "".join(chars), positions


def text_span(positions: list[Position], start: int, end: int) -> Span:
    first = positions[start]
    last = positions[max(end - 1, start)]
    return Span(first, Position(last.line, last.column + 1))
