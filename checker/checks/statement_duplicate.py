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
import sys
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from checker.checks.publication import Response, action_label, all_responses, by_department
from checker.checks.statement_pattern import shared_words_text
from checker.checks.statements import MAX_STATEMENT_CHARS, either, linear, plain_text
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


@dataclass(frozen=True, slots=True)
class Candidate:
    response: Response
    words: tuple[str, ...]  # compared: case folded, curly apostrophes plain (one string per word)
    text: str  # the statement's words as written, from which ``shown`` is read again

    @property
    def shown(self) -> tuple[str, ...]:
        """The words as written (read again when needed: only copies are told apart, and one
        string per word of every statement would be most of the rule's memory)."""
        return tuple(_WORD.findall(self.text))


def word_distance(first: Sequence[str], second: Sequence[str], limit: int) -> int:
    """Words added, dropped or replaced to turn one into the other; ``limit + 1`` once over ``limit``.

    The words both start and end with are set aside first (they never change the distance: a
    near copy differs in a few words in the middle), then only the band of the edit table within
    ``limit`` of its diagonal is worked out (a path that leaves it has cost more than ``limit``
    already): ``n * (2 * limit + 1)`` steps at most, not ``n * n``. The answer is the full
    table's, capped.
    """
    over = limit + 1
    if abs(len(first) - len(second)) > limit:
        return over
    start, end_first, end_second = 0, len(first), len(second)
    while start < end_first and start < end_second and first[start] == second[start]:
        start += 1
    while end_first > start and end_second > start and first[end_first - 1] == second[end_second - 1]:
        end_first -= 1
        end_second -= 1
    first, second = first[start:end_first], second[start:end_second]
    rows, columns = len(first), len(second)
    width = 2 * limit + 1  # band cell ``d`` of row ``i`` is column ``i - limit + d``
    previous = [over] * width
    for column in range(min(columns, limit) + 1):
        previous[column + limit] = column
    for row in range(1, rows + 1):
        word = first[row - 1]
        current = [over] * width
        best = over
        for band in range(max(0, limit - row), min(width, columns - row + limit + 1)):
            column = row - limit + band
            if column == 0:
                value = row
            else:
                value = previous[band] + (word != second[column - 1])
                if band + 1 < width and previous[band + 1] + 1 < value:
                    value = previous[band + 1] + 1
                if band and current[band - 1] + 1 < value:
                    value = current[band - 1] + 1
            current[band] = min(value, over)
            best = min(best, current[band])
        if best > limit:
            return over
        previous = current
    return previous[columns - rows + limit]


def _candidates(
    rule: Rule[Options], context: Context, responses: Sequence[Response], folded: dict[str, str]
) -> list[Candidate]:
    """The statements of ``responses`` that may be copies, with their words. ``folded``: each
    distinct word as written -> its folded form, one string each, kept across departments."""
    candidates: list[Candidate] = []
    for response in responses:
        statement = response.block.statement
        if statement is None or statement.text_span is None or context.is_placeholder(statement):
            continue
        plain = plain_text(statement)
        if len(plain) > MAX_STATEMENT_CHARS:  # placeholder-text reports it as too long to check
            continue
        text = shared_words_text(context, statement, plain)  # placeholder-text has read them
        if not text or _exempt(text, rule.options.exempt):
            continue
        words = tuple([folded.get(word) or _fold(word, folded) for word in _WORD.findall(text)])
        if words:
            candidates.append(Candidate(response, words, text))
    return candidates


def _exempt(text: str, exempt: tuple[re.Pattern[str], ...]) -> bool:
    """Whether an ``exempt`` pattern is found in ``text``: all of them in one pass when they can be one."""
    combined = either(exempt)
    if combined is not None:
        return combined.search(text) is not None
    return any(pattern.search(text) for pattern in exempt)


def _fold(word: str, folded: dict[str, str]) -> str:
    """``word`` case-folded, curly apostrophes plain; worked out once per distinct word (a
    publication repeats its words), the same string object for each (so compared quickly)."""
    plain = folded[word] = sys.intern(word.casefold().replace("’", "'"))
    return plain


def _same_action(first: Response, second: Response) -> bool:
    one, other = first.page, second.page
    if one.action_number is None or other.action_number is None:
        return one.path == other.path
    return one.action_number == other.action_number


def _action(response: Response) -> tuple[bool, int | str]:
    """What ``_same_action`` compares: two responses are on the same action when these are equal."""
    page = response.page
    return (True, page.action_number) if page.action_number is not None else (False, page.path)


