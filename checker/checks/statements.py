"""Helpers for checks that read statement text: typography-normalised text with positions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from checker.model import LinkKind, Position, Span, Statement
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


@dataclass(frozen=True)
class Words:
    """A statement's words: its plain text with links and markup taken out, spaces collapsed.

    ``Coming soon... [Read more »](https://...)`` -> ``Coming soon...``;
    ``**TBC**`` -> ``TBC``; ``Awaiting <br> DCLG confirmation`` -> ``Awaiting DCLG confirmation``.
    ``index[i]`` is where ``text[i]`` is in ``plain_text(statement)``.
    """

    text: str
    index: tuple[int, ...]


_Chars = list[tuple[str, int]]  # (character, its index in the plain text)

_HTML_LINK_END = re.compile(r"</a\s*>", re.IGNORECASE)
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)  # [ref]: https://...
_MARKUP: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (
    # an HTML tag such as <br>, <strong>
    (re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>"), lambda tag: " "),
    # an entity such as &hellip; &nbsp; &#8217;
    (
        re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"),
        lambda ref: plain_typography(unescape(ref)),
    ),
    # emphasis, code and strike marks, backslash escapes
    (re.compile(r"\\(?=[^\w\s])|[*_`~]+"), lambda mark: ""),
    (re.compile(r"\s+"), lambda space: " "),
)


def _link_ranges(statement: Statement, plain: str, positions: list[Position]) -> list[tuple[int, int]]:
    """Where each link and reference definition is in the plain text; an HTML link runs to its ``</a>``."""
    ranges = [match.span() for match in _DEFINITION.finditer(plain)]
    for link in statement.links:
        inside = [i for i, where in enumerate(positions[:-1]) if link.span.start <= where < link.span.end]
        if not inside:
            continue
        start, end = inside[0], inside[-1] + 1
        if link.kind is LinkKind.HTML and (close := _HTML_LINK_END.search(plain, end)):
            end = close.end()
        ranges.append((start, end))
    return ranges


def _replace(chars: _Chars, edits: list[tuple[int, int, str]]) -> _Chars:
    """``chars`` with each ``(start, end, replacement)`` made, the replacement placed at its start."""
    result: _Chars = []
    done = 0
    for first, end, replacement in sorted(edits):
        if end <= done:
            continue
        start = max(first, done)
        result.extend(chars[done:start])
        if start < len(chars):
            result.extend((char, chars[start][1]) for char in replacement)
        done = end
    result.extend(chars[done:])
    return result


def statement_words(statement: Statement) -> Words:
    """The statement's words, without its links (text and address) or markup: see ``Words``."""
    plain = plain_text(statement)
    links = _link_ranges(statement, plain, plain_positions(statement))
    chars = _replace([(char, index) for index, char in enumerate(plain)], [(*link, " ") for link in links])
    for pattern, replacement in _MARKUP:
        text = "".join(char for char, _ in chars)
        edits = [(*match.span(), replacement(match.group(0))) for match in pattern.finditer(text)]
        chars = _replace(chars, edits)
    text = "".join(char for char, _ in chars)
    start = len(text) - len(text.lstrip())
    kept = chars[start : start + len(text.strip())]
    return Words("".join(char for char, _ in kept), tuple(index for _, index in kept))
