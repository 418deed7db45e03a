"""``index-coverage``: the index and the action pages disagree on who has a strategy.

Two faults, both needing the index (``_index.md``, or the page the ``index`` option names) and
at least one action page among the run's pages:

- a department answers on the action pages but the index has no item for it: reported on the
  index's list, pointing at the department's first response;
- an index item links a strategy that no link on any action page goes to (compared as
  documents: ``read_more_target.document_key``): reported on the item, pointing at the
  department's own "Read more" link when it has one elsewhere, else at the first action page.

Fails: an index without ``Home Office`` while action 05 has a ``##Home Office`` block; an item
``- [Home Office Digital Strategy](http://www.homeoffice.gov.uk/old/)`` when every Home Office
"Read more" goes to ``http://www.homeoffice.gov.uk/digital/``.
Passes: every answering department has an item, a plain item included (``- Department for
Communities and Local Government Digital Strategy (Awaiting DCLG confirmation)``: no strategy
yet); an item for a department that answers nowhere but whose link some page uses; a run
without the index or without action pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from checker.checks.publication import (
    Response,
    action_label,
    action_order,
    action_pages,
    all_responses,
    by_department,
    department_key,
    find_index,
    index_entries,
    list_span,
    read_more_links,
    title_span,
)
from checker.checks.read_more_target import document_keys
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import Page
from checker.model.finding import Finding, Related

KIND = "index-coverage"


@dataclass(frozen=True)
class Options:
    """Where the index page is."""

    index: str = "_index.md"  # the index page's file name (a glob matched from the end of its path)


def _missing(
    rule: Rule[Options], context: Context, index: Page, answered: Sequence[Response]
) -> Iterator[Finding]:
    """Departments that answer on the action pages with no item in the index."""
    listed = {department_key(context, entry.name) for entry in index_entries(index)}
    for key, mine in by_department(answered).items():
        if key in listed:
            continue
        response = mine[0]
        count = len({other.page.path for other in mine})
        urls = Counter(link.url for other in mine for link in read_more_links(other))
        known = context.lookup(response.name)
        strategy = urls.most_common(1)[0][0] if urls else (known.strategy if known else None)
        here = f"{response.name} answers {action_label(response.page)} here"
        yield rule.finding(
            index,
            list_span(index),
            department=response.name,
            subject=f"no item: {key}",
            fault=f"answers on {count} action page{'s' if count != 1 else ''} but has no item in the index",
            suggestion=f"Add an item for it: - [{response.name} Digital Strategy]({strategy or 'URL'})",
            related=(Related(response.page.path, response.heading_span, here),),
        )


def _unused(
    rule: Rule[Options], context: Context, index: Page, answered: Sequence[Response]
) -> Iterator[Finding]:
    """Index items whose link no action page uses."""
    document = document_keys(context)
    used = {
        document(link.url)
        for response in answered
        if response.block.statement is not None
        for link in response.block.statement.links
        if link.url
    }
    pages = sorted({response.page.path: response.page for response in answered}.values(), key=action_order)
    grouped = by_department(answered)
    for entry in index_entries(index):
        if entry.url is None or document(entry.url) in used:
            continue
        key = department_key(context, entry.name)
        own = next(
            ((response, link) for response in grouped.get(key, ()) for link in read_more_links(response)),
            None,
        )
        if own is not None:
            response, link = own
            where = f"{action_label(response.page)} links {response.name} to {link.url}"
            related = Related(response.page.path, link.span, where)
            suggestion = f"Give the URL its action pages use ({link.url}), or correct their links."
        elif pages:
            many = f"the {len(pages)} action pages" if len(pages) > 1 else "the action page"
            where = f"no link on {many} goes to {entry.url}"
            related = Related(pages[0].path, title_span(pages[0]), where)
            suggestion = "Check the URL, or remove the item if the department has no part in the publication."
        else:
            continue
        yield rule.finding(
            index,
            entry.span,
            department=entry.name,
            url=entry.url,
            fault=f"links {entry.url}, which no action page uses",
            suggestion=suggestion,
            related=(related,),
        )


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    index = find_index(context.pages, rule.options.index)
    if index is None or not action_pages(context.pages):
        return
    answered = all_responses(context)
    yield from _missing(rule, context, index, answered)
    yield from _unused(rule, context, index, answered)


CHECK = CheckKind(KIND, Options, frozenset({"fault", "suggestion"}), Scope.PUBLICATION, check)
