"""What a crawl learns about the network itself, as opposed to about one link.

A link whose host cannot be reached is a verdict on the link only if the network
demonstrably works; otherwise a filtered CI runner or a sandbox would call every link
dead.  Two questions, each answered from evidence gathered during the crawl:

* **Does DNS work?**  A lookup that says "no such name" (NXDOMAIN) is also what a
  resolver says for *every* public name on a network that filters DNS.
  :class:`DnsProbe` looks up a few well-known names (``CrawlConfig.dns_probes``)
  through the crawl's own resolver, address guard included, the first time a lookup
  fails: once per crawl however many lookups fail at once, and within
  ``dns_probe_timeout``.  If one resolves to an address the crawl may use, DNS works
  and the failed name really does not exist; if none does, DNS is not working and the
  link is not checked.  A probe name that resolves only to a private address (a
  sinkhole such as ``0.0.0.0``) does not count.
* **Does the way to this kind of address work?**  A refused or timed-out connection is
  what a firewall gives for every host.  :class:`AddressBook` remembers, for every
  host the guard resolved, whether it is at a public or a local (private, loopback...)
  address.  An HTTP answer from a host proves the way to *its* kind of address only:
  an intranet server answering says nothing about the internet, so it never makes a
  failed connection to a public host a verdict.

Nothing here opens a connection: the probes are name lookups only.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
from collections.abc import Iterable

from aiohttp.abc import AbstractResolver

from .guard import ip_literal, is_forbidden_address

__all__ = ["AddressBook", "DnsProbe", "Reach"]


class Reach(enum.Enum):
    """The kind of address a host is at: a working path to one kind proves nothing about the other."""

    PUBLIC = "public"
    LOCAL = "local"  # private, loopback, link-local... (reachable only with allow_private)


def _key(host: str) -> str:
    name = host.rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def _reach_of(address: str) -> Reach:
    return Reach.LOCAL if is_forbidden_address(address) else Reach.PUBLIC


class AddressBook:
    """For each host resolved during the crawl, the kinds of address it resolved to.

    Filled by :class:`~checker.crawl.guard.GuardResolver` (its ``on_resolved``), which
    sees exactly the addresses that connections go to.
    """

    def __init__(self) -> None:
        self._reach: dict[str, frozenset[Reach]] = {}

    def note(self, host: str, addresses: Iterable[str]) -> None:
        """Record ``host``'s addresses (joined with any earlier lookup of it)."""
        reach = frozenset(_reach_of(address) for address in addresses)
        if reach:
            key = _key(host)
            self._reach[key] = self._reach.get(key, frozenset()) | reach

    def reach(self, host: str | None) -> frozenset[Reach]:
        """The kinds of address ``host`` is at; empty when unknown (never resolved)."""
        if not host:
            return frozenset()
        literal = ip_literal(host)
        if literal is not None:
            return frozenset({_reach_of(str(literal))})
        return self._reach.get(_key(host), frozenset())


class DnsProbe:
    """Whether DNS works here at all: asked once per crawl, only when a lookup has failed.

    :meth:`works` may be awaited by many tasks at once; the first call starts the one
    probe and every caller shares its answer.  ``names`` empty means probing is off.
    """

    def __init__(self, resolver: AbstractResolver, names: tuple[str, ...], timeout: float) -> None:
        self.names = names
        self._resolver = resolver
        self._timeout = timeout
        self._task: asyncio.Task[bool] | None = None

    async def works(self) -> bool:
        """True when at least one probe name resolves; False when none does in time."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._probe())
        # shielded: a caller being cancelled must not cancel the answer the others wait for
        return await asyncio.shield(self._task)

    async def _probe(self) -> bool:
        lookups = [asyncio.create_task(self._resolves(name)) for name in self.names]
        try:
            async with asyncio.timeout(self._timeout):
                for finished in asyncio.as_completed(lookups):
                    if await finished:
                        return True
        except TimeoutError:
            pass
        finally:
            for lookup in lookups:
                lookup.cancel()
            await asyncio.gather(*lookups, return_exceptions=True)
        return False

    async def _resolves(self, name: str) -> bool:
        try:
            return bool(await self._resolver.resolve(name, 443, socket.AF_UNSPEC))
        except Exception:  # any failure (no such name, no answer, private only) is "did not resolve"
            return False

    async def close(self) -> None:
        """Stop a probe that nobody waits for any more (the crawl was aborted)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
