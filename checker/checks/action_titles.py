"""``strategy-title``: an action page's ``#Action NN:`` title that is not the strategy chapter's.

The chapter is the page the ``strategy`` option names, or by convention the first page (by
path) that is not an action page and holds ``####Action NN: title`` headings. Titles are
compared as a reader sees them: entities decoded, curly quotes plain, spaces collapsed; case
and every word count. The message says, word by word, what the page lacks, adds or changes.

Fails: ``#Action 11: Cabinet Office will lead in the definition and delivery of a suite ...``
against ``####Action 11: Cabinet Office will lead in the definition and delivery of a new
suite ...`` (the page lacks "new").
Passes: the same words (``’`` for ``'``, two spaces for one); an action the chapter does not
define; a page with no ``#Action`` heading (``structure-action-heading`` reports it); a run
without the chapter.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from checker.checks.publication import ChapterAction, action_pages, chapter_actions, find_chapter, plain
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model.finding import Finding, Related

KIND = "strategy-title"


@dataclass(frozen=True)
class Options:
    """Where the strategy chapter is."""

    strategy: str = (
        ""  # the chapter's file name (a glob matched from the end of its path); "": by its headings
    )


def _quote(words: Sequence[str]) -> str:
    return '"' + " ".join(words) + '"'


def word_changes(expected: str, actual: str) -> list[str]:
    """What ``actual`` does differently from ``expected``, word by word, with a word of context.

    ``word_changes("a new suite", "a suite")`` -> ``['lacks "new" (the chapter: "a new suite")']``.
    """
    old, new = expected.split(), actual.split()
    changes: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        context = _quote(old[max(old_start - 1, 0) : old_end + 1])
        if tag == "delete":
            changes.append(f"lacks {_quote(old[old_start:old_end])} (the chapter: {context})")
        elif tag == "insert":
            page_context = _quote(new[max(new_start - 1, 0) : new_end + 1])
            changes.append(f"adds {_quote(new[new_start:new_end])} (the page: {page_context})")
        else:
            changes.append(
                f"has {_quote(new[new_start:new_end])} where the chapter has {_quote(old[old_start:old_end])}"
            )
    return changes


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    chapter = find_chapter(context.pages, rule.options.strategy)
    if chapter is None:
        return
    defined: dict[int, ChapterAction] = {}
    for heading in chapter_actions(chapter):
        defined.setdefault(heading.number, heading)
    for page in action_pages(context.pages):
        if page.action_number is None or page.title is None or page.title_span is None:
            continue
        action = defined.get(page.action_number)
        if action is None:
            continue
        expected, actual = plain(action.title), plain(page.title)
        if expected == actual:
            continue
        changes = word_changes(expected, actual)
        where = Related(
            chapter.path, action.span, f"the strategy chapter's title for action {action.number:02d}"
        )
        yield rule.finding(
            page,
            page.title_span,
            subject=f"action {page.action_number:02d}: {actual}",
            number=f"{page.action_number:02d}",
            difference="; ".join(changes),
            expected=action.title,
            related=(where,),
        )


CHECK = CheckKind(KIND, Options, frozenset({"number", "difference", "expected"}), Scope.PUBLICATION, check)
