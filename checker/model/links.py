"""What a link check found: shared by the crawler, the checks, the store and the formatters.

Everything here is immutable: a :class:`LinkResult` describes one checked URL,
a :class:`CrawlReport` a whole crawl.  :func:`fetch_key` is the single definition
of "the same URL" shared by the crawler and by the link rules.  Nothing here
touches the network.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = ["CrawlReport", "ErrorKind", "Hop", "LinkResult", "LinkStatus", "fetch_key", "fetch_target"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_PORT = 65535


class LinkStatus(enum.Enum):
    """Outcome of checking one URL."""

    OK = "ok"  # 2xx, possibly after redirects
    DEAD = "dead"  # 404/410, unknown host, redirect ending in 404/410
    ERROR = "error"  # 5xx after retries, other 4xx, redirect loop / too many hops
    UNREACHABLE = "unreachable"  # timeouts, refused/reset connections, TLS errors
    BLOCKED = "blocked"  # 401/403, bot challenges, rate limiting that never clears
    SOFT_404 = "soft-404"  # 200 but "page not found", or redirected to home/search page
    PRIVATE = "private"  # host resolves to a private/loopback/... address
    SKIPPED = "skipped"  # not http(s): not fetched
    UNCHECKED = "unchecked"  # not checked because the network is down

    @property
    def failing(self) -> bool:
        """A verdict against the link (not OK, and not "we did not look")."""
        return self not in (LinkStatus.OK, LinkStatus.SKIPPED, LinkStatus.UNCHECKED)


class ErrorKind(enum.StrEnum):
    """Why a check did not end in a plain 2xx: the machine-readable cause behind a status."""

    # name resolution and connecting
    DNS = "dns"  # the name has no DNS record (NXDOMAIN)
    DNS_TEMPORARY = "dns-temporary"  # the resolver failed for now (SERVFAIL, no answer)
    CONNECT = "connect"  # refused, or could not connect
    NO_ROUTE = "no-route"  # no route to the host or network
    CONNECT_TIMEOUT = "connect-timeout"  # no answer to the connection attempt (dropped packets)
    PRIVATE_ADDRESS = "private-address"  # resolves to a private/loopback/reserved address
    NETWORK_DOWN = "network-down"  # not checked: nothing could be reached at all
    # the connection
    TLS = "tls"
    TIMEOUT = "timeout"
    RESET = "reset"
    DISCONNECTED = "disconnected"
    PAYLOAD = "payload"  # the answer was cut off
    BAD_RESPONSE = "bad-response"  # malformed HTTP
    # the answer
    HTTP_STATUS = "http-status"
    BOT_CHALLENGE = "bot-challenge"
    LOGIN = "login"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate-limited"
    NOT_FOUND_PAGE = "not-found-page"  # 200 with a "page not found" page
    # redirects
    REDIRECT_HOME = "redirect-home"
    REDIRECT_SEARCH = "redirect-search"
    REDIRECT_LOOP = "redirect-loop"
    REDIRECT_SCHEME = "redirect-scheme"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"  # the Location header is no usable web address
    # not checked
    TIME_BUDGET = "time-budget"  # the run's time budget (--max-time) ran out first
    # no request was made
    INVALID_URL = "invalid-url"
    INTERNAL = "internal"

    @property
    def network_level(self) -> bool:
        """Could not reach the host at all: on its own, no proof that the link is bad."""
        return self in _NETWORK_LEVEL

    @property
    def network_hard(self) -> bool:
        """A failure that only a broken network (not one bad host) gives."""
        return self in (ErrorKind.DNS_TEMPORARY, ErrorKind.NO_ROUTE)

    @property
    def dns_level(self) -> bool:
        """The name lookup failed: a verdict only once DNS is known to work (the crawler probes it)."""
        return self in (ErrorKind.DNS, ErrorKind.DNS_TEMPORARY)

    @property
    def answered(self) -> bool:
        """The verdict is about what the host answered over HTTP, so the network reached the host."""
        return self in _ANSWERED

    @property
    def no_request(self) -> bool:
        """No request was made, so the result says nothing about the network."""
        return self in (ErrorKind.INVALID_URL, ErrorKind.INTERNAL)

    @property
    def host_level(self) -> bool:
        """Definitive for every URL on the same host (remembered per host during a crawl)."""
        return self in (ErrorKind.DNS, ErrorKind.PRIVATE_ADDRESS)


_NETWORK_LEVEL = frozenset(
    {ErrorKind.DNS, ErrorKind.DNS_TEMPORARY, ErrorKind.CONNECT, ErrorKind.NO_ROUTE, ErrorKind.CONNECT_TIMEOUT}
)
_ANSWERED = frozenset(
    {
        ErrorKind.HTTP_STATUS,
        ErrorKind.BOT_CHALLENGE,
        ErrorKind.LOGIN,
        ErrorKind.FORBIDDEN,
        ErrorKind.RATE_LIMITED,
        ErrorKind.NOT_FOUND_PAGE,
        ErrorKind.REDIRECT_HOME,
        ErrorKind.REDIRECT_SEARCH,
        ErrorKind.REDIRECT_LOOP,
        ErrorKind.REDIRECT_SCHEME,
        ErrorKind.TOO_MANY_REDIRECTS,
        ErrorKind.BAD_REDIRECT,
    }
)


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect: ``url`` answered ``status_code`` pointing at ``location`` (absolute)."""

    url: str
    status_code: int
    location: str


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The outcome of checking one distinct URL (see :func:`fetch_key`)."""

    url: str
    status: LinkStatus
    status_code: int | None
    final_url: str
    redirects: tuple[Hop, ...]
    permanent_redirect: bool
    error_kind: ErrorKind | None
    detail: str
    elapsed: float
    attempts: int
    content_type: str | None
    anchors: frozenset[str] | None
    #: True when the body was cut off at a size cap, so ``anchors`` may be incomplete.
    truncated: bool = False
    #: when the check finished (UTC); None for results made without a check
    checked_at: datetime | None = None

    def has_anchor(self, fragment: str) -> bool | None:
        """Whether the final page has an element for ``#fragment``.

        ``None`` means unknown: the page is not HTML, its body was not read, or the
        anchor was not found in a body that was cut off at the size cap.
        """
        if self.anchors is None:
            return None
        frag = fragment[1:] if fragment.startswith("#") else fragment
        # An empty fragment and "#top" always scroll to the top (HTML spec).
        if frag == "" or frag.lower() == "top":
            return True
        if frag in self.anchors or unquote(frag) in self.anchors:
            return True
        return None if self.truncated else False


@dataclass(frozen=True)
class CrawlReport:
    """All results of one crawl, keyed by :func:`fetch_key`."""

    results: Mapping[str, LinkResult]
    network_down: bool
    requests: int
    elapsed: float
    #: plain-English lines for the run's notes (a host's Crawl-delay that was capped)
    notes: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1 << 14)  # a pure function, asked again and again for the same URLs
def fetch_key(url: str) -> str:
    """Normalise ``url`` to the key used to fetch it once.

    Strips the fragment, lowercases the scheme and host, drops the default port
    and, for http(s), turns an empty path into ``/``.  Anything unparsable is
    returned with only the fragment removed.
    """
    raw = url.strip()
    plain = _PLAIN_WEB_URL.fullmatch(raw)
    if plain is not None:  # the common case, without urlsplit's general machinery
        key = _plain_key(*plain.groups())
        if key is not None:
            # a URL already in its key's form (most are) is its own key: the same string, not a
            # copy in every table the run keys by URL
            return raw if key == raw else key
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw.split("#", 1)[0]
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


#: an http(s) URL of printable ASCII with a plain host (letters, digits, ``.``, ``-``, ``_``) and
#: maybe a port: no user name, IPv6 literal, percent sign, space or control character, where
#: ``urlsplit`` has something to decide (tests compare the two readings on generated URLs)
_PLAIN_WEB_URL = re.compile(r"([Hh][Tt][Tt][Pp][Ss]?)://([A-Za-z0-9._-]+)(?::([0-9]{0,5}))?([/?#][!-~]*)?")


def _plain_key(scheme: str, host: str, port: str | None, rest: str | None) -> str | None:
    """``fetch_key`` of a URL ``_PLAIN_WEB_URL`` matched, read from its parts; None for a port
    out of range (``urlsplit`` refuses it, and the key is then the URL as written)."""
    scheme = scheme.lower()
    netloc = host.lower()
    if port:
        number = int(port)
        if number > _MAX_PORT:
            return None
        if number != _DEFAULT_PORTS[scheme]:
            netloc = f"{netloc}:{number}"
    path, _, query = (rest or "").partition("#")[0].partition("?")
    return f"{scheme}://{netloc}{path or '/'}?{query}" if query else f"{scheme}://{netloc}{path or '/'}"


def fetch_target(url: str) -> tuple[str, bool]:
    """``url``'s fetch key, and whether it names a fragment (its page's anchors are then needed)."""
    return fetch_key(url), bool(url.partition("#")[2])
