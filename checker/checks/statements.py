"""Helpers for checks that read statement text: typography-normalised text with positions."""

from __future__ import annotations

from checker.model import Position, Span, Statement
from checker.text import plain_typography


def plain_text(statement: Statement) -> str:
    """The statement as the build prints it (plain quotes, ``...``): lines stripped, joined with ``\\n``."""
    return "\n".join(plain_typography(raw.strip()) for _, raw in statement.lines)


def plain_positions(statement: Statement) -> list[Position]:
    """The source position of each character of ``plain_text(statement)``, plus one for the end."""
    positions: list[Position] = []
    for index, (number, raw) in enumerate(statement.lines):
        if index:
            positions.append(positions[-1])  # the joining newline
        indent = len(raw) - len(raw.lstrip())
        for offset, char in enumerate(raw.strip()):
            positions.extend([Position(number, indent + offset + 1)] * len(plain_typography(char)))
    if positions:
        last = positions[-1]
        positions.append(Position(last.line, last.column + 1))
    return positions


def text_span(positions: list[Position], start: int, end: int) -> Span:
    first = positions[start]
    last = positions[max(end - 1, start)]
    return Span(first, Position(last.line, last.column + 1))
