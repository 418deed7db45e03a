r"""``statement-pattern``: statement text that matches a pattern, such as placeholder text.

Two kinds of pattern, both regular expressions run by RE2 (linear in the text: Python's syntax
without lookaround or backreferences, see ``checker.config.yamlfile``), read after curly quotes
and ``…`` are made plain (so ``Coming soon…`` and ``Coming soon...`` are the same):

- ``patterns`` are searched anywhere in the statement, links included: a stand-in that is wrong
  wherever it appears (``[insert figures]``, ``lorem ipsum``, ``TODO``).
- ``whole`` patterns must match the statement's *words* whole, ignoring case. The words are the
  statement without its links (``[Read more »](...)``, bare and HTML links, their text too) and
  markup (``**``, ``_``, `````, ``<br>``), spaces collapsed. They match when the words, or else
  each of their sentences (cut at ``. ! ? ; :`` and at a spaced dash), without the punctuation
  around them, fully match a ``whole`` pattern. So a word that is a stand-in only on its own
  (``tbc``, ``to be confirmed``, ``coming soon``) is flagged when it is all the statement says,
  and a real sentence that merely uses it is not.

Fails (placeholder-text's patterns): ``Coming soon...``, ``Awaiting DCLG confirmation``,
``tbc``, ``Statement coming soon. [Read more »](https://...)``,
``Awaiting Cabinet Office confirmation. [Read more »](https://...)``,
``Our campaign starts in spring. [insert figures]``.
Passes: ``We will cooperate with Government Digital Service ... [Read more »](https://...)``;
``Our agencies' websites will follow by March 2014, dates to be confirmed. [Read more »](...)``.

One finding per statement: for a ``whole`` match, the statement's words; else the first
``patterns`` match, or its ``text`` group when it has one (``(?P<text>\[insert[^\]]*\])(?:[^(]|\z)``:
what must follow is matched, as RE2 has no lookahead, but not shown). With ``placeholder: true``
a match also marks the statement as a stand-in, so ``read-more-missing`` leaves it alone.

A statement longer than ``statements.MAX_STATEMENT_CHARS`` (20,000 characters of plain text; a
real one is under a thousand) is not read: the rule reports it as too long to check, and it is
no stand-in.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from checker.checks.statements import (
    MAX_STATEMENT_CHARS,
    Words,
    either,
    linear,
    plain_positions,
    plain_text,
    statement_words,
    text_span,
    words_text,
)
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Page, Statement
from checker.model.finding import Finding

KIND = "statement-pattern"

SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+|\s+-+\s+")
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Options:
    patterns: tuple[re.Pattern[str], ...] = ()  # searched anywhere in the statement's text
    whole: tuple[re.Pattern[str], ...] = ()  # matched against the whole of its words, case ignored
    placeholder: bool = False  # a match means the department has not really responded

    def __post_init__(self) -> None:
        whole = tuple(linear(pattern, ignore_case=True) for pattern in self.whole)
        for pattern in whole:
            if pattern.fullmatch(""):
                raise ValueError(f"the whole pattern {pattern.pattern!r} matches empty text")
        object.__setattr__(self, "whole", whole)
        object.__setattr__(self, "patterns", tuple(linear(pattern) for pattern in self.patterns))


@dataclass(frozen=True)
class Hit:
    """What matched, as a range of ``plain_text(statement)``."""

    start: int
    end: int
    text: str


def bare(part: str) -> str:
    """A sentence without the punctuation around it, unless that is all it is: ``(TBC.)`` -> ``TBC``.

    The end is found on the reversed text: ``[\\W_]+$`` would try every start in a run of
    punctuation, and take time quadratic in it.
    """
    leading = _PUNCTUATION.match(part)
    trailing = _PUNCTUATION.match(part[::-1])
    start = leading.end() if leading else 0
    end = len(part) - (trailing.end() if trailing else 0)
    return part[start:end] if start < end else part


def sentences(text: str) -> list[str]:
    """``Coming soon. Awaiting DCLG confirmation.`` -> ``["Coming soon.", "Awaiting DCLG confirmation."]``."""
    return [part for part in SENTENCE_BREAK.split(text) if part]


def is_stand_in(text: str, whole: tuple[Any, ...]) -> bool:
    """Whether ``text``, without the punctuation around it, fully matches one of ``whole``."""
    if not whole:
        return False
    plain = bare(text)
    combined = either(whole)
    if combined is not None:
        return combined.fullmatch(plain) is not None
    return any(pattern.fullmatch(plain) for pattern in whole)


def whole_match(options: Options, words: Words) -> Hit | None:
    """The words as a ``Hit`` when they, or else each of their sentences, are a stand-in."""
    if words.text and stand_in_words(words.text, options.whole):
        return Hit(words.index[0], words.index[-1] + 1, words.text)
    return None


def stand_in_words(text: str, whole: tuple[Any, ...]) -> bool:
    """Whether a statement's words (``text``), or else each of their sentences, are a stand-in."""
    if is_stand_in(text, whole):
        return True
    parts = sentences(text)
    return parts != [text] and all(is_stand_in(part, whole) for part in parts)  # one: asked already


