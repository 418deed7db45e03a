"""The action heading as the publication's build reads it, and the action number in a file's name.

The build (``compiling/processcontents.rb``) turns exactly ``#Action NN: Title`` into the
page's action header: one ``#``, ``Action`` with a capital A, one space, two digits, a colon,
a space, the title. Any other form stays a plain line and the published page loses its
header, its action number and, with it, its previous/next links. ``lines.ACTION`` is lenient
on purpose, so that ``# action 1 - Title`` is still read as the heading and the rest of the
page parses; this module says in plain words what the build would not read, and shows the
line it would.

An action number is at most ``MAX_DIGITS`` digits as written (leading zeros count): a longer one
(``#Action 000...`` with thousands of digits) is no number anyone meant, and Python would refuse
to convert it. The heading is then malformed and the page has no action number; a file name
with such a number has none either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from checker.model import Fault, Problem, Span
from checker.parse.lines import ACTION, Kind, Line, without_closing_hashes

#: the build's own name for an action's page: ``{include departmentactions/action05.md}`` reads
#: ``_action05.md``; such a file is a department-response page whatever it holds
ACTION_PAGE_NAME = re.compile(r"^_action[0-9]+\.(?:md|markdown)$", re.IGNORECASE)
#: a file named after an action, whose heading should carry the same number: ``_action05.md``,
#: ``action11-2012-12-20.md``
ACTION_NAME_NUMBER = re.compile(r"^_?action(?P<number>[0-9]+)(?![0-9])", re.IGNORECASE)
#: what the build reads after ``:``: Ruby's ``\s``, which is ASCII whitespace only
_BUILD_SPACE = frozenset(" \t\v\f")
#: how the build needs the heading, as the messages say it (the rule's description spells it out)
NEEDED = '"#Action NN: Title"'
#: the longest action number read as one (the build reads two digits; a page has no more than dozens)
MAX_DIGITS = 6


@dataclass(frozen=True)
class Action:
    """The page's ``#Action NN: Title`` heading: its number, title and place."""

    number: int | None  # None: more than MAX_DIGITS digits, a heading with no usable number
    title: str | None
    span: Span


def read_number(digits: str) -> int | None:
    """``"05"`` -> 5; None for more than ``MAX_DIGITS`` digits (leading zeros count)."""
    return int(digits) if len(digits) <= MAX_DIGITS else None


def shown_number(digits: str) -> str:
    """The number as a message shows it: ``05``, or ``0000...0005 (5000 digits)`` for an absurd one."""
    if len(digits) <= 2 * MAX_DIGITS:
        return digits
    return f"{digits[:4]}...{digits[-4:]} ({len(digits)} digits)"


def is_action_page_name(path: str) -> bool:
    """Whether ``path`` is named as the build names an action's page (``_action05.md``)."""
    return bool(ACTION_PAGE_NAME.match(PurePath(path).name))


def file_number(path: str) -> int | None:
    """The action number in the file's name (``_action05.md`` -> 5), or None when it has none."""
    match = ACTION_NAME_NUMBER.match(PurePath(path).name)
    return read_number(match["number"]) if match else None


def two_digits(number: int) -> str:
    return f"{number:02d}" if number < 100 else "NN"


def read_action(lines: Sequence[Line], path: str) -> tuple[Action | None, list[Problem]]:
    """The page's action heading and what is wrong with it: missing, a form the build does not
    read, a second one, or a number that is not the file's."""
    headings = [line for line in lines if line.kind is Kind.ACTION]
    number_in_name = file_number(path)
    if not headings:
        return None, [_missing(lines, number_in_name)]
    first = headings[0]
    action = Action(
        read_number(first.number_text),
        first.value or None,
        Span.of(first.number, first.column, first.number, len(first.text.rstrip()) + 1),
    )
    problems = [_duplicate(extra, first) for extra in headings[1:]]
    form = _form_problem(first, action, number_in_name)
    if form is not None:
        problems.append(form)
    if number_in_name is not None and action.number is not None and number_in_name != action.number:
        problems.append(_mismatch(action, first.number_text, PurePath(path).name, number_in_name))
    return action, problems


