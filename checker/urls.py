"""What makes a URL usable: shared by the ``link-malformed`` check and by link checking.

A host is judged as the HTTP client will use it: :func:`client_host` is the host ``yarl`` (and so
``aiohttp``) connects to, after IDNA/Unicode mapping (``１２７.０.０.１`` becomes ``127.0.0.1``).
:func:`host_problem` then refuses what no web address should be: an IPv4 address written in any
form but the standard dotted quad (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``,
``127.0.0.1.``, fullwidth digits), a host that ends in a number but is no address (``1.2.3.4.5``),
percent signs, labels that are not letters, digits and hyphens, an ``xn--`` label that is no valid
IDNA, an IPv6 zone. Bracketed IPv6 literals (``http://[2001:db8::1]/``) are valid.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

__all__ = ["UrlPolicy", "client_host", "host_problem", "ipv4_notation", "url_problem", "web_target"]

#: the first path segment of a scheme-less URL that is really a host name: ``www.x.org``, ``gov.uk``
_LOOKS_LIKE_HOST = re.compile(
    r"^(?:www\.|(?:[a-z0-9-]+\.)+(?:uk|com|org|net|gov|edu|int|eu|info|io)(?::\d+)?$)", re.I
)
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.?$")
_SPACE = re.compile(r"\s")  # what str.isspace() says is a space: both are Py_UNICODE_ISSPACE
_WEB_SCHEME = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?:")
_PLAIN_NETLOC = re.compile(r"[A-Za-z0-9._-]+(?::[0-9]*)?")
_NUMBER = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")
_BASES = {16: "0123456789abcdefABCDEF", 8: "01234567", 10: "0123456789"}
#: how many answers the URL and host functions below remember. They are pure functions of short
#: strings, asked again and again for the same ones (each link is judged at parse time, by the
#: crawler's guard and by the rules; a publication links few hosts, and many URLs more than once)
URL_MEMO = 1 << 14
HOST_MEMO = 1 << 12


@dataclass(frozen=True)
class UrlPolicy:
    """Which URLs can work: allowed schemes, which need a host, whether site-relative links are fine."""

    schemes: tuple[str, ...] = ("http", "https", "mailto")
    needs_host: tuple[str, ...] = ("http", "https")
    relative: bool = True  # site-relative links (/path, page.html) are allowed


def _ipv4_number(label: str) -> int | None:
    """One part of an IPv4 address in the notations URL parsers and ``inet_aton`` accept."""
    if label[:2] in ("0x", "0X"):
        digits, base = label[2:], 16
    elif len(label) > 1 and label.startswith("0"):
        digits, base = label[1:], 8
    else:
        digits, base = label, 10
    if not digits:
        return 0 if base == 16 else None
    if not all(char in _BASES[base] for char in digits):
        return None
    # no IPv4 part needs more than 32 bits; a longer run of digits is not an address (and int()
    # refuses strings past 4300 digits): read it as a number too big, which url_problem rejects
    if len(digits) > 40:
        return 1 << 40
    return int(digits, base)


def _labels(host: str) -> list[str]:
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # one trailing dot: a fully qualified name
    return labels


def _ends_in_number(host: str) -> bool:
    """The WHATWG URL rule: a host whose last label is a number is read as an IPv4 address."""
    return bool(_NUMBER.match(_labels(host)[-1]))


@functools.lru_cache(maxsize=HOST_MEMO)
def ipv4_notation(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address ``host`` means in any notation a URL parser or ``inet_aton`` accepts.

    ``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1`` and ``127.0.0.1.`` all mean 127.0.0.1;
    ``None`` when ``host`` is no IPv4 address in any notation.
    """
    labels = _labels(host)
    if not 1 <= len(labels) <= 4:
        return None
    numbers = [_ipv4_number(label) for label in labels]
    parts = [n for n in numbers if n is not None]
    if len(parts) != len(numbers) or any(n > 255 for n in parts[:-1]):
        return None
    if parts[-1] >= 256 ** (5 - len(parts)):
        return None
    value = parts[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(parts[:-1]))
    return ipaddress.IPv4Address(value)


def client_host(url: str) -> str | None:
    """The host the HTTP client (yarl, hence aiohttp) connects to for ``url``, or None when it
    cannot read one; raises ``ValueError`` (or ``UnicodeError``) for what yarl refuses.

    This is the host after IDNA/Unicode mapping; IPv6 comes without brackets.
    """
    from yarl import URL  # noqa: PLC0415  (only for hosts the fast reading leaves: yarl takes ~7 ms to import)

    return URL(url).raw_host


def _label_problem(label: str) -> bool:
    """True for an ``xn--`` label that is not valid IDNA: undecodable, or plain ASCII in disguise."""
    if not label.lower().startswith("xn--"):
        return False
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return True
    mapped = unicodedata.normalize("NFKC", decoded)
    return not decoded or mapped.isascii() or any(char in mapped for char in "./:%@")


@functools.lru_cache(maxsize=HOST_MEMO)
def host_problem(host: str, written: str | None = None) -> str | None:
    """Why ``host`` (as :func:`client_host` gives it) cannot be a web address's host, or None.

    ``written`` is the host as the link spells it, named in the reason (default ``host``).
    """
    shown = written if written is not None else host
    if ":" in host:  # an IPv6 literal (yarl gives it without brackets)
        if "%" in host:
            return f"the IPv6 address {shown} carries a zone (%...), which a web address cannot use"
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{shown!r} is not a valid IPv6 address"
        return None
    decoded = unquote(host)
    if _ends_in_number(decoded):
        address = ipv4_notation(decoded)
        if address is None:
            return f"{shown!r} is not a valid host name"
        if host != str(address) or (written is not None and written != str(address)):
            return f"the host {shown} is an IP address written in a non-standard form (it means {address})"
        return None
    if not _HOST.match(host) or any(_label_problem(label) for label in host.split(".")):
        return f"{shown!r} is not a valid host name"
    return None


def _client_host(url: str, parts: SplitResult) -> str | None:
    """:func:`client_host` of ``url`` (None where it fails), given ``url``'s ``urlsplit`` parts
    (with a valid port). A plain host (ASCII letters, digits, ``.``, ``-``, ``_``, no user name)
    in an ASCII URL is what yarl connects to as it is, lowercased, which ``urlsplit`` already did."""
    if url.isascii() and "\\" not in url and _PLAIN_NETLOC.fullmatch(parts.netloc):
        return parts.hostname
    try:
        return client_host(url.strip())
    except (ValueError, UnicodeError):
        return None


def _bracketed(parts: SplitResult) -> bool:
    return parts.netloc.rpartition("@")[2].startswith("[")


@functools.lru_cache(maxsize=URL_MEMO)
def url_problem(url: str, options: UrlPolicy) -> str | None:
    """Why ``url`` cannot work, or None."""
    if _SPACE.search(url.strip()):
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
        if port == 0:
            return "port 0 is not a valid port"
        written = parts.hostname
        if _bracketed(parts) and ":" not in written:
            return f"{written!r} is not a valid IPv6 address"
        host = _client_host(url, parts)
        if not host:
            return f"{written!r} is not a valid host name"
        return host_problem(host, written)
    return None


@functools.lru_cache(maxsize=URL_MEMO)
def web_target(url: str, base_url: str | None) -> str | None:
    """The http(s) address a link leads to, or None (mailto:, an anchor on the same page, a
    site-relative link with no base URL to resolve it against, a malformed one)."""
    if _WEB_SCHEME.match(url) and url.isascii() and "[" not in url and "]" not in url:
        return url  # what urlsplit says of it: an http(s) scheme, and nothing it refuses
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
