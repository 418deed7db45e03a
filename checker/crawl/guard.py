"""Address guard: never connect to private, loopback or otherwise non-public addresses.

The guard judges the host exactly as the HTTP client uses it, never the host as written: yarl
maps ``１２７.０.０.１`` (fullwidth digits) to ``127.0.0.1`` before aiohttp connects.  Three
checks, all made *before* any connection is opened, for the first URL and every redirect hop:

* :func:`preflight` (the fetcher calls it on every URL it is about to request) builds the
  ``yarl.URL`` that is then handed to aiohttp, takes its host (:func:`checker.urls.client_host`)
  and refuses a host that is no valid host name (:func:`checker.urls.host_problem`: IPv4 in
  a non-standard form such as ``2130706433``, ``0x7f.1``, ``127.1``, percent-encoded...) and
  an IP literal at a forbidden address (aiohttp does not call the resolver for IP literals).
* :class:`GuardResolver` wraps the real resolver used by the aiohttp connector.  Every name
  lookup (each new connection resolves its host) drops the forbidden addresses; if none is
  left it raises :class:`PrivateAddressError`, which aiohttp wraps in
  ``ClientConnectorDNSError`` and :mod:`checker.crawl.classify` maps to PRIVATE.
* :class:`ConnectGuard` is the connector's ``socket_factory``: aiohttp calls it for every
  address it is about to connect to, whatever path led there (a literal, a lookup, its DNS
  cache), and it refuses a forbidden one.  This is the last line: the two checks above give
  the plain verdicts, this one makes sure nothing slips past them.

The guard is off when ``CrawlConfig.allow_private`` is true; host names listed in
``CrawlConfig.private_host_allowlist`` are exempt from the resolver check (and the addresses
they resolve to are let through the socket check).  Because every connection's addresses pass
through it, the guard also tells an ``on_resolved`` callback which addresses each host got
(the crawler's :class:`~checker.crawl.network.AddressBook` uses them to tell local from public
hosts).
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from checker.model.links import ErrorKind, LinkStatus
from checker.urls import HOST_MEMO, host_problem

from .config import CrawlConfig

__all__ = [
    "ConnectGuard",
    "GuardResolver",
    "Preflight",
    "PrivateAddressError",
    "forbidden_literal",
    "ip_literal",
    "is_forbidden_address",
    "preflight",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
OnResolved = Callable[[str, list[str]], None]
#: NAT64 (RFC 6052): the last 32 bits are an IPv4 address a NAT64 gateway connects to
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class PrivateAddressError(OSError):
    """Raised when a host resolves only to forbidden addresses, or a connection would go to one."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(None, f"{host} resolves to the non-public address {address}")
        self.host = host
        self.address = address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to: mapped, 6to4, NAT64 (not Teredo: never global)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_forbidden_address(address: str | IPAddress) -> bool:
    """True for private, loopback, link-local, multicast, reserved and unspecified addresses.

    A text that is not an address in standard notation (``127.1``, ``0x7f000001``) is refused
    rather than guessed at.  IPv6 addresses that lead to an IPv4 address (``::ffff:127.0.0.1``,
    6to4, NAT64) are judged by that address too.
    """
    if isinstance(address, str):
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return True  # not an address at all: refuse rather than guess
    else:
        ip = address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and is_forbidden_address(embedded):
            return True
        if ip.is_site_local:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def ip_literal(host: str) -> IPAddress | None:
    """The address, when ``host`` is an IP literal (``[::1]``, ``10.0.0.1``); otherwise ``None``."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def host_exempt(host: str, config: CrawlConfig) -> bool:
    """Whether ``host`` may use private addresses under ``config``."""
    return config.allow_private or host.rstrip(".").lower() in config.private_host_allowlist


def forbidden_literal(host: str, config: CrawlConfig) -> str | None:
    """If ``host`` is an IP literal the guard forbids, return it; otherwise ``None``."""
    if config.allow_private:
        return None
    return _forbidden_ip(host)


@functools.lru_cache(maxsize=HOST_MEMO)  # asked for every URL; a crawl sees few hosts
def _forbidden_ip(host: str) -> str | None:
    ip = ip_literal(host)
    if ip is None or not is_forbidden_address(ip):
        return None
    return str(ip)


@dataclass(frozen=True)
class Preflight:
    """What :func:`preflight` made of a URL: the URL to request and its host, or why not."""

    url: URL | None
    host: str | None
    status: LinkStatus | None = None  # None: go ahead
    error_kind: ErrorKind | None = None
    detail: str = ""
    problem: str = ""  # for an invalid URL: what is wrong with it ("" when it cannot be read at all)


def preflight(url: str, config: CrawlConfig) -> Preflight:
    """The ``yarl.URL`` to hand to aiohttp for ``url`` and the host it will connect to, unless
    that host is no valid host name (ERROR) or an IP literal at a forbidden address (PRIVATE).

    The host is judged as the client will use it (after IDNA/Unicode mapping: ``URL.raw_host``),
    and as it is written: ``１２７.０.０.１`` is an address in a non-standard form, not a name.
    """
    try:
        target = URL(url)
        written = written_host(url)
    except ValueError as exc:  # UnicodeError too
        why = f"{url} is not a valid web address ({exc})"
        return Preflight(None, None, LinkStatus.ERROR, ErrorKind.INVALID_URL, why, f"{exc}")
    host = target.raw_host
    problem = None
    if not host or not written or target.scheme not in ("http", "https"):
        problem = ""
    else:
        problem = host_problem(host, written)
    if problem is not None:
        why = f"{url} is not a valid web address" + (f": {problem}" if problem else "")
        return Preflight(None, host, LinkStatus.ERROR, ErrorKind.INVALID_URL, why, problem)
    assert host is not None
    literal = forbidden_literal(host, config)
    if literal is not None:
        why = f"{literal} is a non-public address, which is not checked"
        return Preflight(None, host, LinkStatus.PRIVATE, ErrorKind.PRIVATE_ADDRESS, why)
    return Preflight(target, host)


#: the scheme and authority at the start of a URL, as ``urlsplit`` reads them
_HEAD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def written_host(url: str) -> str | None:
    """``urlsplit(url).hostname`` (raising what it raises): the host as the link spells it.

    ``urlsplit`` finds the host, and every reason to refuse the URL, in the scheme and the
    authority alone (the tabs and newlines it drops, it drops from those too), so the answer
    is worked out once for each scheme and authority, not for every URL.
    """
    head = _HEAD.match(url)
    return urlsplit(url).hostname if head is None else _head_host(head.group())


@functools.lru_cache(maxsize=HOST_MEMO)
def _head_host(head: str) -> str | None:
    return urlsplit(head).hostname


class ConnectGuard:
    """The connector's ``socket_factory``: refuses to open a socket to a forbidden address.

    Addresses that the resolver let through for an exempt (allow-listed) host are
    :meth:`approve`-d and pass.  With ``allow_private`` nothing is refused.
    """

    def __init__(self, config: CrawlConfig) -> None:
        self._config = config
        self._approved: set[str] = set()
        self.refused: list[str] = []  # every address refused here (none, unless something slipped)

    def approve(self, addresses: list[str]) -> None:
        self._approved.update(addresses)

    def __call__(self, addr_info: tuple[Any, ...]) -> socket.socket:
        family, type_, proto, _canonname, sockaddr = addr_info
        address = str(sockaddr[0])
        if not self._config.allow_private and address not in self._approved and is_forbidden_address(address):
            self.refused.append(address)
            raise PrivateAddressError(address, address)
        return socket.socket(family=family, type=type_, proto=proto)


class GuardResolver(AbstractResolver):
    """Resolver wrapper that filters out forbidden addresses (see module docstring)."""

    def __init__(
        self,
        inner: AbstractResolver,
        config: CrawlConfig,
        *,
        owns_inner: bool,
        on_resolved: OnResolved | None = None,
        connect_guard: ConnectGuard | None = None,
    ) -> None:
        self._inner = inner
        self._config = config
        self._owns_inner = owns_inner
        self._on_resolved = on_resolved
        self._connect_guard = connect_guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = results
        if results and not host_exempt(host, self._config):
            allowed = [r for r in results if not is_forbidden_address(r["host"])]
            if not allowed:
                raise PrivateAddressError(host, results[0]["host"])
        elif results and self._connect_guard is not None:
            self._connect_guard.approve([r["host"] for r in results])
        if self._on_resolved is not None:
            self._on_resolved(host, [r["host"] for r in allowed])
        return allowed

    async def close(self) -> None:
        if self._owns_inner:
            await self._inner.close()
