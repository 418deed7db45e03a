"""``checker check --fix``: plan the edits that have one right answer (issue 9).

Two kinds of edit, each to a web URL written in full on a page (never a site-relative one):

- **moved**: the link answered OK at the end of permanent redirects only (every hop 301 or 308,
  to the same host or another) -> the final URL. A temporary hop (302, 303, 307) anywhere in the
  chain, or a result that is not OK, leaves the link alone; so does a move from https:// to
  http://, which would make the link less safe.
- **https**: an ``http://`` link that answered OK with no redirect, whose ``https://`` variant
  (the same URL, only the scheme changed) answers OK too, at an https address that is the same
  page: the same host, port, path and query once the scheme is set aside (``fetch_key``), the
  same content type, and no temporary hop. Every https variant is fetched in one extra crawl,
  with the run's ``LinkOptions`` (so ``allow_private``, limits, resolver and TLS trust are the
  run's); a variant the run already checked (the page links it too) is not fetched again.

A ``#fragment`` is kept verbatim: a browser that follows a redirect keeps the fragment of the
link it started from (RFC 9110, 10.2.2), so the fixed link leads to the same place as the old
one. Whether the anchor exists is the ``link-fragment`` rule's business, not the fix's.

Where: the URL's text is found inside the link's span on its source line, at the one place the
link's syntax puts it (after ``](`` for ``[text](url)`` and images, between ``<`` and ``>`` for an
autolink, the whole span for a bare URL, a quoted ``href=`` for ``<a>``); a link whose URL is not
written exactly as it is read there (an escape, an entity, a line break inside the target, the URL
twice) is skipped and said so. A ``[text][ref]`` link is skipped too: its URL is in the ``[ref]:``
definition, which the link's span does not point at. Code spans and code blocks hold no links.
Every edit is then checked by parsing the page with it applied: the page must read the same links
as before but for the one URL, or the edit is dropped (a URL that would need escaping there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from checker.engine.collect import collect
from checker.engine.links import LinkOptions
from checker.engine.pages import parse_pages
from checker.model import Link, LinkKind, Page
from checker.model.links import LinkResult, LinkStatus, fetch_key
from checker.parse import parse_source
from checker.parse.source import Source
from checker.urls import UrlPolicy, url_problem

__all__ = ["Edit", "FixPlan", "PageFix", "Skip", "edited", "plan_fixes", "read_pages"]

_PERMANENT = frozenset({301, 308})
_HREF = re.compile(r"\bhref\s*=\s*(['\"]?)$", re.IGNORECASE)
_LOCATED = frozenset({LinkKind.INLINE, LinkKind.IMAGE, LinkKind.AUTOLINK, LinkKind.BARE, LinkKind.HTML})


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` with ``new`` on ``line``, columns ``start`` to ``end`` (1-based, end exclusive)."""

    path: str
    line: int
    start: int
    end: int
    old: str
    new: str
    why: str  # "moved permanently (301)", "https:// serves the same page"


@dataclass(frozen=True)
class Skip:
    """A link that --fix would have changed, left alone, and why (the editor can change it by hand)."""

    path: str
    line: int
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.url} not fixed: {self.reason}"


@dataclass(frozen=True)
class PageFix:
    path: str
    lines: tuple[str, ...]  # the page as it was parsed: a file that no longer reads so is refused
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class FixPlan:
    pages: tuple[PageFix, ...]  # only pages with at least one edit
    skipped: tuple[Skip, ...]
    notes: tuple[str, ...]

    @property
    def edits(self) -> int:
        return sum(len(page.edits) for page in self.pages)


@dataclass(frozen=True)
class _Candidate:
    index: int  # of the link in ``page.links``
    edit: Edit


def read_pages(paths: Sequence[str], root: Path | None = None) -> list[Page]:
    """The pages as a check reads them (collect, parse); what cannot be read the run reports."""
    files, _ = collect(paths, root)
    return parse_pages(files)[0]


