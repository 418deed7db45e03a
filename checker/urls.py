"""What makes a URL usable: shared by the ``link-malformed`` check and by link checking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

#: the first path segment of a scheme-less URL that is really a host name: ``www.x.org``, ``gov.uk``
_LOOKS_LIKE_HOST = re.compile(
    r"^(?:www\.|(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|edu|int|eu|info|io)(?::\d+)?$)", re.I
)
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.?$|^\[[0-9a-f:.]+\]$"
)


@dataclass(frozen=True)
class UrlPolicy:
    """Which URLs can work: allowed schemes, which need a host, whether site-relative links are fine."""

    schemes: tuple[str, ...] = ("http", "https", "mailto")
    needs_host: tuple[str, ...] = ("http", "https")
    relative: bool = True  # site-relative links (/path, page.html) are allowed


def _valid_host(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST.match(ascii_host))


def url_problem(url: str, options: UrlPolicy) -> str | None:
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


def web_target(url: str, base_url: str | None) -> str | None:
    """The http(s) address a link leads to, or None (mailto:, an anchor on the same page, a
    site-relative link with no base URL to resolve it against, a malformed one)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme in ("http", "https"):
        return url
    if scheme or not base_url or not url or url.startswith("#"):
        return None
    if url_problem(url, UrlPolicy()) is not None:
        return None  # "www.gov.uk/x" is a host without a scheme, not a path on our site
    return urljoin(base_url, url)