def _missing(lines: Sequence[Line], number_in_name: int | None) -> Problem:
    first = next((line for line in lines if line.kind is not Kind.BLANK), None)
    span = Span.line(first.number, first.text) if first else Span.of(1, 1, 1, 1)
    number = two_digits(number_in_name) if number_in_name is not None else "NN"
    return Problem(
        Fault.ACTION_HEADING,
        f"no {NEEDED} heading on a department-response page",
        span,
        f'add "#Action {number}: Title" below the {{{{DEPARTMENTRESPONSE}}}} marker',
    )


def _duplicate(extra: Line, first: Line) -> Problem:
    return Problem(
        Fault.DUPLICATE,
        f"a second action heading (the first is at line {first.number})",
        Span.line(extra.number, extra.text),
    )


def _form_problem(line: Line, action: Action, number_in_name: int | None) -> Problem | None:
    match = ACTION.match(line.text.strip())
    assert match is not None  # Kind.ACTION lines match ACTION
    reasons = _unread(match)
    _, has_closing = without_closing_hashes(match["title"])
    closing = "the #s at the end would show in the published title" if has_closing else None
    if not reasons and closing is None:
        return None
    if reasons:
        found = "; ".join([*reasons, closing] if closing else reasons)
        message = f"the build does not read this as the action heading: {found}; it needs {NEEDED}"
    else:
        message = f"{closing} (the build reads everything after the colon as the title)"
    return Problem(Fault.ACTION_HEADING, message, action.span, _rewrite(action, number_in_name))


def _unread(match: re.Match[str]) -> list[str]:
    """Each way the heading differs from what the build's pattern reads, in plain words."""
    found = [
        reason
        for reason in (
            _marks(match["marks"], match["gap"]),
            None if match["word"] == "Action" else f'"{match["word"]}" is not "Action" with a capital A',
            _space_after_word(match["space"]),
            None
            if len(match["number"]) == 2
            else f"the number {shown_number(match['number'])} is not two digits",
            _colon(match["before"], match["colon"]),
            _space_after_colon(match["colon"], match["after"], match["title"]),
        )
        if reason is not None
    ]
    if not match["title"]:
        found.append("there is no title")
    return found


def _marks(marks: str, gap: str) -> str | None:
    if marks != "#":
        return f"it starts with {marks}, not one #"
    return "there is a space after the #" if gap else None


def _space_after_word(space: str) -> str | None:
    if space == " ":
        return None
    if not space:
        return 'there is no space between "Action" and the number'
    return 'the space between "Action" and the number is not one plain space'


def _colon(before: str, colon: str) -> str | None:
    if not colon:
        return "there is no colon after the number"
    if colon != ":":
        return f'there is "{colon}" after the number, not a colon'
    return "there is a space before the colon" if before else None


def _space_after_colon(colon: str, after: str, title: str) -> str | None:
    if colon != ":" or not title:
        return None  # reported as a missing colon or a missing title
    if not after:
        return "there is no space after the colon"
    return None if after[0] in _BUILD_SPACE else "the space after the colon is not a plain space"


def _rewrite(action: Action, number_in_name: int | None) -> str:
    known = action.number if action.number is not None else number_in_name
    number = two_digits(known) if known is not None else "NN"
    if action.title is None:
        return f'write "#Action {number}: " followed by the action\'s title'
    line = f'write "#Action {number}: {action.title}"'
    return line if number != "NN" else f"{line}, with the action's two-digit number"


def _mismatch(action: Action, written: str, name: str, number_in_name: int) -> Problem:
    right = two_digits(number_in_name)
    title = action.title or "Title"
    shown = shown_number(written)
    return Problem(
        Fault.ACTION_MISMATCH,
        f"the heading says Action {shown} but the file {name} is action {right}",
        action.span,
        f'write "#Action {right}: {title}", or rename the file if {shown} is the right number',
    )
