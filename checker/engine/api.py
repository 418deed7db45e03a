"""What a check kind is given and gives back: the rule it runs for, its scope, the context it reads.

A check kind declares its *scope* and the engine does the walking:

- ``Scope.PAGE``: ``check(rule, page, context)``, once per page;
- ``Scope.BLOCK``: ``check(rule, page, block, context)``, once per department block;
- ``Scope.LINK``: ``check(rule, site, context)``, once per link (``LinkSite``: the page, the
  department whose statement holds it, the link, and what the crawler found for it);
- ``Scope.PUBLICATION``: ``check(rule, context)``, once per run, seeing every page.

Each returns an iterable of ``Finding``s, made with ``Rule.finding``.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from checker.model.finding import Fields, FieldValue, Finding, Related, Severity
from checker.model.links import LinkResult, fetch_key
from checker.model.page import DepartmentBlock, Link, Page, Span, Statement
from checker.model.registry import Department, Registry

OptionsT = TypeVar("OptionsT")
T = TypeVar("T")

COMMON_FIELDS = frozenset({"department", "url"})


class Scope(enum.Enum):
    PAGE = "page"
    BLOCK = "block"
    LINK = "link"
    PUBLICATION = "publication"


def template_fields(template: str) -> set[str]:
    """The ``{name}`` fields a message template uses.

    Only plain fields: ``ValueError`` for a format spec, a conversion, an attribute, an index or
    a positional field (``{department:d}``, ``{department!r}``, ``{department.x}``, ``{a[0]}``,
    ``{}``), which a value from a page could make fail when the finding is written; its message
    reads after the template's name (``message uses {department:d}; ...``).
    """
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"is not a valid template: {exc}") from None
    fields: set[str] = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError(f"uses {{{written}}}; templates take plain {{field}} only")
        fields.add(name)
    return fields


@dataclass(frozen=True)
class Rule(Generic[OptionsT]):
    """One rule, as a rule file defines it: a check kind with a message, level and options."""

    id: str
    kind: str
    level: Severity
    message: str
    description: str
    fix: str | None
    options: OptionsT
    source: str  # the rule file

    def finding(
        self,
        page: Page,
        span: Span,
        *,
        department: str | None = None,
        url: str | None = None,
        subject: str | None = None,
        link: LinkResult | None = None,
        severity: Severity | None = None,
        related: tuple[Related, ...] = (),
        **fields: FieldValue,
    ) -> Finding:
        """A finding of this rule: the message and fix templates filled with ``fields``, which it keeps.

        ``subject`` is what the finding is about, for its fingerprint; by default the URL,
        or else the engine takes the source text under ``span``. ``severity`` overrides the
        rule's level for this one finding (a failure that has lasted escalates).
        """
        formatting: dict[str, FieldValue] = {"department": department or "", "url": url or "", **fields}
        if None in fields.values():  # templates show a missing value as nothing
            formatting = {key: "" if value is None else value for key, value in formatting.items()}
        fix = self.fix.format_map(formatting).strip() if self.fix else ""
        return Finding(  # by position, in field order: made for every finding
            self.id,
            severity or self.level,
            page.path,
            span,
            self.message.format_map(formatting),
            fix or None,
            department,
            url,
            subject if subject is not None else (url or ""),
            Fields.of(fields),  # the call's own dict, read into two tuples
            link,
            "",
            None,
            related,
        )


@dataclass(frozen=True)
class LinkSite:
    """One link where it stands: its page, the department whose statement holds it, what was found."""

    page: Page
    department: str | None
    link: Link
    target: str | None  # the web address it leads to (site-relative links need a base URL), or None
    result: LinkResult | None  # None when links were not checked, or the link is not a web link


class _Memo:
    """The context's per-run tables (see ``Context``); plain dicts, filled as rules ask."""

    __slots__ = ("closest", "fetch_keys", "lookups", "values")

    def __init__(self) -> None:
        self.values: dict[Hashable, object] = {}
        self.lookups: dict[str, Department | None] = {}
        self.closest: dict[str, Department | None] = {}
        self.fetch_keys: dict[str, str] = {}

    def clear(self) -> None:
        for table in (self.values, self.lookups, self.closest, self.fetch_keys):
            table.clear()


