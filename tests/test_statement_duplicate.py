"""The statement-duplicate matcher's segment filter finds what trying every other statement finds.

Statements here are drawn from a vocabulary of a few words, so every word is common and repeated
(what made the earlier, rarest-words filter try nearly every pair), and near copies, some just
within the changes allowed and some just over, are everywhere: around each cut between the
filter's runs of words, at the ends, and in statements only just long enough to count.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from checker.checks import statement_duplicate
from checker.checks.publication import Response
from checker.checks.statement_duplicate import Candidate, Options, _Matcher
from checker.model import DepartmentBlock, Page, PageKind, Span


def _page(number: int | None, path: str) -> Page:
    return Page(path, PageKind.DEPARTMENT_RESPONSE, number, None, None, (), (), ())


def _candidate(page: Page, words: Sequence[str]) -> Candidate:
    response = Response(page, DepartmentBlock(Span.of(1, 1, 1, 1), None, None), "Home Office", "Home Office")
    return Candidate(response, tuple(words), " ".join(word.upper() for word in words))


def _distance(first: Sequence[str], second: Sequence[str], limit: int) -> int:
    """Words added, dropped or replaced (the whole edit table, as ``word_distance`` was before it
    was banded); ``limit + 1`` once over ``limit``."""
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


def _same_action(one: Page, other: Page) -> bool:
    if one.action_number is None or other.action_number is None:
        return one.path == other.path
    return one.action_number == other.action_number


def _first_copy(candidates: Sequence[Candidate], at: int, options: Options) -> tuple[int, int] | None:
    """Each other statement in order, not on the same action, until one is within ``k``."""
    candidate = candidates[at]
    for position, other in enumerate(candidates):
        if position == at or _same_action(candidate.response.page, other.response.page):
            continue
        if candidate.words == other.words:
            return position, 0
        if min(len(candidate.words), len(other.words)) >= options.min_words:
            changed = _distance(other.words, candidate.words, options.max_changed_words)
            if changed <= options.max_changed_words:
                return position, changed
    return None


def _edited(rng: random.Random, words: list[str], vocabulary: str, edits: int) -> list[str]:
    changed = list(words)
    for _ in range(edits):
        what = rng.randrange(3)
        if what == 0 and changed:
            changed.pop(rng.randrange(len(changed)))
        elif what == 1:
            changed.insert(rng.randint(0, len(changed)), rng.choice(vocabulary))
        elif changed:
            changed[rng.randrange(len(changed))] = rng.choice(vocabulary)
    return changed


def _statements(rng: random.Random, limit: int, min_words: int) -> list[Candidate]:
    """One department's statements: near copies of a few wordings about ``min_words`` long, on pages
    whose action numbers repeat (several statements on one action), in order or not."""
    pages = [_page(rng.choice([None, *range(1, 5)]), f"_action{n:02d}.md") for n in range(rng.randint(1, 8))]
    if rng.random() < 0.7:
        pages.sort(key=lambda page: (page.action_number if page.action_number is not None else 99, page.path))
    vocabulary = "abcde"[: rng.randint(1, 5)]
    templates = [
        [rng.choice(vocabulary) for _ in range(max(0, min_words + rng.randint(-limit - 1, 3 * limit + 12)))]
        for _ in range(rng.randint(1, 3))
    ]
    candidates = []
    for page in pages:
        for _ in range(rng.randint(1, 4)):
            words = _edited(rng, rng.choice(templates), vocabulary, rng.randrange(limit + 3))
            if words:
                candidates.append(_candidate(page, words))
    if rng.random() < 0.2:  # out of order: the first copy may come before the statement
        rng.shuffle(candidates)
    return candidates


@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_the_segment_filter_finds_the_first_copy_the_plain_loop_finds(limit: int) -> None:
    rng = random.Random(1000 + limit)
    compared = near = 0
    changes: Counter[int] = Counter()
    for _ in range(1_000):
        min_words = rng.choice([0, limit, limit + 1, limit + 2, 2 * limit + 3, 5, 9, 12, 20])
        options = Options(max_changed_words=limit, min_words=min_words)
        candidates = _statements(rng, limit, min_words)
        matcher = _Matcher(candidates, options)
        for at in range(len(candidates)):
            found = matcher.first_copy(at)
            got = (
                None
                if found is None
                else (next(i for i, c in enumerate(candidates) if c is found[0]), found[1])
            )
            expected = _first_copy(candidates, at, options)
            assert got == expected, (options, [" ".join(c.words) for c in candidates], at)
            compared += 1
            if expected is not None:
                changes[expected[1]] += 1
                near += expected[1] > 0 and min_words > limit  # found through the filter
    assert compared > 3_000 and sum(changes.values()) > compared // 4
    assert set(changes) == set(range(limit + 1))  # copies with every number of changes allowed
    assert near > 1_000 or limit == 0


def test_statements_of_common_words_are_not_all_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long statements of four words over and over, none a copy: the filter lets few pairs through
    (the rarest-words filter compared nearly every pair: every word was as common as the others)."""
    rng = random.Random(7)
    candidates = [_candidate(_page(n, f"_action{n:03d}.md"), rng.choices("abcd", k=30)) for n in range(400)]
    calls: Counter[str] = Counter()
    original = statement_duplicate.word_distance

    def counting(*args: Any) -> int:
        calls["word_distance"] += 1
        return original(*args)

    monkeypatch.setattr(statement_duplicate, "word_distance", counting)
    matcher = _Matcher(candidates, Options())
    assert [matcher.first_copy(at) for at in range(len(candidates))] == [None] * len(candidates)
    assert calls["word_distance"] < len(candidates), calls
