"""``statement-duplicate``: one department's statement on one action pasted from its statement on another.

Statements are compared by their words (``statements.statement_words``: links and markup out,
curly quotes and ``…`` plain), case and punctuation ignored. Two statements of one department
on two different actions are copies when their words are the same, or when both have at least
``min_words`` words and they differ by at most ``max_changed_words`` words (a word added,
dropped or replaced: ``The FCO will obtain ...`` pasted as ``FCO will obtain ...``). Which of
the two is the copy the text cannot tell, so each statement that has a copy is reported, on its
own page, pointing at the copy on the first other action (by number).

Not copies: placeholders (``Coming soon...``, what the ``placeholder: true`` rules match),
empty statements, and boilerplate a department legitimately repeats, which the ``exempt``
patterns match (searched in the statement's words, case ignored: ``^This is not applicable
to``). Two pages for the same action (an old copy beside the page) are not compared.

Fails: the Foreign and Commonwealth Office's statement on action 03 repeated on action 02.
Passes: ``This is not applicable to HMT as we are not a transactional department.`` on four
actions; statements that share a sentence but say different things.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from checker.checks.publication import Response, action_label, responses
from checker.checks.statements import linear, statement_words, too_long
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model.finding import Finding, Related

KIND = "statement-duplicate"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Options:
    #: boilerplate a department may repeat (searched, case ignored; compiled by RE2, linear time)
    exempt: tuple[re.Pattern[str], ...] = ()
    max_changed_words: int = 2  # near copies: at most this many words added, dropped or replaced
    min_words: int = 12  # near copies count only between statements this long; the same words always do

    def __post_init__(self) -> None:
        exempt = tuple(linear(pattern, ignore_case=True) for pattern in self.exempt)
        object.__setattr__(self, "exempt", exempt)
        if self.max_changed_words < 0 or self.min_words < 0:
            raise ValueError("max_changed_words and min_words must not be negative")


@dataclass(frozen=True)
class Candidate:
    response: Response
    words: tuple[str, ...]  # compared: case folded, curly apostrophes plain
    shown: tuple[str, ...]  # the same words as written


def word_distance(first: Sequence[str], second: Sequence[str], limit: int) -> int:
    """Words added, dropped or replaced to turn one into the other; ``limit + 1`` once over ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for row, word in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (word != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _candidates(rule: Rule[Options], context: Context) -> dict[str, list[Candidate]]:
    by_department: dict[str, list[Candidate]] = {}
    for response in responses(context.pages, context.registry):
        statement = response.block.statement
        if statement is None or statement.text_span is None or context.is_placeholder(statement):
            continue
        if too_long(statement):  # reported by placeholder-text as too long to check; never read whole
            continue
        text = statement_words(statement).text
        if not text or any(pattern.search(text) for pattern in rule.options.exempt):
            continue
        shown = tuple(_WORD.findall(text))
        if shown:
            words = tuple(word.casefold().replace("’", "'") for word in shown)
            by_department.setdefault(response.key, []).append(Candidate(response, words, shown))
    return by_department


def _same_action(first: Response, second: Response) -> bool:
    one, other = first.page, second.page
    if one.action_number is None or other.action_number is None:
        return one.path == other.path
    return one.action_number == other.action_number


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    options = rule.options
    for candidates in _candidates(rule, context).values():
        for candidate in candidates:
            for other in candidates:
                if other is candidate or _same_action(candidate.response, other.response):
                    continue
                if candidate.words == other.words:
                    changed = 0
                elif min(len(candidate.words), len(other.words)) >= options.min_words:
                    changed = word_distance(other.words, candidate.words, options.max_changed_words)
                    if changed > options.max_changed_words:
                        continue
                else:
                    continue
                yield _finding(rule, candidate, other, changed)
                break


def differing_words(one: Candidate, other: Candidate) -> list[str]:
    """The words that differ, as written, ``one``'s for ``other``'s: ``['"The"', '"over" for "more"']``."""
    matcher = difflib.SequenceMatcher(None, other.words, one.words, autojunk=False)
    found: list[str] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        theirs, mine = " ".join(other.shown[old_start:old_end]), " ".join(one.shown[new_start:new_end])
        if tag == "replace":
            found.append(f'"{mine}" for "{theirs}"')
        elif tag != "equal":
            found.append(f'"{mine or theirs}"')
    return found


def _finding(rule: Rule[Options], one: Candidate, other: Candidate, changed: int) -> Finding:
    response, copy = one.response, other.response
    statement, copied = response.block.statement, copy.block.statement
    assert statement is not None and statement.text_span is not None
    assert copied is not None and copied.text_span is not None
    where = action_label(copy.page)
    if changed == 0:
        how = "word for word"
    else:
        words = ", ".join(differing_words(one, other))
        how = f"but for {changed} word{'s' if changed != 1 else ''}: {words}"
    return rule.finding(
        response.page,
        statement.text_span,
        department=response.name,
        subject=f"same as {where}",
        action=action_label(response.page),
        other=where,
        how=how,
        related=(Related(copy.page.path, copied.text_span, f"{copy.name}'s statement on {where}"),),
    )


CHECK = CheckKind(KIND, Options, frozenset({"action", "other", "how"}), Scope.PUBLICATION, check)
