"""Crest (logo) classes on department headings: three kinds that read the heading's attribute list.

``crest-missing`` fails: ``##Home Office`` with no ``{: .logo-...}`` line below it.
``crest-unknown`` fails: ``{: .logo-singel}`` and ``{: .single}`` (not in ``allowed``); passes
``{: .logo-single}`` and ``{: .logo-mod .wide}`` (a non-crest class beside a crest).
``crest-mismatch`` fails: ``##Home Office`` with ``{: .logo-single}`` (the registry says ``logo-ho``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, Rule, Scope
from checker.model import DepartmentBlock, Page
from checker.model.finding import Finding

MISSING, UNKNOWN, MISMATCH = "crest-missing", "crest-unknown", "crest-mismatch"


@dataclass(frozen=True)
class AllowedOptions:
    """Which crests ``crest-unknown`` allows, and how a crest class is told apart."""

    allowed: tuple[str, ...] = ("logo-single", "logo-bis", "logo-ho", "logo-mod")
    prefix: str = "logo-"  # beside an allowed crest, only classes with this prefix are taken for crests
    ignore: tuple[str, ...] = ()  # heading classes that are never crests


def _closest(name: str, allowed: tuple[str, ...]) -> list[str]:
    """The allowed crest nearest to ``name``: a fuzzy match, worked out once per name and run."""
    return difflib.get_close_matches(name, allowed, n=1, cutoff=0.0)


def _registry_crests(context: Context) -> frozenset[str | None]:
    return frozenset(department.crest for department in context.registry.departments)


def check_missing(
    rule: Rule[NoOptions], page: Page, block: DepartmentBlock, context: Context
) -> Iterator[Finding]:
    heading = block.heading
    if heading is None or heading.classes or block.detached_ial is not None:
        return  # a detached attribute list is reported by ``structure-detached-attributes``
    known = context.lookup(heading.name)
    crest = known.crest if known and known.crest else "logo-single"
    yield rule.finding(page, heading.span, department=heading.name, crest=crest)


def check_unknown(
    rule: Rule[AllowedOptions], page: Page, block: DepartmentBlock, context: Context
) -> Iterator[Finding]:
    options = rule.options
    heading = block.heading
    if heading is None:
        return
    has_crest = any(name in options.allowed for name in heading.classes)
    for name in heading.classes:
        if name in options.allowed or name in options.ignore:
            continue
        if has_crest and not name.startswith(options.prefix):
            continue  # another class beside a good crest, e.g. {: .logo-mod .wide}
        close = context.shared((_closest, name, options.allowed), partial(_closest, name, options.allowed))
        span = heading.ial_span or heading.span
        yield rule.finding(
            page,
            span,
            department=heading.name,
            subject=name,
            crest=name,
            allowed=", ".join(options.allowed),
            closest=close[0] if close else options.allowed[0],
        )


def check_mismatch(
    rule: Rule[NoOptions], page: Page, block: DepartmentBlock, context: Context
) -> Iterator[Finding]:
    heading = block.heading
    known = context.lookup(heading.name) if heading else None
    if heading is None or known is None or known.crest is None:
        return
    registry_crests = context.shared(_registry_crests, lambda: _registry_crests(context))
    crests = [name for name in heading.classes if name in registry_crests]  # unknown ones: crest-unknown
    if crests and known.crest not in crests:
        yield rule.finding(
            page,
            heading.ial_span or heading.span,
            department=known.name,
            subject=crests[0],
            crest=crests[0],
            expected=known.crest,
        )


CHECKS = (
    CheckKind(MISSING, NoOptions, frozenset({"crest"}), Scope.BLOCK, check_missing),
    CheckKind(
        UNKNOWN, AllowedOptions, frozenset({"crest", "allowed", "closest"}), Scope.BLOCK, check_unknown
    ),
    CheckKind(MISMATCH, NoOptions, frozenset({"crest", "expected"}), Scope.BLOCK, check_mismatch),
)
