"""Inline waivers: ``checker: allow RULE[, RULE...] [until YYYY-MM-DD] -- reason`` in a comment.

Written in kramdown's comment extension, which the build leaves out of the page::

    {::comment}checker: allow placeholder-text until 2027-01-31 -- DCLG answers after the election{:/comment}

or over several lines (``{::comment}``, one or more waivers, ``{:/comment}``), or in an HTML
comment (``<!-- checker: allow ... -- reason -->``). In a comment, a line that starts with
``checker:`` starts a waiver, and the lines after it, up to the next such line or the end of the
comment, continue it (a long reason may wrap). Other comment text is left alone.

- ``RULE`` is a rule id or a family (``link-``, as ``--select`` takes them); several are separated
  by commas or spaces. Whether the rule exists is the engine's to say, which knows the rules.
- ``until YYYY-MM-DD`` (optional) is the last day the waiver applies.
- `` -- reason`` is required: a waiver says why the finding is acceptable.

Where it applies (``Reach``): a waiver at the end of a line of the page covers the findings on
that line; one on a line of its own, the findings of its department block (from ``{div
.department}`` to its ``{/div}``), or outside every block, of the whole page.

A waiver that cannot be read gets a ``problem`` (no rule, a date not written YYYY-MM-DD, no
reason...) and waives nothing; so does a ``checker: allow`` the page shows (outside a comment,
or in a ``{::comment}`` that is never closed, which the build prints).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from checker.model import DepartmentBlock, Position, Span
from checker.model.page import Reach, Waiver
from checker.parse.comments import Comment, CommentLine, Reading
from checker.parse.lines import Kind, Line

#: a comment line that starts a waiver: "checker:", or "checker allow" with the colon forgotten
_START = re.compile(r"^checker(?:\s*:|\s+allow\b)", re.IGNORECASE)
_HEAD = re.compile(r"^checker\s*(?P<colon>:?)\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r"(?:^|(?<=\s))--")
_DASH = re.compile(r"\s[—–]\s")
_SELECTOR = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: a waiver the page shows: not in a comment, so the build prints it
_SHOWN = re.compile(r"\bchecker\s*:\s*allow\b", re.IGNORECASE)

SYNTAX = "checker: allow RULE until YYYY-MM-DD -- reason"
UNCLOSED = (
    "its {::comment} is never closed with {:/comment}, so the build prints it on the page "
    "and it waives nothing"
)
SHOWN = "it is not inside a comment, so the build prints it on the page and it waives nothing"


def spoils(token: str) -> str:
    """The problem of a waiver written after a token, which the build then does not read."""
    return (
        f"the build does not drop a comment after {token} (it spoils the markup or shows on the "
        "page), so the waiver waives nothing: put it on a line of its own"
    )


@dataclass(frozen=True)
class Said:
    """What one waiver says; ``problem`` when it cannot be read."""

    rules: tuple[str, ...] = ()
    until: date | None = None
    reason: str = ""
    problem: str | None = None


def _date(word: str) -> date | str:
    """The date ``word`` stands for, or what is wrong with it."""
    if not _DATE.match(word):
        return f"{word!r} is not a date written YYYY-MM-DD (such as 2027-01-31)"
    try:
        return date.fromisoformat(word)
    except ValueError:
        return f"{word} is not a date in the calendar"


def _head(words: list[str]) -> tuple[tuple[str, ...], date | None, str | None]:
    """``allow RULE... [until DATE]``: the rules, the date, and the first thing wrong."""
    if not words or words[0].lower() != "allow":
        found = f"{words[0]!r} is" if words else "nothing is"
        return (), None, f"{found} not an instruction checker knows: write {SYNTAX}"
    rules: list[str] = []
    rest = words[1:]
    while rest and rest[0].lower() != "until":
        word = rest.pop(0).lower()
        if not _SELECTOR.match(word):
            return (
                tuple(rules),
                None,
                f"{word!r} is not a rule id or family (such as placeholder-text or link-)",
            )
        rules.append(word)
    if not rules:
        return (), None, f"it names no rule: write {SYNTAX}"
    if not rest:
        return tuple(rules), None, None
    if len(rest) == 1:
        return tuple(rules), None, "'until' needs a date written YYYY-MM-DD (such as 2027-01-31)"
    until = _date(rest[1])
    if isinstance(until, str):
        return tuple(rules), None, until
    if len(rest) > 2:
        return tuple(rules), until, f"{' '.join(rest[2:])!r} after the date: the reason goes after ' -- '"
    return tuple(rules), until, None


def read_waiver(text: str) -> Said:
    """Read one waiver, ``checker: allow ...``, its lines joined with spaces."""
    match = _HEAD.match(text.strip())
    if match is None:
        return Said(problem=f"write {SYNTAX}")
    if not match["colon"]:
        return Said(problem=f"'checker' needs a colon after it: write {SYNTAX}")
    rest = match["rest"]
    separator = _SEPARATOR.search(rest)
    if separator is None and (dash := _DASH.search(rest)):
        return Said(problem=f"write ' -- ' (two hyphens) before the reason, not {dash.group().strip()!r}")
    head, reason = (rest[: separator.start()], rest[separator.end() :].strip()) if separator else (rest, None)
    rules, until, problem = _head(head.replace(",", " ").split())
    if problem is None and reason is None:
        problem = "it gives no reason: end it with ' -- ' and why the finding is acceptable"
    elif problem is None and not reason:
        problem = "its reason after ' -- ' is empty: say why the finding is acceptable"
    return Said(rules, until, reason or "", problem)


@dataclass(frozen=True)
class Written:
    """A waiver where it is written, before its scope is known."""

    said: Said
    span: Span
    line: int  # the line it starts on


def _groups(lines: Sequence[CommentLine]) -> Iterator[list[CommentLine]]:
    """The comment's waivers: from a line that starts one to the next such line or the end."""
    group: list[CommentLine] = []
    for line in lines:
        if _START.match(line.text):
            if group:
                yield group
            group = [line]
        elif group:
            group.append(line)
    if group:
        yield group