def _hit(match: Any) -> Hit:
    """What a ``patterns`` match shows: its ``text`` group when it has one that took part, else all."""
    group = match.re.groupindex.get("text", 0)
    if match.start(group) < 0:
        group = 0
    start, end = match.span(group)
    return Hit(start, end, match.group(group).strip())


def search_match(options: Options, text: str) -> Hit | None:
    combined = either(options.patterns)
    if combined is not None and combined.search(text) is None:
        return None  # the usual case: no pattern matches, found in one pass
    hits = [_hit(match) for pattern in options.patterns if (match := pattern.search(text))]
    return min(hits, key=lambda hit: hit.start, default=None)


def first_match(options: Options, statement: Statement) -> Hit | None:
    """The stand-in: the words if a ``whole`` pattern matches them, else the first ``patterns`` match;
    None for a statement too long to check."""
    plain = plain_text(statement)
    return None if len(plain) > MAX_STATEMENT_CHARS else _first_match(options, statement, plain)


def _first_match(options: Options, statement: Statement, plain: str) -> Hit | None:
    return _RECENT.get(options, statement, lambda: _match(options, statement, plain))


def _match(options: Options, statement: Statement, plain: str) -> Hit | None:
    whole = _whole_match(options, statement, plain) if options.whole else None
    return whole or search_match(options, plain)


class _Recent:
    """The stand-ins of the last statements read, by rule options and statement (held, so their
    ids stay theirs): the placeholder rule reads each statement of a page, then ``read-more``
    asks whether it is a placeholder, which is the same question. A few hundred kilobytes at most.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: dict[tuple[int, int], tuple[Options, Statement, Hit | None]] = {}
        self._lock = threading.Lock()

    def get(self, options: Options, statement: Statement, work: Callable[[], Hit | None]) -> Hit | None:
        key = (id(options), id(statement))
        with self._lock:
            known = self._found.get(key)
        if known is not None and known[0] is options and known[1] is statement:
            return known[2]
        hit = work()
        with self._lock:
            if len(self._found) >= self._size:
                del self._found[next(iter(self._found))]  # the oldest
            self._found[key] = (options, statement, hit)
        return hit


_RECENT = _Recent(1024)


def _whole_match(options: Options, statement: Statement, plain: str) -> Hit | None:
    """``whole_match`` of the statement's words; where they come from is worked out only for a stand-in."""
    text = words_text(statement, plain)
    if not text or not stand_in_words(text, options.whole):
        return None
    return whole_match(options, statement_words(statement, plain))


def _too_long(rule: Rule[Options], page: Page, block: DepartmentBlock, length: int) -> Finding:
    """The rule's finding for a statement it does not read, saying so."""
    statement = block.statement
    assert statement is not None
    finding = rule.finding(
        page, statement.text_span or statement.span, department=block.name, subject="too long", text=""
    )
    whose = f"{block.name}: the statement" if block.name else "The statement"
    return dataclasses.replace(
        finding,
        message=f"{whose} is {length:,} characters long, too long to check for {rule.id} "
        f"(statements of up to {MAX_STATEMENT_CHARS:,} characters are read)",
        fix="Shorten the statement: is all of it the department's response?",
    )


def check(rule: Rule[Options], page: Page, block: DepartmentBlock, context: Context) -> Iterator[Finding]:
    statement = block.statement
    if statement is None:
        return
    plain = plain_text(statement)
    if len(plain) > MAX_STATEMENT_CHARS:
        yield _too_long(rule, page, block, len(plain))
        return
    hit = _first_match(rule.options, statement, plain)
    if hit is None:
        return
    positions = plain_positions(statement)
    start, end = hit.start, hit.end
    if start == end:  # a pattern that matched nothing visible: point at the whole text
        start, end = 0, len(positions) - 1
    yield rule.finding(
        page,
        text_span(positions, start, end),
        department=block.name,
        subject=hit.text.casefold(),
        text=hit.text,
    )


CHECK = CheckKind(KIND, Options, frozenset({"text"}), Scope.BLOCK, check)
