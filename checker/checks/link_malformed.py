"""``link-malformed``: a URL that cannot work as written.

Fails: ``www.gov.uk/x`` (a host with no scheme), ``https:///x`` (no host), ``javascript:alert(1)``,
``file:///C:/x.pdf`` (scheme not allowed), ``https://user:pw@host/`` (credentials),
``https://exa mple.org/`` (space in the host), ``https://host:99999/`` (bad port).
Passes: ``https://www.gov.uk/government/publications/x``, ``mailto:a@b.gov.uk``, and
site-relative links such as ``/digital/strategy/actions/06/`` (the strategy chapter links
its own pages that way) unless ``relative`` is false.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from checker.checks.base import CheckKind, Context, Rule
from checker.checks.links import links_with_department
from checker.finding import Finding

KIND = "link-malformed"
#: the first path segment of a scheme-less URL that is really a host name: ``www.x.org``, ``gov.uk``
_LOOKS_LIKE_HOST = re.compile(
    r"^(?:www\.|(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|edu|int|eu|info|io)(?::\d+)?$)", re.I
)
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.?$|^\[[0-9a-f:.]+\]$"
)


@dataclass(frozen=True)
class Options:
    schemes: tuple[str, ...] = ("http", "https", "mailto")
    needs_host: tuple[str, ...] = ("http", "https")
    relative: bool = True  # site-relative links (/path, page.html) are allowed


def _valid_host(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST.match(ascii_host))


def problem(url: str, options: Options) -> str | None:
    """Why ``url`` cannot work, or None."""
    if any(char.isspace() for char in url.strip()):
        return "it contains a space"
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"it cannot be read as a URL ({exc})"
    scheme = parts.scheme.lower()
    if not scheme:
        first = parts.path.split("/", 1)[0]
        if url.startswith("//") or _LOOKS_LIKE_HOST.match(first):
            return "it has no scheme (https://)"
        if url.startswith("#") or options.relative:
            return None  # a same-page anchor, or a link within the site
        return "it is relative; write the full address"
    if scheme not in options.schemes:
        return f"the {scheme}: scheme is not allowed (allowed: {', '.join(options.schemes)})"
    if scheme in options.needs_host:
        if not parts.hostname:
            return "it has no host name"
        if parts.username is not None or parts.password is not None:
            return "it carries a user name or password"
        if not _valid_host(parts.hostname):
            return f"{parts.hostname!r} is not a valid host name"
        if port == 0:
            return "port 0 is not a valid port"
    return None


def check(rule: Rule[Options], context: Context) -> Iterator[Finding]:
    for page, department, link in links_with_department(context):
        if not link.url:
            continue  # link-missing-url reports these
        reason = problem(link.url, rule.options)
        if reason is not None:
            yield rule.finding(
                page, link.span, department=department, url=link.url, text=link.text, reason=reason
            )


CHECK = CheckKind(KIND, Options, frozenset({"text", "reason"}), check, "a URL that cannot work as written")