class _Matcher:
    """Finds, for each of one department's statements, its first copy in order, as the plain
    loop "each other statement in order until one is a copy" would, without comparing every pair.

    A copy is either the same words (looked up by the words) or, between statements of at least
    ``min_words`` words, at most ``k = max_changed_words`` words added, dropped or replaced. Only
    the others the pigeonhole (segment) filter lets through are tried for the second kind: each
    wording of ``L`` words is cut into ``k + 1`` runs of words, numbered from 0 (the same ``L``
    always cut the same way), and indexed under each run, with ``L`` and the run's number.

    Why nothing is missed: of a copy's ``E <= k`` changes, each falls in one run (a word added
    between two runs counts in one of them), so some run is in the copy unchanged and unbroken.
    Going through the runs, "changes so far minus runs passed" starts at 0, ends at ``E - k - 1``
    and goes down, by one, only over an unchanged run: the unchanged run ``i`` where it steps below
    ``E - k`` has ``i + E - k <= i`` changes before it and ``k - i`` at most after it. Its start
    has moved by ``s`` words, which the changes before it make up, and those after it make up the
    rest of the difference ``d`` in length: ``|s| <= i`` and ``|d - s| <= k - i``. So a statement
    of ``n`` words looks up, for each ``L`` within ``k`` of ``n`` and each run ``i``, its own
    words where run ``i`` would be, moved by each such ``s``: every wording within ``k`` of it is
    under one of those keys. What is found is tried in order, jumping over runs of statements on
    the same action, as the loop skips them. When ``min_words`` is ``k`` or less a wording may be
    cut into runs of no words and two statements may share no word and be within ``k``: then
    every other statement is tried, as in the plain loop.
    """

    def __init__(self, candidates: Sequence[Candidate], options: Options) -> None:
        self.candidates = candidates
        self.options = options
        self.same_words: dict[tuple[str, ...], list[int]] = {}
        for at, candidate in enumerate(candidates):
            self.same_words.setdefault(candidate.words, []).append(at)
        #: where the run of statements on the same action as each one ends (the loop skips them)
        actions = [_action(candidate.response) for candidate in candidates]
        self.run_end = list(range(1, len(candidates) + 1))
        for at in range(len(candidates) - 2, -1, -1):
            if actions[at] == actions[at + 1]:
                self.run_end[at] = self.run_end[at + 1]
        self.everyone = options.min_words <= options.max_changed_words
        self.cuts: dict[int, list[tuple[int, int]]] = {}
        #: by a wording's length and run number, then by the run's words: the statements (sorted)
        self.postings: dict[tuple[int, int], dict[tuple[str, ...], list[int]]] = {}
        #: by a statement's length: where its words are looked up (see ``_lookups``)
        self.lookups: dict[int, list[tuple[dict[tuple[str, ...], list[int]], int, int, int]]] = {}
        self.sources: dict[tuple[str, ...], list[Sequence[int]]] = {}
        if not self.everyone:
            self._index()

    def _cut(self, length: int) -> list[tuple[int, int]]:
        """Where each of the ``k + 1`` runs of a wording of ``length`` words starts, and how long it
        is: as even as can be, the first ``length % (k + 1)`` one word longer."""
        cut = self.cuts.get(length)
        if cut is None:
            size, longer = divmod(length, self.options.max_changed_words + 1)
            cut = []
            start = 0
            for number in range(self.options.max_changed_words + 1):
                run = size + (number < longer)
                cut.append((start, run))
                start += run
            self.cuts[length] = cut
        return cut

    def _index(self) -> None:
        """Each long enough wording under its ``k + 1`` runs of words (once per distinct wording:
        a publication repeats its statements)."""
        postings: dict[tuple[int, int], dict[tuple[str, ...], list[list[int]]]] = {}
        for words, ats in self.same_words.items():
            length = len(words)
            if length < self.options.min_words:
                continue
            for number, (start, run) in enumerate(self._cut(length)):
                runs = postings.setdefault((length, number), {})
                runs.setdefault(words[start : start + run], []).append(ats)
        for key, runs in postings.items():
            self.postings[key] = {
                run: lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
                for run, lists in runs.items()
            }

    def _lookups(self, length: int) -> list[tuple[dict[tuple[str, ...], list[int]], int, int, int]]:
        """Where a statement of ``length`` words looks its own words up, worked out once per
        length: for each length ``L`` within ``k`` of it and each run ``i`` of a wording of ``L``
        words, the wordings indexed under ``(L, i)`` (by their run), the run's length, and the first
        and last place in the statement where the run may start (run ``i`` moved by ``s`` words:
        ``|s| <= i`` and ``|difference - s| <= k - i``); only keys some wording is indexed under."""
        lookups = self.lookups.get(length)
        if lookups is not None:
            return lookups
        lookups = []
        limit = self.options.max_changed_words
        for other_length in range(max(self.options.min_words, length - limit), length + limit + 1):
            difference = length - other_length
            for number, (start, run) in enumerate(self._cut(other_length)):
                runs = self.postings.get((other_length, number))
                if runs is None:
                    continue
                least = max(-number, difference - limit + number)
                most = min(number, difference + limit - number)
                first, last = max(0, start + least), min(length - run, start + most)
                if first <= last:
                    lookups.append((runs, run, first, last))
        self.lookups[length] = lookups
        return lookups

    def _sources(self, words: tuple[str, ...]) -> list[Sequence[int]]:
        """The statements that may be copies of a statement of these words, as sorted lists: those
        with the same words, and those under a key the segment filter looks up (worked out once)."""
        sources = self.sources.get(words)
        if sources is not None:
            return sources
        found: dict[int, Sequence[int]] = {}
        same = self.same_words[words]
        found[id(same)] = same
        if len(words) >= self.options.min_words:
            for runs, run, first, last in self._lookups(len(words)):
                for at in range(first, last + 1):
                    posting = runs.get(words[at : at + run])
                    if posting is not None:
                        found[id(posting)] = posting
        sources = self.sources[words] = list(found.values())
        return sources

    def first_copy(self, at: int) -> tuple[Candidate, int] | None:
        """The first other statement (in order, not on the same action) that is a copy of statement
        ``at``, and how many words were changed; None when there is none."""
        candidate = self.candidates[at]
        everyone: list[Sequence[int]] = [range(len(self.candidates))]
        sources = everyone if self.everyone else self._sources(candidate.words)
        cursor = 0
        while True:
            other_at = _next_at_or_after(sources, cursor)
            if other_at is None:
                return None
            other = self.candidates[other_at]
            if other_at == at or _same_action(candidate.response, other.response):
                # the statement itself, or one on the same action: so is the rest of its run
                cursor = self.run_end[other_at] if other_at != at else at + 1
                continue
            changed = self._changed(candidate, other)
            if changed is not None:
                return other, changed
            cursor = other_at + 1

    def _changed(self, candidate: Candidate, other: Candidate) -> int | None:
        """How many words ``candidate`` changes from ``other`` if it is a copy of it, else None."""
        options = self.options
        if candidate.words == other.words:
            return 0
        if min(len(candidate.words), len(other.words)) >= options.min_words:
            changed = word_distance(other.words, candidate.words, options.max_changed_words)
            if changed <= options.max_changed_words:
                return changed
        return None


