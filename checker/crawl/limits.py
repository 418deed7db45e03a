"""Concurrency and politeness limits, per crawl (no module-level state).

A request first waits its turn at its host (one queue per host, first come first served),
then until the host's pace allows another request (:class:`~.pacing.HostPace`: fewer than its
window in flight, the gap since the last start passed, no ``Retry-After`` pause), then takes
one of the ``concurrency`` global slots.  Waiting at the host first means tasks queued behind
a busy host never hold a global slot, so one slow host cannot starve the others; the head of
a host's queue keeps its turn while it waits for the global slot, so two requests to one host
never start closer than the gap, and never more than the window (at most ``host_concurrency``)
are in flight.

Each request reports its outcome to its :class:`Ticket` (the fetcher does, after each attempt),
which is what lets the pace adapt.

robots.txt (when :meth:`RequestGate.bind` was given a session and ``CrawlConfig.robots`` is on):
the first request to a host goes alone; once the host has answered over HTTP, its robots.txt is
read, once, before the next request starts, and its ``Crawl-delay`` becomes the host's floor
(capped at ``max_host_interval``, with a note).  The gap counts from the first request's start,
so even the second request keeps to the delay.  Waiting for an answer first means a host that
cannot be reached (no DNS record, refused, silent) is never asked for robots.txt: that would
only double its failed lookups and connection attempts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from yarl import URL

from checker.model.links import ErrorKind

from .config import CrawlConfig
from .pacing import HostPace
from .robots import read_crawl_delay

__all__ = ["RequestGate", "Ticket"]

Clock = Callable[[], float]


class Ticket:
    """One request's place at its host: how long it waited, and where its outcome goes."""

    __slots__ = ("_clock", "_host", "_pace", "reported", "started", "waited")

    def __init__(self, host: _Host, started: float, waited: float, clock: Clock) -> None:
        self._host = host
        self._pace = host.pace
        self._clock = clock
        self.started = started
        self.waited = waited  # seconds queued for the slot
        self.reported: str | None = None  # why the host was slowed down, if it was

    def answered(self, status: int, retry_after: float | None = None) -> None:
        """The host answered ``status`` (with ``Retry-After`` in seconds, if it sent one)."""
        self._host.answered = True
        self.reported = self._pace.answered(self.started, self._clock(), status, retry_after)

    def failed(self, kind: ErrorKind | None) -> None:
        """No answer: the request failed with ``kind``."""
        self.reported = self._pace.failed(self.started, self._clock(), kind)


@dataclass
class _Host:
    pace: HostPace
    origin: URL | None = None  # where its robots.txt is (scheme, host and port of its first URL)
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    freed: asyncio.Event = field(default_factory=asyncio.Event)
    inflight: int = 0
    finished: int = 0  # requests that have given back their slot
    answered: bool = False  # some request got an HTTP answer
    robots_read: bool = False


class RequestGate:
    """Global and per-host limits; ``async with gate.slot(host, url) as ticket:`` (see module docstring)."""

    def __init__(
        self,
        concurrency: int,
        host_concurrency: int,
        host_interval: float,
        *,
        max_host_interval: float | None = None,
        pause_cap: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        defaults = CrawlConfig()
        self._global = asyncio.Semaphore(concurrency)
        self._ceiling = host_concurrency
        self._floor = host_interval
        self._cap = max(
            host_interval, defaults.max_host_interval if max_host_interval is None else max_host_interval
        )
        self._pause_cap = defaults.retry_after_cap if pause_cap is None else pause_cap
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._session: aiohttp.ClientSession | None = None
        self._config: CrawlConfig | None = None
        #: plain-English lines for the run's notes (a Crawl-delay that was capped)
        self.notes: list[str] = []

    def bind(self, session: aiohttp.ClientSession, config: CrawlConfig) -> None:
        """Take the caps from ``config``, and read robots.txt through ``session`` if ``config.robots``."""
        self._cap = max(self._floor, config.max_host_interval)
        self._pause_cap = config.retry_after_cap
        self._session = session if config.robots else None
        self._config = config

    def pace(self, host: str) -> HostPace | None:
        """``host``'s pacing state, once a request to it has asked for a slot."""
        state = self._hosts.get(host)
        return state.pace if state is not None else None

    @asynccontextmanager
    async def slot(self, host: str, url: URL | None = None) -> AsyncIterator[Ticket]:
        """Hold a request slot for ``host`` (``url``: the URL requested, which says where robots.txt is)."""
        queued = self._clock()
        state = self._hosts.get(host)
        if state is None:
            pace = HostPace(self._ceiling, self._floor, self._cap, self._pause_cap)
            state = self._hosts[host] = _Host(pace)
        pace = state.pace
        if state.origin is None and url is not None:
            state.origin = url.origin()
        async with state.turn:
            while True:
                # the first request goes alone: robots.txt is read once the host has answered
                limit = pace.limit if state.finished or not self._reads_robots else 1
                if state.inflight >= limit:
                    state.freed.clear()
                    await state.freed.wait()
                    continue
                if state.answered and not state.robots_read:
                    state.inflight += 1  # robots.txt is a request to the host like the others
                    try:
                        await self._read_robots(host, state)
                    finally:
                        state.inflight -= 1
                    continue
                delay = pace.ready_at() - self._clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                    continue
                await self._global.acquire()
                if state.inflight < limit and pace.ready_at() <= self._clock():
                    break
                self._global.release()  # the host slowed down meanwhile: wait again
            now = self._clock()
            state.inflight += 1
            pace.started(now)
        try:
            yield Ticket(state, now, now - queued, self._clock)
        finally:
            state.inflight -= 1
            state.finished += 1
            state.freed.set()
            self._global.release()

    @property
    def _reads_robots(self) -> bool:
        return self._session is not None

    async def _read_robots(self, host: str, state: _Host) -> None:
        if self._session is not None and self._config is not None and state.origin is not None:
            async with self._global:
                delay = await read_crawl_delay(self._session, state.origin, self._config)
            if delay:
                if delay > self._cap:
                    self.notes.append(
                        f"{host} asks for {delay:g} s between requests (Crawl-delay in its robots.txt); "
                        f"checker kept {self._cap:g} s between them, the most it waits for one host"
                    )
                state.pace.set_floor(max(self._floor, min(delay, self._cap)))
        state.robots_read = True  # not when cancelled: the next request reads it then
