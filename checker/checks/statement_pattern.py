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
from typing import Any, cast

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

#: where a statement's sentences break: spaces after ``.!?;:``, or a dash between spaces. Written
#: ``(?<=[.!?;:])\s+|\s+-+\s+``, it matches the same; starting with the ``\s`` both need, the search
#: skips to the next space instead of trying both at every character (twice as fast)
SENTENCE_BREAK = re.compile(r"\s(?:(?<=[.!?;:]\s)\s*|\s*-+\s+)")
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
    return bool(whole) and _fully(bare(text), whole, either(whole))


def _fully(plain: str, whole: tuple[Any, ...], combined: Any | None) -> bool:
    """Whether ``plain`` fully matches one of ``whole``; ``combined`` is ``either(whole)``."""
    if combined is not None:
        return combined.fullmatch(plain) is not None
    return any(pattern.fullmatch(plain) for pattern in whole)


def whole_match(options: Options, words: Words) -> Hit | None:
    """The words as a ``Hit`` when they, or else each of their sentences, are a stand-in."""
    if words.text and stand_in_words(words.text, options.whole):
        return Hit(words.index[0], words.index[-1] + 1, words.text)
    return None


def stand_in_words(text: str, whole: tuple[Any, ...]) -> bool:
    """Whether a statement's words (``text``), or else each of their sentences, are a stand-in.

    ``is_stand_in(text)``, or else ``all(is_stand_in(part) for part in sentences(text))`` when
    that is more than ``[text]`` (one sentence: asked already). The sentences are read as they are
    cut, and no further than the first that is no stand-in (usually the first of a real statement):
    a real statement is not cut whole. ``sentences`` gives ``[text]`` exactly when no break is found
    in a non-empty text (a break is never empty, so any part of a text with one is shorter).
    """
    if not whole:
        return _all_sentences(text, lambda part: False)
    combined = either(whole)  # once per statement, not once per sentence
    if _fully(bare(text), whole, combined):
        return True
    return _all_sentences(text, lambda part: _fully(bare(part), whole, combined))


def _all_sentences(text: str, stand_in: Callable[[str], bool]) -> bool:
    """``parts != [text] and all(stand_in(part) for part in parts)``, ``parts = sentences(text)``,
    cutting ``text`` no further than the first part that is no stand-in."""
    breaks = SENTENCE_BREAK.finditer(text)
    found = next(breaks, None)
    if found is None:  # sentences(text) is [text], or [] for an empty text
        return not text
    start = 0
    while found is not None:
        part = text[start : found.start()]
        if part and not stand_in(part):
            return False
        start = found.end()
        found = next(breaks, None)
    part = text[start:]
    return not part or stand_in(part)


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
    known = _RECENT.find(options, statement)  # only statements short enough to check are kept
    if known is not _UNKNOWN:
        return cast("Hit | None", known)
    plain = plain_text(statement)
    if len(plain) > MAX_STATEMENT_CHARS:
        return None
    return _RECENT.keep(options, statement, _match(options, statement, plain))


def _match(options: Options, statement: Statement, plain: str, context: Context | None = None) -> Hit | None:
    whole = _whole_match(options, statement, plain, context) if options.whole else None
    return whole or search_match(options, plain)


_UNKNOWN = object()  # what ``_Recent.find`` gives for a statement it does not hold


class _Recent:
    """The stand-ins of the last statements read, by rule options and statement (held, so their
    ids stay theirs): the placeholder rule reads each statement of a page, then ``read-more``
    asks whether it is a placeholder, which is the same question. A few hundred kilobytes at most.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: dict[tuple[int, int], tuple[Options, Statement, Hit | None]] = {}
        self._lock = threading.Lock()

    def find(self, options: Options, statement: Statement) -> object:
        """The stand-in kept for ``statement`` read with ``options``, else ``_UNKNOWN``."""
        with self._lock:
            known = self._found.get((id(options), id(statement)))
        if known is not None and known[0] is options and known[1] is statement:
            return known[2]
        return _UNKNOWN

    def keep(self, options: Options, statement: Statement, hit: Hit | None) -> Hit | None:
        """Keep ``hit``, what ``statement`` read with ``options`` gives, and give it back."""
        with self._lock:
            if len(self._found) >= self._size:
                del self._found[next(iter(self._found))]  # the oldest
            self._found[id(options), id(statement)] = (options, statement, hit)
        return hit


_RECENT = _Recent(1024)


def shared_words_text(context: Context | None, statement: Statement, plain: str) -> str:
    """``words_text(statement, plain)``, worked out once per statement in the run given the run's
    ``context``: ``placeholder-text`` reads the words of every statement, and ``statement-duplicate``
    reads them again. Kept by the statement's identity (the statement held, so that its id stays
    its own): statements are immutable.
    """
    if context is None:
        return words_text(statement, plain)
    table: dict[int, tuple[Statement, str]] = context.shared(words_text, dict)
    known = table.get(id(statement))
    if known is not None and known[0] is statement:
        return known[1]
    text = words_text(statement, plain)
    table[id(statement)] = (statement, text)
    return text


def _whole_match(
    options: Options, statement: Statement, plain: str, context: Context | None = None
) -> Hit | None:
    """``whole_match`` of the statement's words; where they come from is worked out only for a stand-in."""
    text = shared_words_text(context, statement, plain)
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
    hit = _RECENT.find(rule.options, statement)  # kept: read already, and not too long
    if hit is _UNKNOWN:
        plain = plain_text(statement)
        if len(plain) > MAX_STATEMENT_CHARS:
            yield _too_long(rule, page, block, len(plain))
            return
        hit = _RECENT.keep(rule.options, statement, _match(rule.options, statement, plain, context))
    if not isinstance(hit, Hit):
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
