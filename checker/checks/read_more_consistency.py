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
    department_key,
    find_index,
    index_entries,
    read_more_links,
    responses,
)
from checker.checks.read_more_target import document_key
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


def describe_others(urls: Sequence[str], expected: str, key: Callable[[str], str]) -> str:
    """What the department's other pages use: ``12 of its 13 other pages use it``."""
    if not urls:
        return 'no other page has a "Read more" link for it'
    counts = Counter(key(url) for url in urls)
    top, count = counts.most_common(1)[0]
    shown = "it" if top == key(expected) else next(url for url in urls if key(url) == top)
    total = len(urls)
    if total == 1:
        return f"its other page uses {shown}"
    if count == total:
        return f"its {total} other pages all use {shown}"
    return f"{count} of its {total} other pages use {shown}"


def _majority(
    others: Sequence[tuple[Response, Link]], key: Callable[[str], str], department: str
) -> Reference | None:
    """The URL (as ``key`` reads it) of more than half of ``others`` (and at least two), with the
    first link that uses it."""
    if not others:
        return None
    counts = Counter(key(link.url) for _, link in others)
    top, count = counts.most_common(1)[0]
    if count < MAJORITY_AT_LEAST or count * 2 <= len(others):
        return None
    response, link = next((response, link) for response, link in others if key(link.url) == top)
    related = Related(
        response.page.path, link.span, f"{action_label(response.page)} links {department} to {link.url}"
    )
    return Reference(link.url, MAJORITY, related)


def _references(
    index: Page | None, entry: IndexEntry | None, others: Sequence[tuple[Response, Link]], department: str
) -> tuple[Reference | None, Reference | None]:
    """What a link is compared with: as a document, and with its fragment (``None``: nothing to say)."""
    if index is not None and entry is not None and entry.url is not None:
        related = Related(index.path, entry.span, f"the index gives {entry.url} for {department}")
        reference = Reference(entry.url, INDEX, related)
        return reference, reference
    return _majority(others, document_key, department), _majority(others, lambda url: url, department)


def _finding(
    rule: Rule[Options], response: Response, link: Link, others: Sequence[str], reference: Reference
) -> Finding:
    return rule.finding(
        response.page,
        link.span,
        department=response.name,
        url=link.url,
        expected=reference.url,
        source=reference.source,
        difference="",
        others=describe_others(others, reference.url, document_key),
        suggestion=f"Link to {reference.url}, or correct the index if it is the one that is wrong."
        if reference.source == INDEX
        else f"Link to {reference.url}, as the department's other pages do.",
        related=(reference.related,),
    )


def _fragment_finding(
    rule: Rule[Options], response: Response, link: Link, others: Sequence[str], reference: Reference
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
        others=describe_others(others, reference.url, lambda url: url),
        suggestion="Nothing to change if the link is meant to go to that part of the document; "
        f"else link to {reference.url}.",
        related=(reference.related,),
    )


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    index = find_index(context.pages, rule.options.index)
    entries: dict[str, IndexEntry] = {}
    for entry in index_entries(index) if index is not None else ():
        if entry.url:
            entries.setdefault(department_key(context.registry, entry.name), entry)
    by_department: dict[str, list[tuple[Response, Link]]] = {}
    for response in responses(context.pages, context.registry):
        for link in read_more_links(response):
            by_department.setdefault(response.key, []).append((response, link))
    for key, links in by_department.items():
        for response, link in links:
            others = [(other, found) for other, found in links if other.page is not response.page]
            urls = [found.url for _, found in others]
            reference, exact = _references(index, entries.get(key), others, response.name)
            if reference is not None and document_key(link.url) != document_key(reference.url):
                yield _finding(rule, response, link, urls, reference)
            elif (
                rule.options.fragments
                and exact is not None
                and document_key(exact.url) == document_key(link.url)
                and fragment(exact.url) != fragment(link.url)
            ):
                yield _fragment_finding(rule, response, link, urls, exact)


CHECK = CheckKind(
    KIND,
    Options,
    frozenset({"expected", "source", "difference", "others", "suggestion"}),
    Scope.PUBLICATION,
    check,
)
