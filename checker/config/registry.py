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

from pathlib import Path

from checker.config.yamlfile import Reader, load
from checker.errors import ConfigError
from checker.model.registry import Department, Registry
from checker.text import name_key

DEPARTMENT_KEYS = ("name", "abbreviation", "aliases", "crest", "strategy")


def load_registry(path: str | Path, *, shipped: bool = False) -> Registry:
    """``shipped``: checker's own file (read faster, see ``yamlfile.load``)."""
    reader = Reader(path)
    root = load(path, shipped=shipped)
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