@dataclass(frozen=True)
class Context:
    """Everything a check may read: all pages of the run, the registry, link results.

    It also holds what is worked out once per run and shared, so that no rule redoes per block
    or per link what depends only on the run (every cost stays linear in the publication):
    ``lookup`` and ``closest`` (registry answers by name), ``fetch_key`` (by URL) and ``shared``
    (any value derived from the pages or the URLs, such as the departments' responses or each
    URL's document key, computed by the first rule that asks and kept for the run).
    """

    pages: Sequence[Page]
    registry: Registry
    is_placeholder: Callable[[Statement], bool]
    link_results: Mapping[str, LinkResult] | None = None  # by fetch key; None when links were not checked
    base_url: str | None = None  # what site-relative links are resolved against
    #: by fetch key: how many checked runs in a row the URL has failed, this run included
    #: (from the link store; empty without one, when every failure counts as the first)
    failing_runs: Mapping[str, int] = field(default_factory=dict)
    #: what ``shared``, ``lookup``, ``closest`` and ``fetch_key`` worked out
    _memo: _Memo = field(default_factory=_Memo, init=False, repr=False, compare=False)

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed the first time ``key`` is asked for in this run, then shared.

        For what several rules, or every block, derive from the same pages: the key names the
        derivation (a function, or a tuple of it and its options); the value must depend only on
        the context and what the key names.
        """
        values = self._memo.values
        try:
            return cast(T, values[key])
        except KeyError:
            value = values[key] = make()
            return value

    def remembered(self, work: Callable[[str], T], key: Hashable | None = None) -> Callable[[str], T]:
        """``work``, answering once per distinct argument in the run: one function per ``key`` (by
        default ``work`` itself) for the run, its answers shared by every rule that asks for it.

        For what rules ask of each URL or name, which a publication repeats.
        """
        return self.shared((_remembering, work if key is None else key), lambda: _remembering(work))

    def lookup(self, name: str) -> Department | None:
        """``registry.lookup(name)``, worked out once per distinct name in the run."""
        found = self._memo.lookups
        try:
            return found[name]
        except KeyError:
            department = found[name] = self.registry.lookup(name)
            return department

    def closest(self, name: str) -> Department | None:
        """``registry.closest(name)`` (a fuzzy match, the costliest question), once per distinct name."""
        found = self._memo.closest
        try:
            return found[name]
        except KeyError:
            department = found[name] = self.registry.closest(name)
            return department

    def forget(self) -> None:
        """Let go of what ``shared``, ``lookup``, ``closest`` and ``fetch_key`` worked out: once the
        rules have run, tables with an entry per distinct URL (a few of them, 40 MiB for 100,000
        URLs) need not live until the report is written. Asked again, they are worked out again."""
        self._memo.clear()

    def fetch_key(self, url: str) -> str:
        """``checker.model.links.fetch_key(url)``, worked out once per distinct URL in the run."""
        keys = self._memo.fetch_keys
        try:
            return keys[url]
        except KeyError:
            key = keys[url] = fetch_key(url)
            return key


def _remembering(work: Callable[[str], T]) -> Callable[[str], T]:
    """``work`` with a table of its answers (see ``Context.remembered``)."""
    table: dict[str, T] = {}

    def answer(value: str) -> T:
        try:
            return table[value]
        except KeyError:
            found = table[value] = work(value)
            return found

    return answer


PageCheck = Callable[[Rule[Any], Page, Context], Iterable[Finding]]
BlockCheck = Callable[[Rule[Any], Page, DepartmentBlock, Context], Iterable[Finding]]
LinkCheck = Callable[[Rule[Any], LinkSite, Context], Iterable[Finding]]
PublicationCheck = Callable[[Rule[Any], Context], Iterable[Finding]]


@dataclass(frozen=True)
class CheckKind:
    """A check kind: code that rule files extend with data.

    ``reads_link_results``: the kind needs the crawler's results, so the engine checks
    links only when a selected rule's kind says so; a link rule of such a kind reports only
    links that have a result, and the engine gives it only those (offline: none).
    """

    name: str
    options: type
    fields: frozenset[str]  # what message and fix templates may use, beside COMMON_FIELDS
    scope: Scope
    check: Callable[..., Iterable[Finding]]
    reads_link_results: bool = False
