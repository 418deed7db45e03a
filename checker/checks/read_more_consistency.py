"""``read-more-consistency``: a department's "Read more »" URL that differs from the rest of the publication.

The reference for a department is its entry in the index (``_index.md``, or the page the
``index`` option names); when the run has no index, or the index has no link for that
department, it is the URL the department's "Read more" links use on more than half of its
other action pages, and on at least two of them.

Fails (index: ``- [Home Office Digital Strategy](http://www.homeoffice.gov.uk/digital/)``):
a Home Office ``[Read more »](http://www.homeoffice.gov.uk/strategy.pdf)`` on an action page
(a warning; the finding points at the index entry too). Without an index: the one page out of
four where the Home Office links another document than on the three others.
Info only: ``[Read more »](http://www.homeoffice.gov.uk/digital/#section-2)``, a link into the
same document as the reference with another fragment (``fragments: false`` leaves it out).
Passes: the same document written another way (``https``, a trailing ``/``, host case: see
``read_more_target.document_key``; ``link-insecure`` is the rule for ``http``); a department
with no reference (no index entry with a link, and no URL used on most of its other pages);
a single page checked on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from checker.checks.publication import (
    IndexEntry,
    Response,
    action_label,
    all_responses,
    department_key,
    find_index,
    index_entries,
    read_more_links,
)
from checker.checks.read_more_target import document_keys
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import Link, Page
from checker.model.finding import Finding, Related, Severity

KIND = "read-more-consistency"
#: without the index, a URL is the department's usual one when more than half of its other pages,
#: and at least this many, use it: with one other page, neither of the two can be told right
MAJORITY_AT_LEAST = 2
INDEX, MAJORITY = "in the index", "on most of its other pages"


@dataclass(frozen=True)
class Options:
    index: str = "_index.md"  # the index page's file name (a glob matched from the end of its path)
    fragments: bool = True  # report a link that differs from the reference only in its fragment (as info)


@dataclass(frozen=True)
class Reference:
    url: str
    source: str  # "in the index", "on most of its other pages"
    related: Related


def fragment(url: str) -> str:
    try:
        return urlsplit(url).fragment
    except ValueError:
        return ""


class Tally:
    """How one department's "Read more" links spread over its pages, by ``key`` (the document, or
    the exact URL), so that what "its other pages" use is read for each page in time linear in
    the department's links overall, not once per link over all of them.

    ``uses`` are in response order; "the other pages" of a page are every use not on it.
    """

    def __init__(self, uses: Sequence[tuple[Response, Link]], key: Callable[[str], str]) -> None:
        self.uses = uses
        self.key = key
        keys = [key(link.url) for _, link in uses]
        self._total: Counter[str] = Counter(keys)
        self._on_page: dict[int, Counter[str]] = {}
        self._first: dict[str, int] = {}  # where each key is first used
        self._first_elsewhere: dict[str, int] = {}  # ... and first used on another page than that
        for at, ((response, _), used) in enumerate(zip(uses, keys, strict=True)):
            on_page = self._on_page.get(id(response.page))
            if on_page is None:  # a Counter made only for a page's first use, not for each
                on_page = self._on_page[id(response.page)] = Counter()
            on_page[used] += 1
            first = self._first.setdefault(used, at)
            if used not in self._first_elsewhere and uses[first][0].page is not response.page:
                self._first_elsewhere[used] = at
        #: the keys, most used first, then by first use: the top of any page's others is the first
        #: of these not on that page, unless one of that page's own keys beats it
        self._ranking = sorted(self._total, key=lambda used: (-self._total[used], self._first[used]))
        self._tops: dict[int, tuple[str, int, int] | None] = {}

    def others(self, page: Page) -> int:
        """How many of the department's links are on other pages than ``page``."""
        return len(self.uses) - sum(self._on_page.get(id(page), {}).values())

    def top(self, page: Page) -> tuple[str, int, int] | None:
        """The key used most on the other pages than ``page`` (a tie goes to the one used first there),
        how many times, and where it is first used there; None when there is no other page.

        What ``Counter(keys of the others).most_common(1)`` gives, and the first other with it.
        """
        if id(page) in self._tops:
            return self._tops[id(page)]
        mine = self._on_page.get(id(page), Counter())
        best: tuple[int, int, str] | None = None  # (count, -first use among the others, key)
        for used in self._ranking:  # passes at most the page's own keys
            if used not in mine:
                best = (self._total[used], -self._first[used], used)
                break
        for used, here in mine.items():
            count = self._total[used] - here
            if count:
                first = self._first[used]
                at = self._first_elsewhere[used] if self.uses[first][0].page is page else first
                if best is None or (count, -at) > best[:2]:
                    best = (count, -at, used)
        found = (best[2], best[0], -best[1]) if best is not None else None
        self._tops[id(page)] = found
        return found

    def majority(self, page: Page, department: str) -> Reference | None:
        """The URL (as ``key`` reads it) of more than half of the links on the other pages than
        ``page`` (and at least two), with the first link there that uses it."""
        top = self.top(page)
        if top is None:
            return None
        _, count, at = top
        if count < MAJORITY_AT_LEAST or count * 2 <= self.others(page):
            return None
        response, link = self.uses[at]
        related = Related(
            response.page.path, link.span, f"{action_label(response.page)} links {department} to {link.url}"
        )
        return Reference(link.url, MAJORITY, related)

    def describe(self, page: Page, expected: str) -> str:
        """What the department's other pages than ``page`` use: ``12 of its 13 other pages use it``."""
        top = self.top(page)
        if top is None:
            return 'no other page has a "Read more" link for it'
        used, count, at = top
        shown = "it" if used == self.key(expected) else self.uses[at][1].url
        total = self.others(page)
        if total == 1:
            return f"its other page uses {shown}"
        if count == total:
            return f"its {total} other pages all use {shown}"
        return f"{count} of its {total} other pages use {shown}"