def _written(comment: Comment, spoiled: Mapping[int, str]) -> Iterator[Written]:
    for group in _groups(comment.lines):
        first, last = group[0], group[-1]
        start = (
            comment.span.start
            if comment.span.start_line == first.number
            else Position(first.number, first.column)
        )
        if comment.span.end_line == last.number:
            end = comment.span.end
        else:
            end = Position(last.number, last.column + len(last.text))
        said = read_waiver(" ".join(line.text for line in group))
        if not comment.closed:
            said = replace(said, problem=UNCLOSED)
        elif comment.span.start_line in spoiled:
            said = replace(said, problem=spoils(spoiled[comment.span.start_line]))
        yield Written(said, Span(start, end), first.number)


def _shown(lines: Sequence[Line], unclosed: set[int]) -> Iterator[Written]:
    for line in lines:
        if line.kind is Kind.COMMENT or ":" not in line.text or line.number in unclosed:
            continue  # a waiver has a colon: most lines are passed over without a search
        if match := _SHOWN.search(line.text):
            span = Span.of(line.number, match.start() + 1, line.number, len(line.text.rstrip()) + 1)
            yield Written(Said(problem=SHOWN), span, line.number)


def find_waivers(
    reading: Reading, blocks: Sequence[DepartmentBlock], source: Sequence[str]
) -> tuple[Waiver, ...]:
    """Every waiver on the page, in source order, with the lines it covers.

    ``reading``: the page's lines and comments, ``blocks``: its department blocks, ``source``:
    its source lines.
    """
    comments, shown = reading.comments, reading.shown
    unclosed = {comment.span.start_line for comment in comments if not comment.closed}
    written = [found for comment in comments for found in _written(comment, reading.spoiled)]
    written.extend(_shown(shown, unclosed | set(reading.spoiled)))
    if not written:
        return ()
    showing = {line.number for line in shown if line.kind not in (Kind.BLANK, Kind.COMMENT)}
    last = len(source)
    page = Span.of(1, 1, last, len(source[-1]) + 1) if source else Span.of(1, 1, 1, 1)
    waivers = []
    for found in sorted(written, key=lambda found: found.span):
        block = next((b for b in blocks if b.span.start_line <= found.line <= b.span.end_line), None)
        if found.line in showing:
            scope, reach = Span.line(found.line, source[found.line - 1]), Reach.LINE
        elif block is not None:
            scope, reach = block.span, Reach.BLOCK
        else:
            scope, reach = page, Reach.PAGE
        said = found.said
        waivers.append(Waiver(said.rules, said.until, said.reason, found.span, scope, reach, said.problem))
    return tuple(waivers)
