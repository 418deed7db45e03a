"""The department registry: who the departments are, their crests, strategies and order.

Names are compared by ``checker.text.name_key``: case, punctuation, ``&``/``and``
and ``HM``/``Her Majesty's`` do not matter. ``checker.config.registry`` reads it
from ``departments.yaml``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property

from checker.text import name_key


@dataclass(frozen=True)
class Department:
    """One department of the registry (``departments.yaml``)."""

    name: str
    abbreviation: str | None
    aliases: tuple[str, ...]
    crest: str | None
    strategy: str | None
    order: int  # 0-based position in the publication


@dataclass(frozen=True)
class Registry:
    """The departments of the publication, looked up by name, abbreviation or alias."""

    departments: tuple[Department, ...]
    source: str = ""

    @cached_property
    def _index(self) -> dict[str, Department]:
        index: dict[str, Department] = {}
        for department in self.departments:
            for name in (department.name, department.abbreviation, *department.aliases):
                if name:
                    index.setdefault(name_key(name), department)
        return index

    def lookup(self, name: str) -> Department | None:
        return self._index.get(name_key(name))

    def closest(self, name: str) -> Department | None:
        index = self._index
        matches = difflib.get_close_matches(name_key(name), list(index), n=1, cutoff=0.6)
        return index[matches[0]] if matches else None
