"""The department registry: who the departments are, their crests and their order.

``departments.yaml`` lists each department once, in the publication's order:

    departments:
      - name: Cabinet Office          # canonical name
        abbreviation: CO
        aliases: [The Cabinet Office]  # other names in use, older names
        crest: logo-single            # its crest class
        strategy: https://...         # its digital strategy: the "Read more" target

Names are compared by ``checker.text.name_key``: case, punctuation, ``&``/``and``
and ``HM``/``Her Majesty's`` do not matter.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from checker.config.yamlfile import Reader, load
from checker.errors import ConfigError
from checker.text import name_key

DEPARTMENT_KEYS = ("name", "abbreviation", "aliases", "crest", "strategy")


@dataclass(frozen=True)
class Department:
    name: str
    abbreviation: str | None
    aliases: tuple[str, ...]
    crest: str | None
    strategy: str | None
    order: int  # 0-based position in the publication


@dataclass(frozen=True)
class Registry:
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


def load_registry(path: str | Path) -> Registry:
    reader = Reader(path)
    root = load(path)
    if root is None:
        raise ConfigError(str(path), "is empty; it should list the departments under `departments:`")
    top = reader.mapping(root, "the registry", allowed=("departments",), required=("departments",))
    departments: list[Department] = []
    seen: dict[str, tuple[int, int]] = {}  # name key -> (order, line)
    for order, item in enumerate(reader.sequence(top["departments"], "departments")):
        keys = reader.mapping(item, "a department", allowed=DEPARTMENT_KEYS, required=("name",))
        name = reader.string(keys["name"], "name")
        abbreviation = reader.string(keys["abbreviation"], "abbreviation") if "abbreviation" in keys else None
        aliases = tuple(reader.strings(keys["aliases"], "aliases")) if "aliases" in keys else ()
        for known in (name, abbreviation, *aliases):
            if not known:
                continue
            key = name_key(known)
            if key in seen and seen[key][0] != order:
                raise reader.error(
                    item, f"the name {known!r} is already used by the department at line {seen[key][1]}"
                )
            seen[key] = (order, item.start_mark.line + 1)
        departments.append(
            Department(
                name=name,
                abbreviation=abbreviation,
                aliases=aliases,
                crest=reader.string(keys["crest"], "crest") if "crest" in keys else None,
                strategy=reader.string(keys["strategy"], "strategy") if "strategy" in keys else None,
                order=order,
            )
        )
    return Registry(tuple(departments), str(path))
