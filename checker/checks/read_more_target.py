"""``read-more-target``: a department's "Read more »" link that goes to another department's strategy.

Fails (Home Office block): ``[Read more »](http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy)``,
the Cabinet Office's strategy in the registry: the reader is sent to the wrong department.
Passes: ``[Read more »](http://www.homeoffice.gov.uk/publications/about-us/corporate-publications/ho-digital-strategy/)``,
the Home Office's own; and, from this rule, a department the registry does not know, a URL that is
no department's strategy (``link-*`` rules judge it), a link with no URL, and links other than
"Read more" ones.

URLs are compared as documents (``document_key``): ``fetch_key`` (scheme and host case, the
default port, the fragment do not matter), and also ``http``/``https`` and a trailing ``/``,
since the registry and the pages write the same strategy both ways and a site serves one
document for both. The path's case and the query still matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from checker.checks import NoOptions
from checker.engine.api import CheckKind, Context, LinkSite, Rule, Scope
from checker.model.finding import Finding
from checker.model.links import fetch_key
from checker.model.registry import Department, Registry

KIND = "read-more-target"
NO_STRATEGY = "its URL is not in the department registry yet"


Options = NoOptions  # this kind takes no options


def document_key(url: str) -> str:
    """``fetch_key``, with ``http``/``https`` and a trailing ``/`` of the path not mattering."""
    key = fetch_key(url)
    try:
        parts = urlsplit(key)
    except ValueError:
        return key
    scheme = "https" if parts.scheme == "http" else parts.scheme
    path = parts.path.rstrip("/") if parts.path != "/" else parts.path
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def document_keys(context: Context) -> Callable[[str], str]:
    """``document_key``, worked out once per distinct URL in the run (a publication repeats its URLs)."""
    return context.remembered(document_key)


def strategy_owners(registry: Registry, url: str) -> list[Department]:
    """The departments whose strategy ``url`` is, in registry order (usually none or one)."""
    return _owners(registry).get(document_key(url), [])


def _owners(registry: Registry) -> dict[str, list[Department]]:
    """Each strategy's departments, in registry order, by the strategy's ``document_key``."""
    owners: dict[str, list[Department]] = {}
    for department in registry.departments:
        if department.strategy:
            owners.setdefault(document_key(department.strategy), []).append(department)
    return owners


def check(rule: Rule[Options], site: LinkSite, context: Context) -> Iterator[Finding]:
    link = site.link
    if not link.is_read_more or not link.url or site.department is None:
        return
    department = context.lookup(site.department)
    if department is None:
        return  # department-unknown reports the heading
    strategies = context.shared(_owners, lambda: _owners(context.registry))
    owners = strategies.get(document_keys(context)(site.target or link.url), [])
    if not owners or any(owner.name == department.name for owner in owners):
        return
    yield rule.finding(
        site.page,
        link.span,
        department=site.department,
        url=link.url,
        text=link.text,
        owner=owners[0].name,
        expected=department.name,
        strategy=department.strategy or NO_STRATEGY,
    )


CHECK = CheckKind(KIND, Options, frozenset({"text", "owner", "expected", "strategy"}), Scope.LINK, check)