def _finding(
    rule: Rule[Options], response: Response, link: Link, others: str, reference: Reference
) -> Finding:
    return rule.finding(
        response.page,
        link.span,
        department=response.name,
        url=link.url,
        expected=reference.url,
        source=reference.source,
        difference="",
        others=others,
        suggestion=f"Link to {reference.url}, or correct the index if it is the one that is wrong."
        if reference.source == INDEX
        else f"Link to {reference.url}, as the department's other pages do.",
        related=(reference.related,),
    )


def _fragment_finding(
    rule: Rule[Options], response: Response, link: Link, others: str, reference: Reference
) -> Finding:
    return rule.finding(
        response.page,
        link.span,
        department=response.name,
        url=link.url,
        severity=Severity.INFO,
        expected=reference.url,
        source=reference.source,
        difference=" (only the fragment differs)",
        others=others,
        suggestion="Nothing to change if the link is meant to go to that part of the document; "
        f"else link to {reference.url}.",
        related=(reference.related,),
    )


def _same(url: str) -> str:
    return url


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    index = find_index(context.pages, rule.options.index)
    entries: dict[str, IndexEntry] = {}
    for entry in index_entries(index) if index is not None else ():
        if entry.url:
            entries.setdefault(department_key(context, entry.name), entry)
    by_department: dict[str, list[tuple[Response, Link]]] = {}
    for response in all_responses(context):
        for link in read_more_links(response):
            by_department.setdefault(response.key, []).append((response, link))
    document = document_keys(context)
    for key, links in by_department.items():
        documents, exact = Tally(links, document), Tally(links, _same)
        listed = entries.get(key)
        for response, link in links:
            page = response.page
            reference: Reference | None
            same: Reference | None
            if index is not None and listed is not None and listed.url is not None:
                said = f"the index gives {listed.url} for {response.name}"
                reference = same = Reference(listed.url, INDEX, Related(index.path, listed.span, said))
            else:
                reference, same = documents.majority(page, response.name), exact.majority(page, response.name)
            if reference is not None and document(link.url) != document(reference.url):
                yield _finding(rule, response, link, documents.describe(page, reference.url), reference)
            elif (
                rule.options.fragments
                and same is not None
                and document(same.url) == document(link.url)
                and fragment(same.url) != fragment(link.url)
            ):
                yield _fragment_finding(rule, response, link, exact.describe(page, same.url), same)


CHECK = CheckKind(
    KIND,
    Options,
    frozenset({"expected", "source", "difference", "others", "suggestion"}),
    Scope.PUBLICATION,
    check,
)
