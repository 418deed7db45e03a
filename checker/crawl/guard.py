"""Address guard: never connect to private, loopback or otherwise non-public addresses.

Two checks, both made *before* any connection is opened:

* :class:`GuardResolver` wraps the real resolver used by the aiohttp connector.
  Every name lookup (first request and every redirect hop, since each new
  connection resolves its host) drops the forbidden addresses; if none is left
  it raises :class:`PrivateAddressError`, which aiohttp wraps in
  ``ClientConnectorDNSError`` and :mod:`checker.crawl.classify` maps to PRIVATE.
* aiohttp does not call the resolver for IP-literal hosts, so the fetcher calls
  :func:`forbidden_literal` on every URL it is about to request.

The guard is off when ``CrawlConfig.allow_private`` is true; host names listed
in ``CrawlConfig.private_host_allowlist`` are exempt from the resolver check.
Because every connection's addresses pass through it, the guard also tells an
``on_resolved`` callback which addresses each host got (the crawler's
:class:`~checker.crawl.network.AddressBook` uses them to tell local from public hosts).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from aiohttp.abc import AbstractResolver, ResolveResult

from .config import CrawlConfig

__all__ = [
    "GuardResolver",
    "PrivateAddressError",
    "forbidden_literal",
    "ip_literal",
    "is_forbidden_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
OnResolved = Callable[[str, list[str]], None]


class PrivateAddressError(OSError):
    """Raised by :class:`GuardResolver` when a host resolves only to forbidden addresses."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(None, f"{host} resolves to the non-public address {address}")
        self.host = host
        self.address = address


def is_forbidden_address(address: str | IPAddress) -> bool:
    """True for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    if isinstance(address, str):
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return True  # not an address at all: refuse rather than guess
    else:
        ip = address
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None and is_forbidden_address(mapped):
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
    ip = ip_literal(host)
    if ip is None or not is_forbidden_address(ip):
        return None
    return str(ip)


class GuardResolver(AbstractResolver):
    """Resolver wrapper that filters out forbidden addresses (see module docstring)."""

    def __init__(
        self,
        inner: AbstractResolver,
        config: CrawlConfig,
        *,
        owns_inner: bool,
        on_resolved: OnResolved | None = None,
    ) -> None:
        self._inner = inner
        self._config = config
        self._owns_inner = owns_inner
        self._on_resolved = on_resolved

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = results
        if results and not host_exempt(host, self._config):
            allowed = [r for r in results if not is_forbidden_address(r["host"])]
            if not allowed:
                raise PrivateAddressError(host, results[0]["host"])
        if self._on_resolved is not None:
            self._on_resolved(host, [r["host"] for r in allowed])
        return allowed

    async def close(self) -> None:
        if self._owns_inner:
            await self._inner.close()
