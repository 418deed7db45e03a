"""The one finding type that every stage passes along, from the checks to the formatters.

A finding has an identity that does not depend on its wording or its line: the
``fingerprint``, made by the engine from the rule, the page (relative to the
checked root), the department, the subject (the URL, or the normalised source
text the finding points at) and which occurrence of that subject it is. It is
the same between runs and after lines are inserted above the finding, so a
baseline, a waiver or the link history can follow it.
"""

from __future__ import annotations

import enum
from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

from checker.model.links import LinkResult
from checker.model.page import Span

#: a template value kept on a finding: what the message was made from
FieldValue = str | int | float | None


class Severity(enum.IntEnum):
    """Finding level; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True)
class Related:
    """A second place a finding points at: the page that disagrees with the one reported."""

    path: str
    span: Span
    message: str  # what is there, e.g. "the index gives https://... for Home Office"


class Fields(Mapping[str, FieldValue]):
    """A finding's fields, read-only: a tuple of names, shared by every finding made with the same
    names, and a tuple of values, its own.

    A rule makes a finding for every fault, and a dict with a read-only view of it took about 230
    bytes of each; these take about 110. Reads as a mapping; equal to any mapping of the same items.
    """

    __slots__ = ("_names", "_values")

    _names: tuple[str, ...]
    _values: tuple[FieldValue, ...]

    def __init__(self, names: tuple[str, ...], values: tuple[FieldValue, ...]) -> None:
        """``names`` (distinct) with ``values``, in order."""
        _set(self, "_names", _NAMES.setdefault(names, names))
        _set(self, "_values", values)

    @classmethod
    def of(cls, mapping: Mapping[str, FieldValue]) -> Fields:
        """``mapping``'s items, kept as they are now (itself when it is a ``Fields`` already)."""
        if isinstance(mapping, Fields):
            return mapping
        return cls(tuple(mapping), tuple(mapping.values()))

    def __getitem__(self, name: str) -> FieldValue:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def items(self) -> ItemsView[str, FieldValue]:
        return _Items(self)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a finding's fields cannot be changed ({name!r})")

    def __reduce__(self) -> tuple[type[Fields], tuple[tuple[str, ...], tuple[FieldValue, ...]]]:
        return Fields, (self._names, self._values)

    def __repr__(self) -> str:
        return f"Fields({dict(zip(self._names, self._values, strict=True))!r})"


class _Items(ItemsView[str, FieldValue]):
    """``Fields.items()``: the pairs straight from the two tuples, not a lookup per name."""

    __slots__ = ()

    _mapping: Mapping[str, FieldValue]  # MappingView's own slot

    def __iter__(self) -> Iterator[tuple[str, FieldValue]]:
        fields = cast(Fields, self._mapping)
        return zip(fields._names, fields._values, strict=True)


#: each tuple of names some fields have had, once (a run's rules use a few dozen)
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}
#: sets an attribute of a frozen instance, as the ``__init__`` dataclasses writes does
_set = object.__setattr__
#: the fields of a finding made without any (shared: they cannot be changed)
_NO_FIELDS = Fields((), ())


@dataclass(frozen=True, slots=True, init=False)
class Finding:
    """One fault at one place.

    ``path`` is the page as the user should see it (normalised once, by the engine);
    ``fields`` are the values the rule's message and fix were made from, typed;
    ``link`` is what the crawler saw, for link findings; ``subject`` is what the
    finding is about (the URL, the placeholder text...), the content part of the
    fingerprint; ``fingerprint`` is filled in by the engine.
    """

    rule: str
    severity: Severity
    path: str
    span: Span
    message: str
    fix: str | None = None
    department: str | None = None
    url: str | None = None
    subject: str = ""
    fields: Fields = field(default_factory=lambda: _NO_FIELDS, compare=False, hash=False)
    link: LinkResult | None = field(default=None, compare=False, hash=False)
    fingerprint: str = ""
    #: why this finding does not fail the gate although it is shown ("not on a line the change
    #: touched"); None: it counts for the exit code like any other
    exempt: str | None = field(default=None, compare=False, hash=False)
    #: other places the finding is about (cross-page rules: the page it disagrees with)
    related: tuple[Related, ...] = field(default=(), compare=False, hash=False)

    def __init__(  # noqa: PLR0917 (the dataclass's own signature, fields in order)
        self,
        rule: str,
        severity: Severity,
        path: str,
        span: Span,
        message: str,
        fix: str | None = None,
        department: str | None = None,
        url: str | None = None,
        subject: str = "",
        fields: Mapping[str, FieldValue] = _NO_FIELDS,
        link: LinkResult | None = None,
        fingerprint: str = "",
        exempt: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        """What the dataclass would make, with ``fields`` frozen (kept when frozen already), written
        out: a finding is made for every fault, and again when its fingerprint is filled in."""
        _set(self, "rule", rule)
        _set(self, "severity", severity)
        _set(self, "path", path)
        _set(self, "span", span)
        _set(self, "message", message)
        _set(self, "fix", fix)
        _set(self, "department", department)
        _set(self, "url", url)
        _set(self, "subject", subject)
        _set(self, "fields", Fields.of(fields))
        _set(self, "link", link)
        _set(self, "fingerprint", fingerprint)
        _set(self, "exempt", exempt)
        _set(self, "related", related)

    def identified(self, subject: str, fingerprint: str) -> Finding:
        """This finding with its content ``subject`` and ``fingerprint`` (what the engine fills in).

        ``dataclasses.replace`` does the same, several times slower: it is done to every finding.
        """
        return Finding(
            self.rule,
            self.severity,
            self.path,
            self.span,
            self.message,
            self.fix,
            self.department,
            self.url,
            subject,
            self.fields,
            self.link,
            fingerprint,
            self.exempt,
            self.related,
        )

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def column(self) -> int:
        return self.span.start_column

    def sort_key(self) -> tuple[str, int, int, str, int, int, str, str]:
        """Path, position, rule, then content: never the message's wording."""
        span = self.span
        return (
            self.path,
            span.start_line,
            span.start_column,
            self.rule,
            span.end_line,
            span.end_column,
            self.subject,
            self.fingerprint,
        )