def edited(lines: Sequence[str], edits: Sequence[Edit]) -> list[str]:
    """``lines`` with ``edits`` applied, each line from its end backwards.

    Raises ``ValueError`` when an edit's old text is not where it says, or two edits overlap.
    """
    result = list(lines)
    by_line: dict[int, list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, line_edits in by_line.items():
        if not 1 <= number <= len(result):
            raise ValueError(f"line {number} is not in the page")
        text = result[number - 1]
        limit = len(text) + 1
        for edit in sorted(line_edits, key=lambda edit: edit.start, reverse=True):
            if edit.end > limit:
                raise ValueError(f"line {number}: two changes overlap")
            if not 1 <= edit.start <= edit.end:
                raise ValueError(f"line {number}: columns {edit.start} to {edit.end} are not a place")
            if text[edit.start - 1 : edit.end - 1] != edit.old:
                raise ValueError(f"line {number}, column {edit.start}: {edit.old!r} is not there")
            text = text[: edit.start - 1] + edit.new + text[edit.end - 1 :]
            limit = edit.start
        result[number - 1] = text
    return result


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _https_variant(url: str) -> str:
    return "https" + url[len("http") :]


def _same_page_key(url: str) -> str:
    """``fetch_key`` with the scheme set aside: http://x/a and https://x/a are one page here."""
    parts = urlsplit(fetch_key(url))
    return urlunsplit(("", *parts[1:]))


def _fits(kind: LinkKind, text: str, pos: int, end: int, *, low: int, high: int) -> bool:
    """Whether the URL found at ``text[pos:end]`` sits where the link's syntax puts its target."""
    before, after = text[low:pos], text[end:high]
    if kind is LinkKind.BARE:
        return pos == low and end == high
    if kind is LinkKind.AUTOLINK:
        return before == "<" and after == ">"
    if kind is LinkKind.HTML:
        match = _HREF.search(before)
        if match is None:
            return False
        quote = match.group(1)
        return after.startswith(quote) if quote else after[:1] in ("", " ", "\t", ">")
    if before.endswith("<"):  # [text](<url>)
        if not after.startswith(">"):
            return False
        before, after = before[:-1], after[1:]
    return before.rstrip(" \t").endswith("](") and after[:1] in ("", " ", "\t", ")")


def _locate(page: Page, link: Link) -> tuple[int, int, int] | str:
    """(line, start column, end column) of the link's URL text, or why it cannot be found exactly."""
    if link.kind is LinkKind.REFERENCE:
        return "the URL is in a [label]: definition, which --fix does not change; change it there"
    if link.kind not in _LOCATED or not link.url:
        return "--fix does not change this kind of link"
    span, url, found = link.span, link.url, []
    for number in range(span.start_line, span.end_line + 1):
        if number > len(page.lines):
            break
        text = page.lines[number - 1]
        low = span.start_column - 1 if number == span.start_line else 0
        high = span.end_column - 1 if number == span.end_line else len(text)
        pos = text.find(url, low, high)
        while pos >= 0:
            if _fits(link.kind, text, pos, pos + len(url), low=low, high=high):
                found.append((number, pos + 1, pos + 1 + len(url)))
            pos = text.find(url, pos + 1, high)
    if len(found) == 1:
        return found[0]
    if found:
        return "the URL is written more than once in the link; change it by hand"
    return "the URL is not written on the page as it is read (an escape, an entity or a line break)"


def _moved(link: Link, result: LinkResult) -> str | None:
    """The URL a permanently moved link should have, or None when it is not that."""
    if result.status is not LinkStatus.OK or not result.redirects:
        return None
    if not result.permanent_redirect or any(hop.status_code not in _PERMANENT for hop in result.redirects):
        return None
    _, hash_sign, fragment = link.url.partition("#")
    return f"{result.final_url}{hash_sign}{fragment}"


def _moved_problem(link: Link, new: str) -> str | None:
    if _scheme(link.url) == "https" and _scheme(new) != "https":
        return f"it moved to {new}, which is not https://; change it by hand"
    if url_problem(new, UrlPolicy()) is not None:
        return f"it moved to {new}, which cannot be written as a link as it is"
    return None


def _same_page(http: LinkResult, https: LinkResult) -> bool:
    """Whether the https variant leads to the same final page as the http URL, safely."""
    if https.status is not LinkStatus.OK or (https.redirects and not https.permanent_redirect):
        return False
    if any(hop.status_code not in _PERMANENT for hop in https.redirects):
        return False
    return (
        _scheme(https.final_url) == "https"
        and _same_page_key(https.final_url) == _same_page_key(http.final_url)
        and https.content_type == http.content_type
    )


def _links_read(page: Page) -> list[tuple[LinkKind, str]]:
    return [(link.kind, link.url) for link in page.links]


def _verified(page: Page, candidates: Sequence[_Candidate]) -> tuple[list[Edit], list[Skip]]:
    """The candidates whose edit leaves every other link of the page as it was, one at a time."""
    kept: list[Edit] = []
    skipped: list[Skip] = []
    expected = _links_read(page)
    for candidate in sorted(candidates, key=lambda candidate: candidate.index):
        edit = candidate.edit
        trial = list(expected)
        trial[candidate.index] = (trial[candidate.index][0], edit.new)
        try:
            lines = edited(page.lines, [*kept, edit])
        except ValueError as error:
            skipped.append(Skip(page.path, edit.line, edit.old, str(error)))
            continue
        if _links_read(parse_source(Source(page.path, "\n".join(lines)))) == trial:
            kept.append(edit)
            expected = trial
        else:
            why = f"the page would not read {edit.new} as the link's URL there; change it by hand"
            skipped.append(Skip(page.path, edit.line, edit.old, why))
    return kept, skipped


def _https_results(
    variants: Sequence[str], results: Mapping[str, LinkResult], links: LinkOptions
) -> tuple[Mapping[str, LinkResult], tuple[str, ...]]:
    """Results for the https variants, by fetch key: the run's, else one crawl of the rest."""
    keys = list(dict.fromkeys(fetch_key(variant) for variant in variants))
    known = {key: results[key] for key in keys if key in results}
    missing = [key for key in keys if key not in known]
    if not missing:
        return known, ()
    # the crawler (aiohttp) only when links are checked
    from checker.crawl import crawl_sync  # noqa: PLC0415

    report = crawl_sync(missing, links.config, resolver=links.resolver, ssl_context=links.ssl_context)
    notes: tuple[str, ...] = ()
    if report.network_down:
        notes = ("--fix: the network became unavailable, so no http:// link was changed to https://",)
    return {**known, **report.results}, notes


def _written_in_full(page: Page, link: Link) -> bool:
    """A bare link is a URL written in full, not ``www.x.gov.uk`` that the parser reads with http://."""
    if link.kind is not LinkKind.BARE:
        return True
    span = link.span
    if span.start_line != span.end_line or span.start_line > len(page.lines):
        return False
    return page.lines[span.start_line - 1][span.start_column - 1 : span.end_column - 1] == link.url


def plan_fixes(pages: Sequence[Page], results: Mapping[str, LinkResult], links: LinkOptions) -> FixPlan:
    """The edits --fix makes to ``pages`` from the run's link ``results`` (by fetch key).

    Fetches the https:// variants of the http:// links that answered OK as they are (one crawl,
    with ``links``); a link that cannot be changed exactly is skipped, and said so, only when it
    would have been changed.
    """
    candidates: dict[str, list[_Candidate]] = {}
    upgrades: list[tuple[Page, int, Link, tuple[int, int, int] | str, LinkResult]] = []
    skipped: list[Skip] = []
    for page in pages:
        for index, link in enumerate(page.links):
            scheme = _scheme(link.url)
            result = results.get(fetch_key(link.url)) if scheme in ("http", "https") else None
            if result is None or result.status is not LinkStatus.OK or not _written_in_full(page, link):
                continue
            new = _moved(link, result)
            if new is None and (result.redirects or scheme != "http"):
                continue  # a temporary redirect, or an https link that answered as it is
            place = _locate(page, link)
            if new is None:
                upgrades.append((page, index, link, place, result))
                continue
            problem = _moved_problem(link, new) or (place if isinstance(place, str) else None)
            if problem is not None or isinstance(place, str):
                skipped.append(Skip(page.path, link.line, link.url, str(problem)))
                continue
            why = f"moved permanently ({', '.join(str(hop.status_code) for hop in result.redirects)})"
            edit = Edit(page.path, *place, link.url, new, why)
            candidates.setdefault(page.path, []).append(_Candidate(index, edit))
    variants, notes = _https_results([_https_variant(item[2].url) for item in upgrades], results, links)
    for page, index, link, place, result in upgrades:
        new = _https_variant(link.url)
        variant = variants.get(fetch_key(new))
        if variant is None or not _same_page(result, variant):
            continue
        if isinstance(place, str):
            skipped.append(
                Skip(page.path, link.line, link.url, f"https:// serves the same page, but {place}")
            )
            continue
        edit = Edit(page.path, *place, link.url, new, "https:// serves the same page")
        candidates.setdefault(page.path, []).append(_Candidate(index, edit))
    fixes: list[PageFix] = []
    for page in pages:
        kept, dropped = _verified(page, candidates.get(page.path, ()))
        skipped.extend(dropped)
        if kept:
            ordered = tuple(sorted(kept, key=lambda edit: (edit.line, edit.start)))
            fixes.append(PageFix(page.path, page.lines, ordered))
    skipped.sort(key=lambda skip: (skip.path, skip.line))
    return FixPlan(tuple(fixes), tuple(dict.fromkeys(skipped)), notes)