def _next_at_or_after(sources: Sequence[Sequence[int]], cursor: int) -> int | None:
    """The smallest index at or after ``cursor`` in any of ``sources`` (each sorted)."""
    best: int | None = None
    for source in sources:
        where = bisect_left(source, cursor)
        if where < len(source) and (best is None or source[where] < best):
            best = source[where]
    return best


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    """Each department's statements in turn: only one department's words and index are held at a
    time (for the whole publication at once they were the run's peak)."""
    told: dict[tuple[str, str], str] = {}  # how two texts differ, said once
    folded: dict[str, str] = {}
    for responses in by_department(all_responses(context)).values():
        candidates = _candidates(rule, context, responses, folded)
        matcher = _Matcher(candidates, rule.options)
        for at, candidate in enumerate(candidates):
            found = matcher.first_copy(at)
            if found is not None:
                other, changed = found
                yield _finding(rule, candidate, other, changed, told)


def differing_words(one: Candidate, other: Candidate) -> list[str]:
    """The words that differ, as written, ``one``'s for ``other``'s: ``['"The"', '"over" for "more"']``."""
    matcher = difflib.SequenceMatcher(None, other.words, one.words, autojunk=False)
    found: list[str] = []
    mine_shown, their_shown = one.shown, other.shown
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        theirs, mine = " ".join(their_shown[old_start:old_end]), " ".join(mine_shown[new_start:new_end])
        if tag == "replace":
            found.append(f'"{mine}" for "{theirs}"')
        elif tag != "equal":
            found.append(f'"{mine or theirs}"')
    return found


def _finding(
    rule: Rule[Options],
    one: Candidate,
    other: Candidate,
    changed: int,
    told: dict[tuple[str, str], str],
) -> Finding:
    response, copy = one.response, other.response
    statement, copied = response.block.statement, copy.block.statement
    assert statement is not None and statement.text_span is not None
    assert copied is not None and copied.text_span is not None
    where = action_label(copy.page)
    if changed == 0:
        how = "word for word"
    else:
        texts = one.text, other.text
        words = told.get(texts)
        if words is None:  # the same pair of wordings is told apart once (a diff is costly)
            words = told[texts] = ", ".join(differing_words(one, other))
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
